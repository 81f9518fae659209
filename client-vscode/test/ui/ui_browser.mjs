// The headless Chromium page both UI checks drive (playwright-core from NODE_PATH).
import { createRequire } from "node:module";
const { chromium } = createRequire(import.meta.url)("playwright-core");

export async function launchPage(log) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/lib/chromium/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  page.on("pageerror", (e) => log("pageerror:", String(e).slice(0, 200)));
  return { browser, page };
}
