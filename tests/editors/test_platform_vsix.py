"""The bundled platform .vsix (client-vscode/scripts/build_platform_vsix.py), run as a user gets it.

One linux-x64 build (this machine's CPython version plus one more, so the common/ + cpXY/ split
is exercised), unzipped; then a fresh `python -m venv --without-pip` interpreter with nothing
installed runs the server from the bundle, with PYTHONPATH chosen by the extension's own code
(src/bundled.ts under node): the CLI reports RES001 and the language server publishes it.
The other four targets are checked on the compiled wheels their tags select: pydantic-core and
libcst for macOS arm64/x86-64, Linux aarch64 and Windows x64 binaries, by their file headers.
pip's cache and every download live in this test's tmp folder.
"""
from __future__ import annotations

import importlib.metadata
import json
import os
import platform
import shutil
import struct
import subprocess
import sys
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from editors_common import RES001_LINE, SOURCE

REPO = Path(__file__).resolve().parents[2]
EXT = REPO / "client-vscode"
SCRIPT = EXT / "scripts" / "build_platform_vsix.py"
sys.path.insert(0, str(REPO / "tests" / "lsp"))
sys.path.insert(0, str(SCRIPT.parent))
import build_platform_vsix as build  # noqa: E402
from lsp_harness import diagnostics_for, lsp, open_doc  # noqa: E402

HOST = f"{sys.version_info[0]}.{sys.version_info[1]}"
OTHER = next(v for v in reversed(build.DEFAULT_PYTHONS) if v != HOST)

pytestmark = [
    pytest.mark.skipif(shutil.which("node") is None or shutil.which("npm") is None, reason="needs node and npm"),
    pytest.mark.skipif(sys.platform != "linux" or platform.machine() != "x86_64", reason="runs the linux-x64 build"),
]


def _run(args: list[str], timeout: float, **kwargs) -> subprocess.CompletedProcess[str]:
    start = time.monotonic()
    proc = subprocess.run(args, capture_output=True, text=True, timeout=timeout, **kwargs)
    print(f"{' '.join(map(str, args))[:160]}: {time.monotonic() - start:.1f}s")
    return proc


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("vsix")
    env = {**os.environ, "PIP_CACHE_DIR": str(tmp / "pip-cache"),
           "npm_config_cache": str(EXT / ".npm-cache"), "npm_config_update_notifier": "false"}
    # the other targets' compiled wheels download meanwhile (pip mostly waits for the index)
    with ThreadPoolExecutor(max_workers=len(EXPECTED)) as pool:
        fetching = {t: pool.submit(_fetch_native, t, tmp / "native" / t, env) for t in EXPECTED}
        proc = _run([sys.executable, str(SCRIPT), "--target", "linux-x64", "--python-versions", f"{HOST},{OTHER}",
                     "--out", str(tmp / "out")], 300, env=env)
        native = {t: f.result() for t, f in fetching.items()}
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    (vsix,) = (tmp / "out").glob("*.vsix")
    assert vsix.name == "resilint-linux-x64-0.1.0.vsix"
    with zipfile.ZipFile(vsix) as zf:
        zf.extractall(tmp / "unzipped")
    root = tmp / "unzipped" / "extension"
    # a bare interpreter: no pip, no resilint, no dependencies, none of this test run's packages
    bare = tmp / "bare"
    subprocess.run([getattr(sys, "_base_executable", sys.executable), "-m", "venv", "--without-pip", str(bare)],
                   check=True, timeout=60)
    return {"tmp": tmp, "vsix": vsix, "root": root, "python": bare / "bin" / "python", "native": native}


