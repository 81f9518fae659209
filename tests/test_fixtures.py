"""Fixture files with inline `# expect: CODE` markers, plus snapshots of messages and ranges."""
from __future__ import annotations

import json

import pytest

from testpaths import FIXTURES, SNAPSHOTS, UPDATE
from resilint.rules.engine import analyze
from resilint.rules.registry import all_rules
from ruleharness import all_rules_settings, expectations

FIXTURE_FILES = sorted(FIXTURES.glob("*.py"))


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=[p.stem for p in FIXTURE_FILES])
def test_fixture_expectations(path) -> None:
    code = path.stem
    text = path.read_text(encoding="utf-8")
    findings = analyze(text, str(path), all_rules_settings()).findings
    assert not [f for f in findings if f.code == "RES998"], [f.message for f in findings]
    got = {(f.span.line + 1, f.code) for f in findings if f.code == code}
    want = {e for e in expectations(text) if e[1] == code}
    missing = sorted(want - got)
    extra = sorted(got - want)
    assert not missing and not extra, f"{path.name}: missing {missing}, unexpected {extra}"


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=[p.stem for p in FIXTURE_FILES])
def test_fixture_snapshot(path) -> None:
    code = path.stem
    findings = analyze(path.read_text(encoding="utf-8"), str(path), all_rules_settings()).findings
    rows = [
        {"code": f.code, "message": f.message, "range": [f.span.line + 1, f.span.col + 1, f.span.end_line + 1, f.span.end_col + 1]}
        for f in findings if f.code == code
    ]
    snap = SNAPSHOTS / f"{code}.json"
    text = json.dumps(rows, indent=1, ensure_ascii=False) + "\n"
    if UPDATE or not snap.exists():
        snap.write_text(text, encoding="utf-8")
    assert snap.read_text(encoding="utf-8") == text, (
        f"snapshot {snap.name} differs; if the change is intended run "
        "RESILINT_UPDATE_SNAPSHOTS=1 pytest tests/test_fixtures.py"
    )


def test_every_code_has_a_fixture() -> None:
    engine_only = {"RES998"}
    missing = [code for code in all_rules() if code not in engine_only and not (FIXTURES / f"{code}.py").exists()]
    assert not missing, f"rules without tests/fixtures/<CODE>.py: {missing}"
