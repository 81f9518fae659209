// Build step: copy what the extension ships from the repository into client-vscode/.
//  - ../snippets/*.json | *.code-snippets (VS Code snippet format) -> snippets/python.json (merged;
//    `{}` when the folder is empty or missing, so the `snippets` contribution always resolves)
//  - ../docs/rules/*.md -> docs/rules/ (opened by "resilint: Show Rule Documentation")
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ext = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const repo = path.resolve(ext, "..");

function readJsonc(file) {
  const text = fs.readFileSync(file, "utf8")
    .replace(/^\uFEFF/, "")
    .replace(/("(?:\\.|[^"\\])*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (m, str) => str ?? "")
    .replace(/,(\s*[}\]])/g, "$1");
  return JSON.parse(text);
}

const snippets = {};
const srcSnippets = path.join(repo, "snippets");
let nSnippetFiles = 0;
if (fs.existsSync(srcSnippets)) {
  for (const name of fs.readdirSync(srcSnippets).sort()) {
    if (!/\.(json|code-snippets)$/.test(name)) continue;
    const data = readJsonc(path.join(srcSnippets, name));
    for (const [key, value] of Object.entries(data)) {
      if (!value || typeof value !== "object" || !("body" in value)) continue;
      if (value.scope && !String(value.scope).split(",").map((s) => s.trim()).includes("python")) continue;
      const { scope, ...rest } = value;
      snippets[key in snippets ? `${key} (${name})` : key] = rest;
    }
    nSnippetFiles++;
  }
}
fs.mkdirSync(path.join(ext, "snippets"), { recursive: true });
fs.writeFileSync(path.join(ext, "snippets", "python.json"), JSON.stringify(snippets, null, 2) + "\n");

const srcDocs = path.join(repo, "docs", "rules");
const dstDocs = path.join(ext, "docs", "rules");
fs.rmSync(dstDocs, { recursive: true, force: true });
fs.mkdirSync(dstDocs, { recursive: true });
let nDocs = 0;
if (fs.existsSync(srcDocs)) {
  for (const name of fs.readdirSync(srcDocs)) {
    if (name.endsWith(".md")) {
      fs.copyFileSync(path.join(srcDocs, name), path.join(dstDocs, name));
      nDocs++;
    }
  }
}
console.log(`copy-assets: ${Object.keys(snippets).length} snippet(s) from ${nSnippetFiles} file(s), ${nDocs} rule doc(s)`);
