"""`resilint check` on a hostile tree (issue 17, defects 7 and 8): devices, FIFOs and symlink
loops are skipped without a read, oversized and unreadable files are named, every ordinary
file is checked, in seconds and bounded memory, in every output format."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from hostile_tree import LIMIT, ORDINARY, SKIPPED, build, remove, run_bounded


@pytest.fixture(scope="module")
def tree():
    root = build()
    yield root
    remove(root)


def _check(tree: Path, *args: str):
    env = dict(os.environ, RESILINT_CACHE_DIR=str(tree / ".cache"), XDG_CACHE_HOME=str(tree / ".xdg"))
    paths = [] if any(not a.startswith("-") for a in args) else ["."]
    return run_bounded([sys.executable, "-m", "resilint.server.cli", "check", *paths, "--exit-zero", *args], tree, env)


def _assert_bounded(run) -> None:
    assert not run.timed_out, f"timed out; stderr: {run.stderr[-2000:]}"
    assert run.returncode == 0, run.stderr[-2000:]
    assert "Traceback" not in run.stderr
    assert run.max_rss_mb < 200, f"peak RSS {run.max_rss_mb:.0f} MB"


@pytest.mark.parametrize("index", [True, False], ids=["index", "no-index"])
def test_text_names_every_skipped_file_on_stderr(tree: Path, index: bool):
    run = _check(tree, "--statistics", *([] if index else ["--no-index"]))
    _assert_bounded(run)
    assert "app.py:5:12: RES001" in run.stdout  # the ordinary file was checked
    for name, reason in SKIPPED.items():
        lines = [line for line in run.stderr.splitlines() if line.startswith(f"{name}: skipped")]
        assert lines and reason in lines[0], (name, run.stderr)
    assert str(LIMIT) in next(line for line in run.stderr.splitlines() if line.startswith("big.py"))
    stats = dict(line.split("\t")[:2][::-1] for line in run.stdout.splitlines() if "\t" in line)
    assert stats.get("skipped", "").strip() == str(len(SKIPPED))


def test_json_has_an_entry_per_skipped_file(tree: Path):
    run = _check(tree, "--output-format", "json")
    _assert_bounded(run)
    items = json.loads(run.stdout)
    checked = {Path(i["filename"]).relative_to(tree.resolve()).as_posix() for i in items if i.get("code")}
    assert checked == {"app.py"}
    skipped = {Path(i["filename"]).name: i["skipped"] for i in items if i.get("skipped")}
    assert set(skipped) == set(SKIPPED)
    for name, reason in SKIPPED.items():
        assert reason in skipped[name]


def test_sarif_names_skipped_files_in_tool_execution_notifications(tree: Path):
    run = _check(tree, "--output-format", "sarif")
    _assert_bounded(run)
    invocation = json.loads(run.stdout)["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is True
    notes = {n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: n["message"]["text"]
             for n in invocation["toolExecutionNotifications"]}
    assert set(notes) == set(SKIPPED)
    for name, reason in SKIPPED.items():
        assert reason in notes[name]


def test_a_device_named_on_the_command_line_is_skipped_not_read(tree: Path):
    run = _check(tree, "zero.py", "fifo.py", *ORDINARY)
    _assert_bounded(run)
    assert "zero.py: skipped: not a regular file (a character device)" in run.stderr
    assert "fifo.py: skipped: not a regular file (a FIFO)" in run.stderr
