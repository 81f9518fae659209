// `npm run vsix`: vsce package, offline (--no-dependencies: dist/extension.js is self-contained).
//
// When bundled/libs holds the Python server (scripts/build_platform_vsix.py) it is packaged and
// vsce's secret scan is skipped: it would lint thousands of third-party .py files for >10 minutes.
// Our own files are scanned in the unbundled build (CI: tests/editors/test_vscode_build.py).
// Extra arguments go to vsce (build_platform_vsix.py passes `--target linux-x64` etc.).
//
// Environment: RESILINT_VSIX_OUT (default resilint.vsix), RESILINT_VSIX_NO_BUNDLE=1 (leave
// bundled/ out even when it is populated), RESILINT_VSIX_DIR (package this copy of the
// extension instead of client-vscode/: build_platform_vsix.py stages one per target).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ext = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dir = process.env.RESILINT_VSIX_DIR ? path.resolve(process.env.RESILINT_VSIX_DIR) : ext;
const libs = path.join(dir, "bundled", "libs");
const noBundle = process.env.RESILINT_VSIX_NO_BUNDLE === "1";
const bundled = !noBundle && fs.existsSync(libs) && fs.readdirSync(libs).length > 0;
const out = process.env.RESILINT_VSIX_OUT || "resilint.vsix";
const args = ["package", "--no-dependencies", "--allow-missing-repository", "--skip-license",
  "--no-rewrite-relative-links", "-o", out];
let tmp;
if (bundled) {
  console.log("vsix: bundled/libs present -> packaging the bundled server (secret scan skipped for third-party code)");
  // both flags: with only the first, vsce still runs secretlint over every file for its .env rule
  args.push("--allow-package-all-secrets", "--allow-package-env-file");
} else {
  console.log("vsix: without bundled/libs -> the extension uses resilint from the selected interpreter");
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "resilint-vsix-"));
  const ignore = path.join(tmp, ".vscodeignore");
  fs.writeFileSync(ignore, fs.readFileSync(path.join(dir, ".vscodeignore"), "utf8") + "\nbundled/**\n");
  args.push("--ignoreFile", ignore);
}
args.push(...process.argv.slice(2));
const vsce = path.join(ext, "node_modules", ".bin", process.platform === "win32" ? "vsce.cmd" : "vsce");
const r = spawnSync(vsce, args, { cwd: dir, stdio: "inherit" });
if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
if (r.error) console.error(r.error);
process.exit(r.status ?? 1);
