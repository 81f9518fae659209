"""`resilint check` over the installed CPython stdlib with every rule on: zero internal errors."""
from __future__ import annotations

import sys

from testpaths import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from stdlib_corpus import stdlib_files  # noqa: E402

from resilint.rules.config import ConfigResolver  # noqa: E402
from resilint.rules.runner import check_paths  # noqa: E402


def test_stdlib_has_no_internal_errors() -> None:
    files = stdlib_files()
    assert len(files) > 500
    resolver = ConfigResolver(overrides={"select": ["ALL"]}, root=ROOT)
    results = check_paths(files, resolver, jobs=None)
    crashes = [(str(r.path), f.message) for r in results for f in r.findings if f.code == "RES998"]
    assert not crashes, crashes[:10]
    unparsable = [str(r.path) for r in results for f in r.findings if f.code == "RES999"]
    assert len(unparsable) <= 5, unparsable  # a handful of deliberately broken test-data files at most
