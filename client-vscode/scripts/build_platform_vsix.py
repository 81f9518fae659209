#!/usr/bin/env python3
"""Build the VS Code extension with the resilint server bundled, one .vsix per platform.

    python client-vscode/scripts/build_platform_vsix.py --target linux-x64 --out dist/
    python client-vscode/scripts/build_platform_vsix.py --all --out dist/
    python client-vscode/scripts/build_platform_vsix.py --target host --python-versions 3.11 --bundle-only

Targets: linux-x64, linux-arm64, darwin-x64, darwin-arm64, win32-x64 (`host` = this machine's).
For each target: resilint's own wheel (pure Python, built once from this checkout), then
`pip download --only-binary=:all: --platform ... --python-version X --implementation cp` of its
dependencies for every CPython version in --python-versions (default 3.10-3.13), unpacked into
bundled/libs, then `vsce package --target <t>` (scripts/vsix.mjs) -> OUT/resilint-<t>-<version>.vsix,
so the Marketplace serves each platform its own file.

pydantic-core, libcst, pyyaml and rpds-py are compiled per CPython minor version (none is abi3),
so bundled/libs holds:
    common/          wheels every version resolves to the same pure-Python file (resilint, pygls, jedi, ...)
    cp310/ cp311/ .. everything else for that version: the compiled wheels, and pure ones that only
                     some versions need (tomli and exceptiongroup on 3.10)
The extension starts the server with PYTHONPATH=bundled/libs/cpXY:bundled/libs/common for the
selected interpreter's version (src/bundled.ts) and says so when the bundle has no cpXY for it.

--bundle-only writes client-vscode/bundled/libs for one target and packages nothing (F5
development; `npm run vsix` then packages it). pip's cache is used as usual (PIP_CACHE_DIR).
"""
from __future__ import annotations

import argparse
import email.parser
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

try:  # `packaging` is pip's own dependency: use the installed one, else the copy inside pip
    from packaging.markers import default_environment
    from packaging.requirements import Requirement
    from packaging.tags import mac_platforms
    from packaging.utils import canonicalize_name, parse_wheel_filename
except ImportError:  # pragma: no cover - a bare interpreter with only pip
    from pip._vendor.packaging.markers import default_environment
    from pip._vendor.packaging.requirements import Requirement
    from pip._vendor.packaging.tags import mac_platforms
    from pip._vendor.packaging.utils import canonicalize_name, parse_wheel_filename

EXT = Path(__file__).resolve().parents[1]
REPO = EXT.parent
DEFAULT_PYTHONS = ("3.10", "3.11", "3.12", "3.13")
COMMON = "common"

# target -> (os_name, sys_platform, platform_system, platform_machine): the marker environment
# pip would see on that platform (pip evaluates sys_platform markers for the machine it runs on).
TARGETS = {
    "linux-x64": ("posix", "linux", "Linux", "x86_64"),
    "linux-arm64": ("posix", "linux", "Linux", "aarch64"),
    "darwin-x64": ("posix", "darwin", "Darwin", "x86_64"),
    "darwin-arm64": ("posix", "darwin", "Darwin", "arm64"),
    "win32-x64": ("nt", "win32", "Windows", "AMD64"),
}
# The oldest systems VS Code itself runs on: glibc 2.28 (VS Code 1.86+), macOS 10.15 / 11 on Apple silicon.
GLIBC_MINOR = 28
MACOS = {"x86_64": (10, 15), "arm64": (11, 0)}
# Skipped when unpacking (with a wheel's .data/ scripts, headers and data): byte code is written at run time.
SKIP_DIRS = {"__pycache__"}


def platform_tags(target: str) -> list[str]:
    """Wheel platform tags that run on the oldest system of `target`, newest first (pip --platform)."""
    _, system, _, machine = TARGETS[target]
    if system == "linux":
        tags = [f"manylinux_2_{minor}_{machine}" for minor in range(GLIBC_MINOR, 16, -1)]
        tags.append(f"manylinux2014_{machine}")  # the legacy name of manylinux_2_17
        return tags
    if system == "darwin":
        return list(mac_platforms(MACOS[machine], machine))
    return ["win_amd64"]


def host_target() -> str:
    machine = platform.machine().lower()
    arch = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}.get(machine)
    system = {"linux": "linux", "darwin": "darwin", "win32": "win32"}.get(sys.platform)
    target = f"{system}-{arch}"
    if target not in TARGETS:
        raise SystemExit(f"build_platform_vsix: no target for this machine ({sys.platform}, {machine})")
    return target


START = time.monotonic()


def log(message: str) -> None:
    print(f"[{time.monotonic() - START:6.1f}s] {message}", file=sys.stderr, flush=True)


