"""action.yml (the composite GitHub Action) and the documented code-scanning workflow.

The action's `resilint check` step is run with bash as a runner would run it (its inputs in the
environment, GITHUB_OUTPUT a file), with this checkout's `resilint` first on the PATH (the install
step's venv is what `test_pre_commit.py` exercises through pip).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from testpaths import ROOT

ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
WORKFLOW = yaml.safe_load((ROOT / "docs" / "ci" / "code-scanning.yml").read_text(encoding="utf-8"))
BAD = "import requests\n\n\ndef fetch(url):\n    return requests.get(url)\n"


def _step(step_id_or_name: str) -> dict:
    return next(s for s in ACTION["runs"]["steps"] if step_id_or_name in (s.get("id"), s.get("name")))


def test_action_declares_its_inputs_and_outputs():
    assert ACTION["runs"]["using"] == "composite"
    assert {"paths", "args", "output-format", "output-file", "install"} <= set(ACTION["inputs"])
    assert ACTION["outputs"]["exit-code"]["value"] == "${{ steps.check.outputs.exit-code }}"
    for step in ACTION["runs"]["steps"]:
        assert step["shell"] == "bash"
        # inputs reach the scripts through the environment only (no ${{ }} inside a script)
        assert "${{" not in step["run"]


def run_check(tmp_path: Path, **inputs: str) -> tuple[subprocess.CompletedProcess, str]:
    step = _step("check")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "GITHUB_OUTPUT": str(tmp_path / "github_output")}
    for key, expr in step["env"].items():
        name = expr.removeprefix("${{ inputs.").removesuffix(" }}")
        env[key] = inputs.get(name, ACTION["inputs"][name].get("default", ""))
    proc = subprocess.run(["bash", "-c", step["run"]], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=120)
    return proc, (tmp_path / "github_output").read_text(encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    if shutil.which("bash") is None:
        pytest.fail("bash is needed (GitHub runners have it)")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "client.py").write_text(BAD, encoding="utf-8")
    (tmp_path / "clean.py").write_text("x = 1\n", encoding="utf-8")
    return tmp_path


def test_default_inputs_annotate_and_fail(project: Path):
    proc, outputs = run_check(project)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.startswith("::warning title=resilint (RES001),file=src/client.py,line=5,")
    assert outputs == "exit-code=1\n"


def test_sarif_to_a_file_with_args_and_paths(project: Path):
    from test_sarif_schema import validate

    proc, outputs = run_check(project, **{"output-format": "sarif", "output-file": "resilint.sarif",
                                          "args": "--exit-zero --select RES", "paths": "src clean.py"})
    assert proc.returncode == 0 and proc.stdout == "", proc.stderr
    assert outputs == "exit-code=0\n"
    doc = json.loads((project / "resilint.sarif").read_text(encoding="utf-8"))
    validate(doc)
    assert [r["ruleId"] for r in doc["runs"][0]["results"]] == ["RES001"]


def test_clean_paths_pass_and_globs_are_not_expanded(project: Path):
    proc, outputs = run_check(project, paths="clean.py", args="--output-format text")
    assert proc.returncode == 0 and "All checks passed!" in proc.stdout, proc.stderr
    proc, _ = run_check(project, paths="*.py")  # a literal name, not the shell's expansion
    assert proc.returncode == 2 and "no such file or folder: *.py" in proc.stderr


def test_documented_workflow_uploads_the_actions_sarif():
    steps = WORKFLOW["jobs"]["resilint"]["steps"]
    check = next(s for s in steps if s.get("id") == "resilint")
    upload = next(s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif@"))
    assert set(check["with"]) <= set(ACTION["inputs"])
    assert check["with"]["output-format"] == "sarif"
    assert upload["with"]["sarif_file"] == check["with"]["output-file"]
    assert upload["if"] == "always()"
    assert WORKFLOW["jobs"]["resilint"]["permissions"]["security-events"] == "write"
    doc = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    assert "ci/code-scanning.yml" in doc and "upload-sarif" in doc
