"""Every sub-package of rules/ and server/ is listed in pyproject (else a wheel would miss it)."""
from __future__ import annotations

import re
import sys

from testpaths import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib


def test_all_packages_listed() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    mapping = config["package-dir"]
    on_disk = set()
    for package, folder in mapping.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT / folder).parts
            on_disk.add(".".join([package, *rel]))
    assert on_disk <= listed, f"add to [tool.setuptools] packages: {sorted(on_disk - listed)}"


def test_core_never_imports_pygls() -> None:
    pattern = re.compile(r"^\s*(import|from)\s+(pygls|lsprotocol)\b", re.MULTILINE)
    offenders = [
        str(p.relative_to(ROOT)) for p in (ROOT / "rules").rglob("*.py")
        if pattern.search(p.read_text(encoding="utf-8"))
    ]
    assert not offenders, f"the core must not import pygls/lsprotocol: {offenders}"


def test_server_version_matches_the_distribution() -> None:
    from importlib.metadata import version

    import resilint.server

    assert resilint.server.__version__ == version("resilint")
