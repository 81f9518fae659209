"""`workspace/diagnostic` and the results cache (issue 15, item 3): the check after a server
restart analyses nothing, a CLI run fills the same cache, and enough misses go to the
process pool with the same diagnostics as one process gives."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from lsprotocol import types

from lsp_harness import CALL, lsp, wait_until

PLAIN = "def add(a, b):\n    return a + b\n"


@pytest.fixture
def cached_workspace(workspace: Path, tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("RESILINT_CACHE_DIR", str(tmp_path / "cache"))
    (workspace / "pyproject.toml").write_text("[tool.resilint]\n")
    return workspace


async def _check(root: Path) -> tuple[dict[str, list[str]], tuple[int, int]]:
    """({file name: codes}, (from the cache, analysed)) of one workspace/diagnostic."""
    async with lsp(root, pull=True, init_options={"logLevel": "info"}) as client:
        report = await client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(previous_result_ids=[]))
        line = await wait_until(lambda: [m.message for m in client.log_messages
                                         if "from the results cache" in m.message], what="the cache log line")
    m = re.search(r"(\d+) files from the results cache, (\d+) to analyse", line[-1])
    codes = {Path(i.uri).name: sorted(str(d.code) for d in i.items) for i in report.items}
    return codes, (int(m.group(1)), int(m.group(2)))


async def test_a_restarted_server_serves_the_workspace_from_the_cache(cached_workspace: Path):
    (cached_workspace / "app.py").write_text(CALL)
    (cached_workspace / "plain.py").write_text(PLAIN)
    first, counts = await _check(cached_workspace)
    assert first == {"app.py": ["RES001"], "plain.py": []} and counts == (0, 2)
    again, counts = await _check(cached_workspace)
    assert again == first and counts == (2, 0)
    (cached_workspace / "plain.py").write_text(CALL + PLAIN)
    edited, counts = await _check(cached_workspace)
    assert counts == (1, 1) and edited["plain.py"] == ["RES001"]


async def test_the_cli_and_the_server_share_the_cache(cached_workspace: Path):
    (cached_workspace / "app.py").write_text(CALL)
    (cached_workspace / "plain.py").write_text(PLAIN)
    r = subprocess.run([sys.executable, "-m", "resilint.server.cli", "check", ".", "--exit-zero"],
                       cwd=cached_workspace, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    codes, counts = await _check(cached_workspace)
    assert codes == {"app.py": ["RES001"], "plain.py": []} and counts == (2, 0)


async def test_many_misses_run_on_the_process_pool(cached_workspace: Path):
    for i in range(50):
        (cached_workspace / f"m{i:02}.py").write_text(CALL if i % 2 else PLAIN)
    codes, counts = await _check(cached_workspace)
    assert counts == (0, 50)
    assert codes == {f"m{i:02}.py": (["RES001"] if i % 2 else []) for i in range(50)}


async def _full_report(root: Path) -> tuple[list[tuple], list[str]]:
    """Every item of one workspace/diagnostic (uri, code, range, message, severity), sorted,
    and the config-problem diagnostics the server published."""
    async with lsp(root, pull=True) as client:
        report = await client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(previous_result_ids=[]))
        items = sorted((i.uri, str(d.code), d.range.start.line, d.range.start.character, d.range.end.line,
                        d.range.end.character, d.message, int(d.severity or 0))
                       for i in report.items for d in i.items or [types.Diagnostic(range=types.Range(
                           start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)),
                           message="")])
        problems = [f"{uri}: {d.message}" for uri, ds in client.diagnostics.items() if uri.endswith("pyproject.toml")
                    for d in ds]
    return items, problems


async def test_a_warm_restart_reports_exactly_what_the_cold_check_did(cached_workspace: Path, tmp_path: Path):
    """The walk that stats each file once (rules/source_files.walk_files), the pyproject.toml
    looked up once per folder and the reused stats give the cold check's report, item by item,
    on a tree with links, a broken link, an excluded folder and a sub-project whose config is bad."""
    ws = cached_workspace
    (ws / "pyproject.toml").write_text('[tool.resilint]\nextend-exclude = ["gen"]\n')
    (ws / "app.py").write_text(CALL)
    (ws / "pkg" / "deep").mkdir(parents=True)
    (ws / "pkg" / "__init__.py").write_text(PLAIN)
    (ws / "pkg" / "deep" / "calls.py").write_text("from pkg import add\n" + CALL)
    (ws / "gen").mkdir()
    (ws / "gen" / "generated.py").write_text(CALL)  # excluded
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "shared.py").write_text(CALL)
    (ws / "shared_link.py").symlink_to(outside / "shared.py")
    (ws / "broken.py").symlink_to(tmp_path / "nowhere.py")
    (ws / "sub").mkdir()
    (ws / "sub" / "pyproject.toml").write_text("[tool.resilint]\nselect = 7\n")  # invalid: reported
    (ws / "sub" / "one.py").write_text(CALL)
    (ws / "sub" / "two.py").write_text(CALL)
    cold, cold_problems = await _full_report(ws)
    warm, warm_problems = await _full_report(ws)
    assert warm == cold and warm_problems == cold_problems
    uris = {item[0] for item in cold}
    assert not any("generated.py" in uri for uri in uris)
    assert (outside / "shared.py").resolve().as_uri() in uris  # a link is checked where it points
    broken = [item for item in cold if item[0].endswith("broken.py")]
    assert broken and "did not check this file" in broken[0][6]
    assert len(cold_problems) == 1 and "select" in cold_problems[0]  # on the sub-project's pyproject.toml
