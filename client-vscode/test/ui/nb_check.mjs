// Notebooks in the real VS Code workbench (code-server + headless Chromium + playwright-core):
// open a Jupyter notebook whose cell 3 calls `session.get(` on a session built in cell 1, assert
// the resilint squiggle in that cell, then apply the RES001 quick fix (Ctrl+.) and check the
// cell's text gained `timeout=` and the squiggle went away.
// Env: CS_URL, WS (folder), NOTEBOOK (file name in WS), OUT (screenshots), CHROMIUM.
import fs from "node:fs";
import { launchPage } from "./ui_browser.mjs";

const CS_URL = process.env.CS_URL ?? "http://127.0.0.1:18123";
const WS = process.env.WS;
const NOTEBOOK = process.env.NOTEBOOK ?? "fetch_notebook.ipynb";
const OUT = process.env.OUT ?? ".";
fs.mkdirSync(OUT, { recursive: true });
const t0 = Date.now();
const log = (...a) => console.log(`[nb ${Date.now() - t0}ms]`, ...a);

const { browser, page } = await launchPage(log);
let ok = false;
// code-server keeps a hidden notebook editor element around: only the visible one counts
const cellEditors = ".notebook-editor:visible .cell-editor-container .monaco-editor";
const squiggles = `${cellEditors} .squiggly-warning, ${cellEditors} .squiggly-error`;
try {
  await page.goto(`${CS_URL}/?folder=${encodeURIComponent(WS)}`, { waitUntil: "domcontentloaded" });
  await page.waitForSelector(".monaco-workbench", { timeout: 90000 });
  await page.waitForSelector(".explorer-folders-view .monaco-list-row", { timeout: 30000 });
  log("workbench loaded");
  await page.locator(".monaco-workbench").click({ position: { x: 700, y: 400 } });
  await page.keyboard.press("Control+P");
  await page.waitForSelector(".quick-input-widget:not([style*='display: none']) input", { timeout: 10000 });
  await page.keyboard.type(NOTEBOOK, { delay: 20 });
  await page.waitForSelector(".quick-input-list .monaco-list-row", { timeout: 15000 });
  await page.keyboard.press("Enter");
  await page.waitForSelector(".notebook-editor:visible", { timeout: 30000 });
  await page.waitForSelector(cellEditors, { timeout: 30000 });
  log("notebook open:", NOTEBOOK, "cells:", await page.locator(".notebook-editor:visible .cell-editor-container").count());

  // 1) the squiggle, in the third cell (the second code cell)
  const squiggle = page.locator(squiggles).first();
  await squiggle.waitFor({ state: "attached", timeout: 90000 });
  const cells = page.locator(".notebook-editor:visible .code-cell-row");
  let inCell = -1;
  for (let i = 0; i < (await cells.count()); i++) {
    if (await cells.nth(i).locator(".squiggly-warning, .squiggly-error").count()) inCell = i;
  }
  log("squiggle in code cell", inCell + 1, "of", await cells.count());
  if (inCell !== 1) throw new Error(`expected the squiggle in the second code cell, got ${inCell + 1}`);
  const cell = cells.nth(inCell);
  const before = (await cell.locator(".view-lines").innerText()).replace(/\u00a0/g, " ");
  log("cell text:", before.replace(/\s+/g, " ").slice(0, 160));
  await page.screenshot({ path: `${OUT}/notebook-squiggle.png` });

  // 2) the quick fix: put the cursor on the squiggle, Ctrl+. and pick the RES001 fix
  const box = await cell.locator(".squiggly-warning, .squiggly-error").first().boundingBox();
  if (!box) throw new Error("squiggle has no box");
  await page.mouse.click(box.x + Math.min(8, box.width / 2), box.y + box.height / 2);
  await page.waitForTimeout(400);
  await page.keyboard.press("Control+.");
  const fixItem = page.locator(".action-widget .monaco-list-row, .context-view .action-item", { hasText: "RES001:" }).first();
  await fixItem.waitFor({ timeout: 20000 });
  log("quick fix offered:", (await fixItem.innerText()).replace(/\s+/g, " ").slice(0, 120));
  // the action list animates in (a click waits for "stable" forever): select it with the keyboard
  for (let i = 0; i < 8; i++) {
    const focused = page.locator(".action-widget .monaco-list-row.focused").first();
    if ((await focused.count()) && /RES001:/.test(await focused.innerText())) break;
    await page.keyboard.press("ArrowDown");
  }
  await page.keyboard.press("Enter");
  const deadline = Date.now() + 30000;
  let after = before;
  while (Date.now() < deadline && !/timeout=/.test(after)) {
    await page.waitForTimeout(250);
    after = (await cell.locator(".view-lines").innerText()).replace(/\u00a0/g, " ");
  }
  log("cell text after fix:", after.replace(/\s+/g, " ").slice(0, 160));
  if (!/session\.get\([^)]*timeout=/.test(after)) throw new Error("the quick fix did not reach the cell");
  // the squiggle clears once the server re-analysed the notebook
  const clearDeadline = Date.now() + 30000;
  while (Date.now() < clearDeadline && (await cell.locator(".squiggly-warning, .squiggly-error").count())) {
    await page.waitForTimeout(250);
  }
  const left = await cell.locator(".squiggly-warning, .squiggly-error").count();
  await page.screenshot({ path: `${OUT}/notebook-after-fix.png` });
  if (left) throw new Error(`the cell still shows ${left} squiggle(s) after the fix`);
  log("squiggle gone after the fix");
  ok = true;
} catch (e) {
  log("FAILED:", String(e).slice(0, 600));
  await page.screenshot({ path: `${OUT}/notebook-failure.png` }).catch(() => undefined);
} finally {
  await browser.close();
}
console.log(ok ? "RESULT: PASS" : "RESULT: FAIL");
process.exit(ok ? 0 : 1);
