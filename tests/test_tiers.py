"""The review tier (rules/tiers.py) and peers' suppressions (rules/peer_suppressions.py)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from resilint.rules.docs import rule_json, rule_markdown
from resilint.rules.engine import analyze
from resilint.rules.incremental import IncrementalAnalyzer
from resilint.rules.model import Confidence, Severity
from resilint.rules.registry import get_rule
from resilint.rules.settings import FileSettings, Options

# RES022 in a narrow handler is review tier; in a broad one, default tier.
NARROW = ("import logging\nlog = logging.getLogger()\ntry:\n    x = 1\nexcept ValueError as e:\n"
          "    log.error('bad: %s', e)\n")
BROAD = NARROW.replace("ValueError", "Exception")


def findings(source: str, **options):
    return [f for f in analyze(source, "app.py", FileSettings(Options.model_validate(options))).findings
            if f.code == "RES022"]


def test_review_tier_is_off_by_default_and_on_by_explicit_selection() -> None:
    assert findings(NARROW) == []
    assert [f.confidence for f in findings(BROAD)] == [Confidence.HIGH]
    for options in ({"extend-select": ["RES022"]}, {"extend-select": ["RES0"]}, {"select": ["ALL"]},
                    {"select": ["RES"]}):
        [hit] = findings(NARROW, **options)
        assert hit.confidence is Confidence.MEDIUM and hit.severity is Severity.HINT, options
    assert findings(NARROW, **{"select": ["ALL"], "ignore": ["RES022"]}) == []


def test_review_tier_severity_configured() -> None:
    [hit] = findings(NARROW, **{"extend-select": ["RES022"], "severity": {"RES022": "warning"}})
    assert hit.severity is Severity.WARNING
    [broad] = findings(BROAD)
    assert broad.severity is Severity.INFO  # the rule's own severity: no hint for the default tier


def test_incremental_keeps_the_tiers() -> None:
    settings = FileSettings(Options.model_validate({"extend-select": ["RES022"]}))
    inc = IncrementalAnalyzer("app.py", settings)
    first = inc.update(NARROW + "y = 2\n")
    again = inc.update(NARROW + "y = 3\n")
    want = analyze(NARROW + "y = 3\n", "app.py", settings).findings
    assert [(f.code, f.confidence, f.severity) for f in again.findings] == \
        [(f.code, f.confidence, f.severity) for f in want]
    assert any(f.confidence is Confidence.MEDIUM for f in first.findings)


def test_docs_and_rule_json_show_the_tier() -> None:
    rule = get_rule("RES022")
    text = rule_markdown(rule)
    assert "## Review tier" in text and "narrow handler" in text
    assert rule_json(rule)["confidence"] == "high" and rule_json(rule)["review_tier"]
    assert "## Review tier" not in rule_markdown(get_rule("RES001"))


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "resilint.server.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_json_and_sarif_carry_the_confidence(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(NARROW + "try:\n    x = 1\nexcept Exception as e:\n    log.error('b %s', e)\n")
    out = _cli("check", "a.py", "--select", "RES022", "--output-format", "json", "--exit-zero", cwd=tmp_path)
    items = json.loads(out.stdout)
    assert sorted(i["confidence"] for i in items) == ["high", "medium"]
    out = _cli("check", "a.py", "--select", "RES022", "--output-format", "sarif", "--exit-zero", cwd=tmp_path)
    results = json.loads(out.stdout)["runs"][0]["results"]
    assert sorted(r["properties"]["precision"] for r in results) == ["high", "medium"]
    default = _cli("check", "a.py", "--output-format", "json", "--exit-zero", cwd=tmp_path)
    assert [i["confidence"] for i in json.loads(default.stdout) if i["code"] == "RES022"] == ["high"]


# ----- peers' suppressions -------------------------------------------------------------------
SWALLOW = "try:\n    x = 1\nexcept Exception:  {comment}\n    pass\n"


@pytest.mark.parametrize("comment,mode,suppressed", [
    ("# noqa: S110", "codes", True),
    ("# noqa: BLE001 - teardown", "codes", True),
    ("# noqa:E501,S110", "codes", True),
    ("# nosec B110", "codes", True),
    ("# nosec: B110, B112", "codes", True),
    ("# noqa: S602", "codes", False),
    ("# nosec B602", "codes", False),
    ("# nosec", "codes", True),  # bandit's B110 is RES021's
    ("# nosec", "all", True),
    ("# nosec", "none", False),
    ("# noqa: S110", "none", False),
    ("# nosec B110", "none", False),
    ("# noqa", "none", True),  # a bare noqa is resilint's own too
    ("# type: ignore  # noqa: S110", "codes", True),
])
def test_peer_suppressions(comment: str, mode: str, suppressed: bool) -> None:
    source = SWALLOW.format(comment=comment)
    settings = FileSettings(Options.model_validate({"select": ["ALL"], "respect-peer-suppressions": mode}))
    codes = [f.code for f in analyze(source, "app.py", settings).findings]
    assert ("RES021" not in codes) is suppressed, codes
    assert "RES900" not in codes  # peers' comments are never judged
    inc = IncrementalAnalyzer("app.py", settings)
    inc.update("y = 0\n" + source)
    assert [f.code for f in inc.update("y = 1\n" + source).findings] == \
        [f.code for f in analyze("y = 1\n" + source, "app.py", settings).findings]


def test_async_and_security_peers() -> None:
    source = ("import time, subprocess\nasync def f(cmd):\n    time.sleep(1)  # noqa: ASYNC251\n"
              "    subprocess.run(cmd, shell=True, timeout=3)  # nosec B602\n")
    settings = FileSettings(Options.model_validate({"select": ["ALL"]}))
    found = analyze(source, "app.py", settings).findings
    # B602 is SEC002's, not RES030's: the blocking subprocess.run on line 4 stays.
    assert [(f.code, f.span.line) for f in found if f.code in ("RES030", "SEC002")] == [("RES030", 3)]
    assert "RES030" in {f.code for f in analyze(source.replace("ASYNC251", "E501").replace("B602", "B101"),
                                                   "app.py", settings).findings}


def test_bare_nosec_suppresses_the_rules_bandit_has() -> None:
    # a bare nosec silences bandit's tests: SEC002 (B602) goes, RES004 (no bandit test) stays, unless "all"
    source = "import subprocess\ndef f(cmd):\n    subprocess.run(cmd, shell=True)  # nosec\n"
    found = {mode: {f.code for f in analyze(source, "app.py", FileSettings(Options.model_validate(
        {"select": ["ALL"], "respect-peer-suppressions": mode}))).findings} for mode in ("codes", "all", "none")}
    assert found == {"codes": {"RES004"}, "all": set(), "none": {"RES004", "SEC002"}}


def test_peer_table_in_rule_command(tmp_path: Path) -> None:
    out = _cli("rule", "--peer-suppressions", cwd=tmp_path)
    assert "| RES021 | `S110`, `S112`, `BLE001` | `B110`, `B112` |" in out.stdout
    assert "Peers' suppressions: `S110`" in _cli("rule", "RES021", cwd=tmp_path).stdout


def test_res022_reports_the_line_that_names_the_exception_only() -> None:
    # changedetection.io __init__.py:612-613: the second line of the handler is not the report of `e`.
    source = ("import logging\nlog = logging.getLogger()\ndef monitor(step):\n    try:\n        step()\n"
              "    except Exception as e:\n        log.error(f'monitor error: {e}')\n        log.error('shutting down')\n")
    assert [f.span.line for f in findings(source)] == [6]  # 0-based: the `monitor error` line
    # with no line naming it, every candidate line is reported
    plain = source.replace("{e}", "")
    assert len(findings(plain)) == 2