def _bundle_choice(built: dict, tag: str | None = None) -> dict:
    """src/bundled.ts under node: the folder the extension picks for the bare interpreter."""
    js = built["tmp"] / "bundled.js"
    if not js.exists():
        proc = _run([str(EXT / "node_modules" / ".bin" / "esbuild"), str(EXT / "src" / "bundled.ts"), "--bundle",
                     "--platform=node", "--format=cjs", f"--outfile={js}"], 60)
        assert proc.returncode == 0, proc.stderr
    script = ("const b = require(process.argv[1]); const libs = process.argv[2]; const tag = process.argv[4];"
              "(tag ? Promise.resolve(tag) : b.bundleTag([process.argv[3]]))"
              ".then((t) => console.log(JSON.stringify({ tag: t, ...b.bundledPath(libs, t) })));")
    proc = _run(["node", "-e", script, str(js), str(built["root"] / "bundled" / "libs"), str(built["python"]),
                 tag or ""], 30)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def _bare_env(built: dict, pythonpath: list[str]) -> dict[str, str]:
    # only what a shell gives a process, plus the PYTHONPATH the extension sets (serverEnv)
    return {"PATH": "/usr/bin:/bin", "HOME": str(built["tmp"]), "LANG": "C.UTF-8", "PYTHONPATH": os.pathsep.join(pythonpath),
            "RESILINT_CACHE_DIR": str(built["tmp"] / "cache")}


def test_vsix_layout(built: dict) -> None:
    libs = built["root"] / "bundled" / "libs"
    manifest = json.loads((libs / "bundle.json").read_text())
    host, other = "cp" + HOST.replace(".", ""), "cp" + OTHER.replace(".", "")
    assert manifest["target"] == "linux-x64"
    assert set(manifest["folders"]) == {"common", host, other}
    common = {n.split("-")[0] for n in manifest["folders"]["common"]}
    assert {"resilint", "pygls", "lsprotocol", "jedi", "pydantic", "nbformat"} <= common
    for folder in (host, other):
        wheels = manifest["folders"][folder]
        assert all(f"-{folder}-" in w and "manylinux" in w for w in wheels), wheels
        assert {"pydantic_core", "libcst"} <= {w.split("-")[0] for w in wheels}
        (core,) = (libs / folder / "pydantic_core").glob("_pydantic_core.*.so")
        assert core.name == f"_pydantic_core.cpython-{folder[2:]}-x86_64-linux-gnu.so"
        assert _machine(core) == "linux-x86_64"
    assert not list(libs.rglob("__pycache__"))
    assert (built["root"] / "dist" / "extension.js").is_file()
    with zipfile.ZipFile(built["vsix"]) as zf:  # vsce --target: the Marketplace serves it to linux-x64 only
        assert 'TargetPlatform="linux-x64"' in zf.read("extension.vsixmanifest").decode()
    print(f"linux-x64 .vsix ({HOST}, {OTHER}): {built['vsix'].stat().st_size} bytes")


def test_bare_interpreter_has_nothing(built: dict) -> None:
    proc = _run([str(built["python"]), "-s", "-c", "import pydantic"], 30, env=_bare_env(built, []),
                cwd=built["tmp"])
    assert proc.returncode != 0 and "No module named 'pydantic'" in proc.stderr


def test_extension_picks_the_interpreters_folder(built: dict) -> None:
    libs = built["root"] / "bundled" / "libs"
    choice = _bundle_choice(built)
    assert choice == {"tag": "cp" + HOST.replace(".", ""),
                      "path": [str(libs / choice["tag"]), str(libs / "common")]}
    missing = _bundle_choice(built, tag="cp39")
    assert "path" not in missing
    assert f"CPython {', '.join(sorted([HOST, OTHER]))} on linux-x64" in missing["error"]
    assert "cp39" in missing["error"]


def test_bundled_cli_reports_res001(built: dict) -> None:
    path = _bundle_choice(built)["path"]
    work = built["tmp"] / "project"
    work.mkdir(exist_ok=True)
    (work / "app.py").write_text(SOURCE)
    env = _bare_env(built, path)
    where = _run([str(built["python"]), "-s", "-P", "-c",
                  "import resilint.server, pydantic_core, libcst, yaml; "
                  "print(resilint.server.__file__, pydantic_core.__file__, libcst.__file__, yaml.__file__)"],
                 30, env=env, cwd=work)
    assert where.returncode == 0, where.stderr
    assert all(f.startswith(str(built["root"] / "bundled" / "libs")) for f in where.stdout.split()), where.stdout
    proc = _run([str(built["python"]), "-s", "-P", "-m", "resilint.server.cli", "check", "app.py"], 60, env=env, cwd=work)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert f"app.py:{RES001_LINE + 1}:12: RES001" in proc.stdout, proc.stdout