def run(args: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    shown = [str(a) for i, a in enumerate(args) if "--platform" not in (str(a), str(args[i - 1]))]
    log(" ".join(shown)[:200])
    proc = subprocess.run(args, capture_output=True, text=True, **kwargs)
    if proc.returncode != 0:
        raise SystemExit(f"build_platform_vsix: {' '.join(map(str, args))} -> {proc.returncode}\n"
                         f"{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
    return proc


def pip(*args: str) -> None:
    run([sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet", *args])


def build_resilint_wheel(dest: Path) -> Path:
    """resilint's wheel from a copy of the checkout (setuptools' build/ never lands in the repo)."""
    src = dest / "src"
    shutil.copytree(REPO, src, ignore=shutil.ignore_patterns(
        ".git", ".venv", "node_modules", "client-vscode", "build", "dist", "*.egg-info", "__pycache__",
        ".resilint_cache", "tests", "bench", "editors"))
    pip("wheel", "--no-deps", "--wheel-dir", str(dest), str(src))
    shutil.rmtree(src)
    (wheel,) = dest.glob("resilint-*.whl")
    return wheel


def marker_env(target: str, version: str) -> dict[str, str]:
    os_name, sys_platform, system, machine = TARGETS[target]
    env = default_environment()
    env.update(os_name=os_name, sys_platform=sys_platform, platform_system=system, platform_machine=machine,
               python_version=version, python_full_version=f"{version}.0", implementation_name="cpython",
               platform_python_implementation="CPython", platform_release="", platform_version="")
    return env


def requires(wheel: Path) -> list[Requirement]:
    with zipfile.ZipFile(wheel) as zf:
        meta = next(n for n in zf.namelist() if n.count("/") == 1 and n.endswith(".dist-info/METADATA"))
        message = email.parser.Parser().parsestr(zf.read(meta).decode("utf-8"), headersonly=True)
    return [Requirement(r) for r in message.get_all("Requires-Dist") or []]


def closure(wheels: dict[str, Path], root: str, env: dict[str, str]) -> tuple[set[str], list[str]]:
    """Distributions the target needs starting at `root`, and requirements none of `wheels` meets."""
    needed: set[str] = set()
    missing: list[str] = []
    todo: list[tuple[str, frozenset[str]]] = [(root, frozenset())]
    seen: set[tuple[str, frozenset[str]]] = set()
    while todo:
        name, extras = todo.pop()
        if (name, extras) in seen:
            continue
        seen.add((name, extras))
        needed.add(name)
        for req in requires(wheels[name]):
            if req.marker and not any(req.marker.evaluate({**env, "extra": e}) for e in (extras or {""})):
                continue
            dep = canonicalize_name(req.name)
            if dep in wheels:
                todo.append((dep, frozenset(req.extras)))
            else:
                missing.append(str(req).split(";")[0])
    return needed, missing


def project_requirements() -> list[str]:
    """resilint's dependencies (pyproject.toml): pip resolves them while its wheel is being built."""
    try:
        import tomllib
    except ImportError:  # Python 3.10
        from pip._vendor import tomli as tomllib
    return tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]


def download(target: str, version: str, requirements: list[str], resilint_wheel: Future[Path],
             dest: Path) -> list[Path]:
    """The wheels `target` needs on CPython `version`: pip download, then the target's own markers."""
    tags = [arg for tag in platform_tags(target) for arg in ("--platform", tag)]
    base = ["download", "--only-binary=:all:", "--implementation", "cp", "--python-version", version,
            *tags, "--dest", str(dest)]
    pip(*base, *requirements)
    shutil.copy2(resilint_wheel.result(), dest)
    env = marker_env(target, version)
    # pip evaluates markers for the interpreter running it, --python-version or not: on 3.11 it
    # skips tomli (`python_version < "3.11"`) for 3.10 and picks pyyaml over pyyaml-ft for 3.13,
    # and it would skip a `sys_platform == "win32"` dependency. Walk the requirements with the
    # target's markers and fetch what is missing; unused wheels are left out.
    for _ in range(5):
        wheels: dict[str, Path] = {}
        for wheel in sorted(dest.glob("*.whl")):
            name = canonicalize_name(parse_wheel_filename(wheel.name)[0])
            if name in wheels:  # a fix-up download resolved another version: never bundle both
                raise SystemExit(f"build_platform_vsix: {target} / {version}: {wheels[name].name} and {wheel.name}")
            wheels[name] = wheel
        needed, missing = closure(wheels, "resilint", env)
        if not missing:
            return sorted(w for name, w in wheels.items() if name in needed)
        pip(*base, *missing)
    raise SystemExit(f"build_platform_vsix: {target} / {version}: unresolved {missing}")


def unpack(wheel: Path, dest: Path) -> None:
    """A wheel's files as `pip install --target` lays them out (purelib/platlib of .data included)."""
    with zipfile.ZipFile(wheel) as zf:
        for info in zf.infolist():
            parts = info.filename.split("/")
            if parts[0].endswith(".data"):
                if len(parts) < 3 or parts[1] not in ("purelib", "platlib"):
                    continue  # scripts, headers, data: not importable
                parts = parts[2:]
            if info.is_dir() or SKIP_DIRS.intersection(parts):
                continue
            if ".." in parts or not parts[0]:  # a path that would land outside bundled/libs
                raise SystemExit(f"build_platform_vsix: {wheel.name}: unsafe path {info.filename}")
            out = dest.joinpath(*parts)
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(zf.read(info))


def is_pure(wheel: Path) -> bool:
    return all(tag.abi == "none" and tag.platform == "any" for tag in parse_wheel_filename(wheel.name)[3])


def download_all(targets: list[str], versions: list[str], work: Path, jobs: int) -> dict[str, dict[str, list[Path]]]:
    """resilint's wheel, and download() for every target and version, `jobs` pip processes at a
    time: most of their time is spent waiting for the index, so they overlap."""
    requirements = project_requirements()
    with ThreadPoolExecutor(max_workers=1) as builder, ThreadPoolExecutor(max_workers=jobs) as pool:
        wheel = builder.submit(build_resilint_wheel, work / "wheel")
        futures = {(t, v): pool.submit(download, t, v, requirements, wheel, work / f"{t}-{v}")
                   for t in targets for v in versions}
    return {t: {v: futures[t, v].result() for v in versions} for t in targets}


def bundle(target: str, per_version: dict[str, list[Path]], libs: Path) -> dict[str, list[str]]:
    """bundled/libs for `target`: common/ plus one cpXY/ per version; returns the wheel names per folder."""
    names = [{w.name for w in wheels} for wheels in per_version.values()]
    shared = set.intersection(*names)
    layout: dict[str, list[str]] = {COMMON: []}
    if libs.exists():
        shutil.rmtree(libs)
    for version, wheels in per_version.items():
        folder = "cp" + version.replace(".", "")
        layout[folder] = []
        for wheel in wheels:
            common = wheel.name in shared and is_pure(wheel)
            key = COMMON if common else folder
            if common and wheel.name in layout[COMMON]:
                continue
            unpack(wheel, libs / key)
            layout[key].append(wheel.name)
    if not (libs / COMMON / "resilint" / "server" / "serve.py").is_file():
        raise SystemExit("build_platform_vsix: resilint is not in bundled/libs/common")
    # Read by people and by the tests: which wheel went where.
    (libs / "bundle.json").write_text(json.dumps({"target": target, "folders": layout}, indent=1) + "\n")
    return layout


def npm_build() -> None:
    """dist/extension.js (esbuild) and the copied assets; `npm ci` first when vsce is missing."""
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("build_platform_vsix: needs node and npm")
    if not (EXT / "node_modules" / ".bin" / "vsce").exists():
        run([npm, "ci", "--prefer-offline", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=EXT)
    run([npm, "run", "build"], cwd=EXT)


def package(target: str, libs_src: Path, out: Path, work: Path) -> Path:
    """vsce package --target in a copy of the extension that holds this target's bundled/libs."""
    stage = work / f"ext-{target}"
    if stage.exists():
        shutil.rmtree(stage)
    shutil.copytree(EXT, stage, ignore=shutil.ignore_patterns(
        "node_modules", ".npm-cache", "bundled", "*.vsix", ".work", "out"))
    shutil.copytree(libs_src, stage / "bundled" / "libs")
    version = json.loads((EXT / "package.json").read_text())["version"]
    vsix = out.resolve() / f"resilint-{target}-{version}.vsix"
    env = {**os.environ, "RESILINT_VSIX_DIR": str(stage), "RESILINT_VSIX_OUT": str(vsix)}
    run(["node", str(EXT / "scripts" / "vsix.mjs"), "--target", target], env=env)
    shutil.rmtree(stage)
    return vsix


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--target", choices=[*TARGETS, "host"], help="the platform to build for")
    which.add_argument("--all", action="store_true", help="every target")
    parser.add_argument("--python-versions", default=",".join(DEFAULT_PYTHONS),
                        help="CPython versions to bundle, comma-separated (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=Path("dist"), help="folder for the .vsix files")
    parser.add_argument("--jobs", type=int, default=4, help="pip downloads run at once (default: %(default)s)")
    parser.add_argument("--bundle-only", action="store_true",
                        help="write client-vscode/bundled/libs for the target and package nothing")
    args = parser.parse_args(argv)
    targets = list(TARGETS) if args.all else [host_target() if args.target == "host" else args.target]
    if args.bundle_only and len(targets) != 1:
        parser.error("--bundle-only takes one --target")
    versions = [v.strip() for v in args.python_versions.split(",") if v.strip()]
    if not args.bundle_only:
        npm_build()
        args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="resilint-vsix-") as tmp:
        work = Path(tmp)
        wheels = download_all(targets, versions, work, args.jobs)
        for target in targets:
            libs = EXT / "bundled" / "libs" if args.bundle_only else work / f"libs-{target}"
            layout = bundle(target, wheels[target], libs)
            summary = ", ".join(f"{k}: {len(v)}" for k, v in layout.items())
            if args.bundle_only:
                print(f"{target}: {libs} ({summary} wheels)")
                continue
            vsix = package(target, libs, args.out, work)
            print(f"{target}: {vsix} ({vsix.stat().st_size} bytes; {summary} wheels)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
