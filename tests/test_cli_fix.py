"""`resilint check --fix / --unsafe-fixes / --diff` and the json `fix` field (subprocess)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SOURCE = (
    "import logging\n"
    "import requests\n"
    "\n"
    "logger = logging.getLogger(__name__)\n"
    "\n"
    "\n"
    "def f(url):\n"
    "    try:\n"
    "        requests.get(url)\n"
    "    except Exception:\n"
    "        logger.error('failed')\n"
)


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "resilint.server.cli", "check", *args],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )


def write(tmp_path: Path) -> Path:
    path = tmp_path / "app.py"
    path.write_text(SOURCE, encoding="utf-8")
    return path


def test_fix_applies_safe_fixes_only(tmp_path: Path) -> None:
    path = write(tmp_path)
    proc = run(tmp_path, "--fix", "app.py")
    new = path.read_text(encoding="utf-8")
    assert "logger.exception('failed')" in new
    assert "requests.get(url)\n" in new  # RES001's fix is unsafe: not applied
    assert "Fixed 1 finding" in proc.stdout
    assert proc.returncode == 1  # RES001 remains


def test_unsafe_fixes_applies_the_timeout(tmp_path: Path) -> None:
    path = write(tmp_path)
    proc = run(tmp_path, "--unsafe-fixes", "--fix", "app.py")
    new = path.read_text(encoding="utf-8")
    assert "requests.get(url, timeout=10)" in new and "logger.exception('failed')" in new
    assert proc.returncode == 0, proc.stdout + proc.stderr
    again = run(tmp_path, "--unsafe-fixes", "--fix", "app.py")
    assert path.read_text(encoding="utf-8") == new and "Fixed 0 findings" in again.stdout


def test_diff_prints_and_leaves_the_file(tmp_path: Path) -> None:
    path = write(tmp_path)
    proc = run(tmp_path, "--diff", "app.py")
    assert path.read_text(encoding="utf-8") == SOURCE
    assert "--- a/app.py" in proc.stdout and "+++ b/app.py" in proc.stdout
    assert "-        logger.error('failed')\n+        logger.exception('failed')" in proc.stdout
    assert proc.returncode == 1  # something would change
    proc = run(tmp_path, "--diff", "--unsafe-fixes", "app.py")
    assert "+        requests.get(url, timeout=10)" in proc.stdout
    clean = tmp_path / "clean.py"
    clean.write_text("x = 1\n", encoding="utf-8")
    proc = run(tmp_path, "--diff", "clean.py")
    assert proc.returncode == 0 and proc.stdout == ""


def test_json_fix_field(tmp_path: Path) -> None:
    write(tmp_path)
    proc = run(tmp_path, "--output-format", "json", "--show-fixes", "app.py")
    items = {item["code"]: item for item in json.loads(proc.stdout)}
    assert items["RES001"]["fix"] == {
        "applicability": "unsafe",
        "message": "Add `timeout=10`",
        "edits": [{"content": ", timeout=10", "location": {"row": 9, "column": 25},
                   "end_location": {"row": 9, "column": 25}}],
    }
    assert items["RES022"]["fix"]["applicability"] == "safe"
    assert items["RES022"]["fix"]["edits"][0]["content"] == "xception"  # trimmed: error -> exception
    assert proc.returncode == 1


def test_json_fix_is_null_without_show_fixes(tmp_path: Path) -> None:
    write(tmp_path)
    items = json.loads(run(tmp_path, "--output-format", "json", "app.py").stdout)
    assert items and all(item["fix"] is None for item in items)