async def test_bundled_server_publishes_res001(built: dict) -> None:
    path = _bundle_choice(built)["path"]
    work = built["tmp"] / "lsp-project"
    work.mkdir(exist_ok=True)
    doc = work / "app.py"
    doc.write_text(SOURCE)
    command = [str(built["python"]), "-s", "-P", "-m", "resilint.server.serve"]
    async with lsp(work, server_command=command, server_env=_bare_env(built, path)) as client:
        assert client.init_result.server_info.name == "resilint"
        open_doc(client, doc.as_uri(), SOURCE)
        diags = await diagnostics_for(client, doc.as_uri(), 1)
    assert [(d.code, d.range.start.line) for d in diags] == [("RES001", RES001_LINE)]


def _machine(binary: Path) -> str:
    """The OS and CPU a compiled module is for, read from its header (ELF, Mach-O, PE)."""
    data = binary.read_bytes()[:4096]
    if data[:4] == b"\x7fELF":
        return {62: "linux-x86_64", 183: "linux-aarch64"}.get(struct.unpack_from("<H", data, 18)[0], "elf-?")
    macho = {0x01000007: "macos-x86_64", 0x0100000C: "macos-arm64"}
    if data[:4] == b"\xcf\xfa\xed\xfe":
        return macho.get(struct.unpack_from("<I", data, 4)[0], "macho-?")
    if data[:4] == b"\xca\xfe\xba\xbe":  # universal2: every architecture inside
        count = struct.unpack_from(">I", data, 4)[0]
        return "+".join(sorted(macho.get(struct.unpack_from(">I", data, 8 + 20 * i)[0], "?") for i in range(count)))
    if data[:2] == b"MZ":
        pe = struct.unpack_from("<I", data, 0x3C)[0]
        return {0x8664: "windows-x86_64"}.get(struct.unpack_from("<H", data, pe + 4)[0], "pe-?")
    return "unknown"


EXPECTED = {"linux-arm64": ("linux-aarch64", ".cpython-{v}-aarch64-linux-gnu.so"),
            "darwin-x64": ("macos-x86_64", ".cpython-{v}-darwin.so"),
            "darwin-arm64": ("macos-arm64", ".cpython-{v}-darwin.so"),
            "win32-x64": ("windows-x86_64", ".cp{v}-win_amd64.pyd")}


def _fetch_native(target: str, dest: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """pydantic-core (the version this test run's pydantic pins) and libcst as resilint requires it,
    for `target`'s platform tags (libcst 1.9.0 has no macOS x86-64 wheel: darwin-x64 gets 1.8.x)."""
    tags = [a for tag in build.platform_tags(target) for a in ("--platform", tag)]
    pins = [f"pydantic-core=={importlib.metadata.version('pydantic-core')}", "libcst>=1.0"]
    return _run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
                 "--implementation", "cp", "--python-version", HOST, *tags, "--dest", str(dest), *pins], 240, env=env)


def test_other_targets_get_their_platforms_binaries(built: dict) -> None:
    """Each other target's tags select that platform's compiled modules: a Mach-O arm64 .so of
    pydantic_core for darwin-arm64, a .pyd for win32-x64, and so on."""
    folder = "cp" + HOST.replace(".", "")
    for target, proc in built["native"].items():
        assert proc.returncode == 0, (target, proc.stderr[-3000:])
        dest = built["tmp"] / "native" / target
        machine, suffix = EXPECTED[target]
        wheels = sorted(dest.glob("*.whl"))
        assert len(wheels) == 2, wheels
        for wheel in wheels:
            build.unpack(wheel, dest / "libs")
        binaries = [p for p in (dest / "libs").rglob("*") if p.suffix in (".so", ".pyd")]
        core = [p for p in binaries if p.name.startswith("_pydantic_core.")]
        assert [p.name for p in core] == ["_pydantic_core" + suffix.format(v=folder[2:])], (target, core)
        cst = [p for p in binaries if "libcst" in p.parts]
        assert cst, (target, binaries)
        for binary in core + cst:
            assert machine in _machine(binary).split("+"), (target, binary.name, _machine(binary))
