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
    proc = run(tmp_path, "--output-format", "json", "app.py")
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


def test_json_carries_the_fix_by_default(tmp_path: Path) -> None:
    """As ruff's JSON does; `--show-fixes` is still accepted and changes nothing."""
    write(tmp_path)
    default = json.loads(run(tmp_path, "--output-format", "json", "app.py").stdout)
    assert {item["code"]: item["fix"]["applicability"] for item in default} == {"RES001": "unsafe", "RES022": "safe"}
    assert default == json.loads(run(tmp_path, "--output-format", "json", "--show-fixes", "app.py").stdout)


def test_closing_line_counts_safe_and_hidden_unsafe_fixes(tmp_path: Path) -> None:
    """ruff's wording: the safe fixes `--fix` applies, and the unsafe ones it would not."""
    write(tmp_path)
    out = run(tmp_path, "app.py").stdout
    assert out.splitlines()[-1] == (
        "[*] 1 fixable with the `--fix` option (1 hidden fix can be enabled with the `--unsafe-fixes` option).")
    assert "RES022 [*] " in out and "RES001 [*]" not in out  # [*]: what `--fix` would fix
    assert run(tmp_path, "--unsafe-fixes", "app.py").stdout.splitlines()[-1] == "[*] 2 fixable with the `--fix` option."
    # the count is what --fix then does
    assert run(tmp_path, "--fix", "app.py").stdout.startswith("Fixed 1 finding; 1 remaining.")


def test_only_unsafe_fixes_say_none_available(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(
        "import requests\n\n\ndef f(u):\n    requests.get(u)\n    requests.post(u)\n", encoding="utf-8")
    out = run(tmp_path, "app.py").stdout
    assert out.splitlines()[-1] == "No fixes available (2 hidden fixes can be enabled with the `--unsafe-fixes` option)."
    assert "[*]" not in out
    (tmp_path / "pyproject.toml").write_text("[tool.resilint]\nunsafe-fixes = true\n", encoding="utf-8")
    assert run(tmp_path, "app.py").stdout.splitlines()[-1] == "[*] 2 fixable with the `--fix` option."
    assert run(tmp_path, "--fix", "app.py").stdout.startswith("Fixed 2 findings; 0 remaining.")
