#!/usr/bin/env python3
"""Build resilint's Python release and check it as a user would install it.

    python scripts/release_check.py [--out dist/] [--expect-version v0.1.0]

1. `python -m build`: the sdist, then the wheel built from that sdist (so the sdist is complete);
2. `twine check --strict` on both (the metadata and README that PyPI renders);
3. the wheel ships the rule docs (`resilint/docs/...`, what the printed links open) and no tests;
4. a clean venv (no resilint, none of its dependencies) installs the built wheel, and from a
   folder outside the checkout `resilint --version` prints the expected version (the tag, less
   its `v`; by default the one of pyproject.toml, which client-vscode/package.json must share) and
   `resilint check examples/` exits 1 with findings, as the README says.

The release workflow (.github/workflows/release.yml) runs this before publishing; the suite runs
it on a copy of the checkout (tests/test_release.py). Needs `build` and `twine` (the `test` extra).
Exit status 0 when every check passed; otherwise 1 with the failed check on stderr.
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import venv
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


class CheckFailed(Exception):
    pass


def run(args: list[str], **kw) -> subprocess.CompletedProcess[str]:
    print("+", " ".join(str(a) for a in args), flush=True)
    return subprocess.run([str(a) for a in args], text=True, capture_output=True, **kw)


def must(proc: subprocess.CompletedProcess[str], what: str) -> str:
    if proc.returncode != 0:
        raise CheckFailed(f"{what} failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc.stdout


def project_version() -> str:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    version = re.search(r'^version = "([^"]+)"', text, re.MULTILINE).group(1)
    manifest = ROOT / "client-vscode" / "package.json"
    if manifest.is_file():  # the .vsix files of a release carry the same version
        ext = json.loads(manifest.read_text(encoding="utf-8"))["version"]
        if ext != version:
            raise CheckFailed(f"pyproject.toml version {version} != client-vscode/package.json version {ext}")
    return version


def build(out: Path) -> tuple[Path, Path]:
    shutil.rmtree(out, ignore_errors=True)
    must(run([sys.executable, "-m", "build", "--outdir", out, ROOT]), "python -m build")
    sdists, wheels = sorted(out.glob("resilint-*.tar.gz")), sorted(out.glob("resilint-*.whl"))
    if len(sdists) != 1 or len(wheels) != 1:
        raise CheckFailed(f"expected one sdist and one wheel in {out}, found {[p.name for p in out.iterdir()]}")
    return sdists[0], wheels[0]


def check_wheel_contents(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    if not any(n.startswith("resilint/docs/rules/") and n.endswith(".md") for n in names):
        raise CheckFailed(f"{wheel.name} lacks the rule docs (resilint/docs/rules/*.md)")
    tests = [n for n in names if n.split("/")[0] in ("tests", "test") or "/tests/" in n]
    if tests:
        raise CheckFailed(f"{wheel.name} ships tests: {tests[:5]}")


def check_install(wheel: Path, expected: str) -> None:
    with tempfile.TemporaryDirectory(prefix="resilint-release-") as tmp:
        env_dir = Path(tmp) / "venv"
        # No system site-packages and no pip of its own (ensurepip costs seconds): this pip
        # installs into it with --python, so the venv holds the wheel and its dependencies only.
        venv.create(env_dir, with_pip=False, clear=True)
        bindir = env_dir / ("Scripts" if sys.platform == "win32" else "bin")
        python = bindir / ("python.exe" if sys.platform == "win32" else "python")
        must(run([sys.executable, "-m", "pip", "--python", python, "install", "--quiet", wheel]),
             "pip install of the wheel")
        resilint = bindir / ("resilint.exe" if sys.platform == "win32" else "resilint")
        work = Path(tmp) / "elsewhere"  # not the checkout: the installed package must be what runs
        work.mkdir()
        printed = must(run([resilint, "--version"], cwd=work), "resilint --version").split()
        if printed != ["resilint", expected]:
            raise CheckFailed(f"resilint --version printed {' '.join(printed)!r}, expected 'resilint {expected}'")
        checked = run([resilint, "check", "--no-cache", ROOT / "examples"], cwd=work)
        if checked.returncode != 1 or not re.search(r"\bRES\d{3}\b", checked.stdout):
            raise CheckFailed(f"resilint check examples/ should exit 1 with findings, got {checked.returncode}:\n"
                              f"{checked.stdout[-2000:]}\n{checked.stderr[-2000:]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="where the sdist and wheel go (emptied first)")
    parser.add_argument("--expect-version", help="the release tag (v0.1.0) or version; default pyproject.toml's")
    args = parser.parse_args(argv)
    try:
        version = project_version()
        expected = (args.expect_version or version).removeprefix("refs/tags/").removeprefix("v")
        if expected != version:
            raise CheckFailed(f"tag {args.expect_version} does not match the project's version {version}")
        sdist, wheel = build(args.out.resolve())
        must(run([sys.executable, "-m", "twine", "check", "--strict", sdist, wheel]), "twine check")
        check_wheel_contents(wheel)
        check_install(wheel, expected)
    except CheckFailed as exc:
        print(f"release check FAILED: {exc}", file=sys.stderr)
        return 1
    print(f"release check passed: {sdist.name}, {wheel.name} (resilint {expected})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
