"""The real `resilint` CLI in a subprocess: formats, exit codes, selection, config errors."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from testpaths import ROOT

BAD = "import requests\n\n\ndef f(url):\n    return requests.get(url)\n"
GOOD = "import requests\n\n\ndef f(url):\n    return requests.get(url, timeout=5)\n"


def resilint(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "resilint.server.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "bad.py").write_text(BAD)
    (tmp_path / "app" / "good.py").write_text(GOOD)
    return tmp_path


def test_text_format_and_exit_1(project: Path) -> None:
    r = resilint("check", cwd=project)
    assert r.returncode == 1, r.stderr
    assert "app/bad.py:5:12: RES001" in r.stdout
    assert "^^^^^^^^^^^^ RES001" in r.stdout  # source excerpt with carets under the callee
    assert "Found 1 finding." in r.stdout


def test_clean_exit_0(project: Path) -> None:
    r = resilint("check", "app/good.py", cwd=project)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "All checks passed!" in r.stdout


def test_exit_zero(project: Path) -> None:
    assert resilint("check", "--exit-zero", cwd=project).returncode == 0


def test_json_is_ruff_shaped(project: Path) -> None:
    r = resilint("check", "--output-format", "json", cwd=project)
    items = json.loads(r.stdout)
    assert len(items) == 1
    item = items[0]
    assert set(item) >= {"code", "message", "filename", "location", "end_location", "fix", "url", "severity"}
    assert item["code"] == "RES001"
    assert item["location"] == {"row": 5, "column": 12}
    assert item["end_location"] == {"row": 5, "column": 24}
    assert item["filename"].endswith("bad.py")
    assert item["url"].endswith("/docs/rules/RES001.md")


def test_sarif_2_1_0(project: Path) -> None:
    r = resilint("check", "--output-format", "sarif", cwd=project)
    doc = json.loads(r.stdout)
    assert doc["version"] == "2.1.0"
    run = doc["runs"][0]
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert "RES001" in rules and rules["RES001"]["help"]["text"]
    result = run["results"][0]
    assert result["ruleId"] == "RES001"
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "RES001"
    region = result["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 5, "startColumn": 12, "endLine": 5, "endColumn": 24}
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "app/bad.py"


def test_github_annotations(project: Path) -> None:
    r = resilint("check", "--output-format", "github", cwd=project)
    assert r.stdout.startswith("::warning title=resilint (RES001),file=app/bad.py,line=5,col=12,endLine=5,endColumn=24::RES001 ")


def test_select_and_ignore(project: Path) -> None:
    assert resilint("check", "--ignore", "RES001", cwd=project).returncode == 0
    assert resilint("check", "--select", "RES0", cwd=project).returncode == 1
    r = resilint("check", "--select", "NOPE1", cwd=project)
    assert r.returncode == 2 and "unknown rule code" in r.stderr


def test_statistics(project: Path) -> None:
    r = resilint("check", "--statistics", "--no-source", cwd=project)
    assert "1\tRES001" in r.stdout


def test_config_select_from_pyproject(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.resilint]\nignore = ["RES001"]\n')
    assert resilint("check", cwd=project).returncode == 0


def test_per_file_ignores(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.resilint]\n[tool.resilint.per-file-ignores]\n"app/bad.py" = ["RES"]\n')
    assert resilint("check", cwd=project).returncode == 0


def test_config_error_names_file_key_line(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.resilint]\nselect = ["RES"]\n\n[tool.resilint.timeouts]\ndefault = "ten"\n'
    )
    r = resilint("check", cwd=project)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert "pyproject.toml:8:" in r.stderr and "timeouts.default" in r.stderr
    assert "number" in r.stderr


def test_config_unknown_key_lists_allowed(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.resilint]\nselekt = ["RES"]\n')
    r = resilint("check", cwd=project)
    assert r.returncode == 2 and "pyproject.toml:2:" in r.stderr and "selekt" in r.stderr
    assert "allowed options are" in r.stderr and "extend-select" in r.stderr


def test_invalid_toml(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.resilint]\nselect = [\n')
    r = resilint("check", cwd=project)
    assert r.returncode == 2 and "invalid TOML" in r.stderr and "Traceback" not in r.stderr


def test_syntax_error_is_a_finding_and_run_goes_on(project: Path) -> None:
    (project / "app" / "broken.py").write_text("def f(:\n    pass\n")
    r = resilint("check", "--output-format", "json", cwd=project)
    codes = sorted(i["code"] for i in json.loads(r.stdout))
    assert codes == ["RES001", "RES999"]
    assert r.returncode == 1


def test_default_excludes(project: Path) -> None:
    (project / ".venv" / "lib").mkdir(parents=True)
    (project / ".venv" / "lib" / "x.py").write_text(BAD)
    (project / "build").mkdir()
    (project / "build" / "y.py").write_text(BAD)
    items = json.loads(resilint("check", "--output-format", "json", cwd=project).stdout)
    assert [Path(i["filename"]).name for i in items] == ["bad.py"]


def test_config_exclude(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.resilint]\nexclude = ["app/bad.py"]\n')
    assert resilint("check", cwd=project).returncode == 0


def test_missing_path_is_usage_error(project: Path) -> None:
    assert resilint("check", "nope/", cwd=project).returncode == 2


def test_parallel_output_equals_sequential(tmp_path: Path) -> None:
    for i in range(60):
        (tmp_path / f"m{i:02}.py").write_text(BAD if i % 3 else GOOD)
    seq = resilint("check", "--jobs", "1", "--output-format", "json", cwd=tmp_path).stdout
    par = resilint("check", "--jobs", "2", "--output-format", "json", cwd=tmp_path).stdout
    assert seq == par and len(json.loads(seq)) == 40


def test_rule_command(project: Path) -> None:
    r = resilint("rule", "RES001", cwd=project)
    assert r.returncode == 0 and "## Why is this bad?" in r.stdout
    data = json.loads(resilint("rule", "RES001", "--output-format", "json", cwd=project).stdout)
    assert data["code"] == "RES001" and data["name"] == "http-call-without-timeout"
    everything = json.loads(resilint("rule", "--all", "--output-format", "json", cwd=project).stdout)
    assert {d["code"] for d in everything} >= {"RES001", "RES900"}
    assert resilint("rule", "XYZ9", cwd=project).returncode == 2


def test_examples_show_at_least_six_rules() -> None:
    r = resilint("check", "examples", "--output-format", "json", cwd=ROOT)
    codes = {i["code"] for i in json.loads(r.stdout)}
    assert len(codes) >= 6, codes
