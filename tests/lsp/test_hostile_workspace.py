"""`workspace/diagnostic` on a hostile tree (issue 17, defects 7 and 8, deliver 5): the server,
bounded in memory and without root's file access, checks every ordinary file and says on each
skipped one why (a device link, a FIFO, a symlink loop, a file over max-file-size, an
unreadable file), in seconds."""
from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

import pytest
from lsprotocol import types

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from hostile_tree import ORDINARY, SKIPPED, bounded_command, build, peak_rss_mb, remove  # noqa: E402
from lsp_harness import SERVER, lsp  # noqa: E402


@pytest.fixture
def tree(monkeypatch, tmp_path: Path):
    root = build()
    monkeypatch.setenv("RESILINT_CACHE_DIR", str(tmp_path / "cache"))
    yield root
    remove(root)


async def test_workspace_diagnostic_names_every_skipped_file(tree: Path):
    async with lsp(tree, pull=True, server_command=bounded_command(SERVER)) as client:
        t0 = time.monotonic()
        report = await asyncio.wait_for(client.workspace_diagnostic_async(
            types.WorkspaceDiagnosticParams(previous_result_ids=[])), 30)
        elapsed = time.monotonic() - t0
        rss = peak_rss_mb(client._server.pid)
    by_name = {}
    for item in report.items:
        by_name[Path(item.uri.removeprefix("file://")).relative_to(tree).as_posix()] = list(item.items)
    assert elapsed < 20
    assert rss < 200, f"server peak RSS {rss:.0f} MB"
    assert [d.code for d in by_name["app.py"]] == ["RES001"]  # ordinary files are checked
    assert by_name["pkg/clean.py"] == []
    for name, reason in SKIPPED.items():
        diags = by_name.get(name)
        assert diags is not None, (name, sorted(by_name))
        assert len(diags) == 1 and diags[0].severity == types.DiagnosticSeverity.Information, diags
        assert "did not check this file" in diags[0].message and reason in diags[0].message
    assert set(by_name) == {*ORDINARY, *SKIPPED}
