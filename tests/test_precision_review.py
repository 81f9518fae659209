"""The committed hand review (docs/precision/review.json) and the page generated from it.

Fast and offline: it reads only the committed review file, never the corpus (bench/real_corpus.py
downloads; it is not part of CI).
"""
from __future__ import annotations

import importlib.util
import json
from collections import Counter

from testpaths import ROOT

REVIEW = ROOT / "docs" / "precision" / "review.json"
DOC = ROOT / "docs" / "precision.md"
FIELDS = {"key", "package", "version", "kind", "file", "line", "code", "tier", "message", "verdict", "reason"}


def _report_module():
    spec = importlib.util.spec_from_file_location("precision_report", ROOT / "bench" / "precision_report.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def _review() -> dict:
    return json.loads(REVIEW.read_text())


def test_precision_page_is_generated_from_the_review_file() -> None:
    expected = _report_module().render(_review())
    assert DOC.read_text() == expected, "docs/precision.md drifted: run python bench/precision_report.py"


def test_review_file_shape() -> None:
    review = _review()
    entries = review["entries"]
    for e in entries:
        assert FIELDS <= set(e), (e.get("key"), FIELDS - set(e))
        assert e["verdict"] in {"TP", "FP", "unsure"}, e["key"]
        assert e["reason"].strip(), e["key"]
        assert e["kind"] in {"library", "application"}, e["key"]
    keys = [e["key"] for e in entries]
    assert len(keys) == len(set(keys)), "duplicate keys"
    default = [e for e in entries if e["tier"] == "default"]
    assert len(default) >= 300, len(default)
    judged = Counter((e["tier"], e["code"]) for e in entries)
    for tier, rules in review["counts"].items():
        for code, c in rules.items():
            assert judged[(tier, code)] >= min(10, c["all"]), (tier, code, judged[(tier, code)], c["all"])
            assert 0 <= c["application"] <= c["all"]
    names = {p["name"] for p in review["packages"]}
    assert len(names) >= 25
    assert sum(p["kind"] == "application" for p in review["packages"]) >= 8
    assert {e["package"] for e in entries} <= names
