// The resilint server bundled in a platform .vsix (scripts/build_platform_vsix.py): bundled/libs
// holds `common/` (pure-Python wheels) and one `cpXY/` per CPython version for the compiled ones
// (pydantic-core, libcst, ...). No `vscode` import: tests/editors/test_platform_vsix.py runs this
// module under plain node against a built bundle and a real interpreter.
import * as cp from "child_process";
import * as fs from "fs";
import * as path from "path";

export const BUNDLE_COMMON = "common";

/**
 * The interpreter's bundle folder name: `cp311`, `cp313t` for a free-threaded build, `pp310`
 * for PyPy (never bundled). Asked of the interpreter itself: `resilint.interpreter` and the
 * default `python3` come with no version.
 */
export function bundleTag(command: string[]): Promise<string | undefined> {
  const [cmd, ...args] = command;
  const code =
    "import sys, sysconfig; v = sys.version_info; " +
    "print(('cp' if sys.implementation.name == 'cpython' else sys.implementation.name[:2]) + '%d%d' % v[:2]" +
    " + ('t' if sysconfig.get_config_var('Py_GIL_DISABLED') else ''))";
  return new Promise((resolve) => {
    cp.execFile(cmd, [...args, "-I", "-c", code], { timeout: 20000 }, (err, stdout) =>
      resolve(err ? undefined : stdout.trim()),
    );
  });
}

/**
 * PYTHONPATH entries of the bundled server for one interpreter (`libs/cpXY`, then
 * `libs/common`), or, when the bundle has no folder for its version, why not.
 */
export function bundledPath(libs: string, tag: string | undefined): { path: string[] } | { error: string } {
  let built: string[] = [];
  try {
    built = fs.readdirSync(libs).filter((f) => /^[a-z]{2}\d+t?$/.test(f)).sort();
  } catch {
    /* no bundle at all: the error below lists no version */
  }
  if (tag && built.includes(tag)) return { path: [path.join(libs, tag), path.join(libs, BUNDLE_COMMON)] };
  const versions = built.map((f) => f.replace(/^cp(\d)(\d+)(t?)$/, "$1.$2$3")).join(", ");
  return {
    error:
      `the resilint bundled with this extension is built for CPython ${versions || "(no version)"} on ` +
      `${process.platform}-${process.arch}, not for this interpreter (${tag ?? "its version could not be read"})`,
  };
}
