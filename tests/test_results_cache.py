"""The results cache of `resilint check` (issue 15, item 3), through the real CLI process:
warm runs serve every file from `.resilint_cache/`, an edit re-checks the edited file and the
modules whose cross-module facts it changed (and no other), the cache survives corruption
and parallel runs, and `--no-cache`, `cache-dir` and `$RESILINT_CACHE_DIR` place or disable it."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

HTTP = "import requests\n\nsession = requests.Session()\n"
SERVICE = "from app.http import session\n\n\ndef load(url):\n    return session.get(url).json()\n"
OTHER = "import requests\n\n\ndef fetch(url):\n    return requests.get(url)\n"
PLAIN = "def add(a, b):\n    return a + b\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / "app").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[tool.resilint]\n")
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "http.py").write_text(HTTP)
    (root / "app" / "service.py").write_text(SERVICE)
    (root / "app" / "other.py").write_text(OTHER)
    (root / "app" / "plain.py").write_text(PLAIN)
    return root


def _env(project: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "RESILINT_CACHE_DIR"}
    env["XDG_CACHE_HOME"] = str(project.parent / "xdg")  # the index's own cache stays out of the way
    env.update(extra)
    return env


def check(project: Path, *args: str, env: dict[str, str] | None = None) -> tuple[set, int, int]:
    """(findings as (file, code, row), files analysed, files from the cache)."""
    r = subprocess.run([sys.executable, "-m", "resilint.server.cli", "check", ".", "--exit-zero",
                        "--output-format", "json", "--statistics", *args],
                       cwd=project, capture_output=True, text=True, timeout=120, env=env or _env(project))
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    m = re.search(r"resilint: (\d+) files? analysed, (\d+) from the cache", r.stderr)
    assert m, r.stderr
    found = {(Path(f["filename"]).name, f["code"], f["location"]["row"]) for f in json.loads(r.stdout)}
    return found, int(m.group(1)), int(m.group(2))


def test_warm_run_serves_every_file_and_an_edit_rechecks_that_file_alone(project: Path):
    cold, analysed, cached = check(project)
    assert ("service.py", "RES001", 5) in cold and ("other.py", "RES001", 5) in cold
    assert (analysed, cached) == (5, 0)
    warm, analysed, cached = check(project)
    assert warm == cold and (analysed, cached) == (0, 5)
    # an edit that changes no indexed fact: only the edited file is analysed again
    with (project / "app" / "other.py").open("a") as fh:
        fh.write("\n\ndef more(url):\n    return requests.post(url)\n")
    edited, analysed, cached = check(project)
    assert (analysed, cached) == (1, 4)
    assert edited == cold | {("other.py", "RES001", 9)}
    gitignore = project / ".resilint_cache" / ".gitignore"
    assert gitignore.read_text().splitlines()[-1] == "*"
    assert (project / ".resilint_cache" / "CACHEDIR.TAG").is_file()


def test_a_changed_module_rechecks_its_dependents(project: Path):
    cold, _, _ = check(project)
    assert ("service.py", "RES001", 5) in cold
    # the client now has a timeout adapter: service.py's finding (from the index) must go
    (project / "app" / "http.py").write_text(HTTP.replace("requests.Session()", "None"))
    after, analysed, cached = check(project)
    assert ("service.py", "RES001", 5) not in after
    assert (analysed, cached) == (2, 3)  # http.py and its dependent service.py
    assert after == check(project, "--no-cache")[0]


def test_no_index_and_index_runs_do_not_share_entries(project: Path):
    indexed, _, _ = check(project)
    single, analysed, _ = check(project, "--no-index")
    assert analysed == 5 and ("service.py", "RES001", 5) not in single
    assert check(project)[0] == indexed


def test_settings_change_rechecks(project: Path):
    check(project)
    (project / "pyproject.toml").write_text('[tool.resilint]\nignore = ["RES001"]\n')
    found, analysed, _ = check(project)
    assert analysed == 5 and not any(code == "RES001" for _, code, _ in found)


def _cache_file(project: Path) -> Path:
    files = list((project / ".resilint_cache").glob("*/*.json"))
    assert len(files) == 1, files
    return files[0]


def test_a_corrupt_cache_is_ignored_and_rewritten(project: Path):
    cold, _, _ = check(project)
    path = _cache_file(project)
    path.write_bytes(path.read_bytes()[:100])  # cut mid-entry
    found, analysed, _ = check(project)
    assert found == cold and analysed == 5
    assert check(project)[1:] == (0, 5)  # rewritten whole


def test_a_corrupt_entry_is_reanalysed_and_rewritten(project: Path):
    cold, _, _ = check(project)
    path = _cache_file(project)
    data = json.loads(path.read_text())
    entry = next(e for p, e in data["files"].items() if p.endswith("other.py"))
    entry["findings"] = [{"code": "RES001", "span": "nonsense"}]
    path.write_text(json.dumps(data))
    found, analysed, _ = check(project)
    assert found == cold and analysed == 1
    assert check(project)[1:] == (0, 5)


def test_parallel_runs_leave_a_valid_cache(project: Path):
    cmd = [sys.executable, "-m", "resilint.server.cli", "check", ".", "--exit-zero", "--output-format", "json"]
    procs = [subprocess.Popen(cmd, cwd=project, env=_env(project), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(3)]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [e for _, e in outputs]
    assert len({o for o, _ in outputs}) == 1
    json.loads(_cache_file(project).read_text())  # one whole file, never a mix
    assert not list((project / ".resilint_cache").glob("*/.results-*"))  # no temporary left behind
    assert check(project)[1:] == (0, 5)


def test_no_cache_cache_dir_and_environment(project: Path, tmp_path: Path):
    check(project, "--no-cache")
    assert not (project / ".resilint_cache").exists()
    (project / "pyproject.toml").write_text('[tool.resilint]\ncache-dir = "build/lint-cache"\n')
    check(project)
    assert (project / "build" / "lint-cache" / ".gitignore").is_file()
    assert check(project)[1:] == (0, 5)
    elsewhere = tmp_path / "env-cache"
    _, analysed, _ = check(project, env=_env(project, RESILINT_CACHE_DIR=str(elsewhere)))
    assert analysed == 5 and list(elsewhere.glob("*/*.json"))
    assert not (project / ".resilint_cache").exists()


def test_every_finding_field_survives_the_cache_round_trip():
    """A Finding field the codec forgets is lost on every warm run (confidence once was)."""
    import dataclasses

    from resilint.rules.model import Confidence, Edit, Finding, Fix, Related, Severity, Span
    from resilint.rules.results_cache import finding_from_json, finding_to_json

    span = Span(1, 2, 3, 4)
    full = Finding("RES022", "m", span, Severity.WARNING,
                   fix=Fix("f", "unsafe", (Edit(span, "x"),)), data={"k": 1},
                   related=(Related("a.py", span, "r"),), confidence=Confidence.MEDIUM)
    default = Finding("RES022", "m", span, Severity.WARNING)
    for f in (full, default):
        back = finding_from_json(json.loads(json.dumps(finding_to_json(f))))
        assert back == f
    # the sample must set every field away from its default, or the test proves nothing
    assert all(getattr(full, fl.name) != getattr(default, fl.name)
               for fl in dataclasses.fields(Finding) if fl.name not in ("code", "message", "span", "severity"))
