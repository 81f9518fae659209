"""Workspace-wide checks through a real server: work-done progress, partial results,
cancellation, and the `resilint.checkWorkspace` command (push diagnostics)."""
from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from lsp_harness import CALL, RecordingClient, lsp, open_doc, wait_until
from lsprotocol import types
from pygls.exceptions import JsonRpcRequestCancelled

CLEAN = "x = 1\n"
# Enough code per file that a check of a few hundred files takes longer than a round trip.
SLOW = CALL + "".join(
    f"\n\ndef handler_{i}(session, url):\n    data = session.get(url, timeout=3)\n    return data.json()\n"
    for i in range(25))


def make_workspace(root: Path, *, dirty: int, clean: int, text: str = CALL) -> list[Path]:
    (root / "pkg").mkdir(exist_ok=True)
    paths = []
    for i in range(dirty):
        paths.append(root / "pkg" / f"dirty_{i:03}.py")
        paths[-1].write_text(text)
    for i in range(clean):
        paths.append(root / f"clean_{i:03}.py")
        paths[-1].write_text(CLEAN)
    return [p.resolve() for p in paths]


def record_partial_results(client: RecordingClient) -> dict[Any, list[dict]]:
    """pytest-lsp's $/progress handler knows only work-done values; keep partial results apart."""
    features = client.protocol.fm.features
    work_done = features.pop(types.PROGRESS)
    partial: dict[Any, list[dict]] = {}

    def progress(params: types.ProgressParams) -> None:
        if isinstance(params.value, dict) and "kind" not in params.value:
            partial.setdefault(params.token, []).append(params.value)
        else:
            work_done(params)

    features[types.PROGRESS] = progress
    return partial


def assert_well_formed(reports: list[Any], total: int) -> None:
    """begin, then reports with rising percentages ending at total, then end."""
    assert isinstance(reports[0], types.WorkDoneProgressBegin), reports
    assert reports[0].cancellable and reports[0].percentage == 0 and reports[0].message == f"0/{total} files"
    assert isinstance(reports[-1], types.WorkDoneProgressEnd), reports
    middle = reports[1:-1]
    assert middle and all(isinstance(r, types.WorkDoneProgressReport) for r in middle)
    percentages = [r.percentage for r in middle]
    assert percentages == sorted(set(percentages)) and 0 < percentages[0] and percentages[-1] == 100
    counts = [int(r.message.split("/")[0]) for r in middle]
    assert counts == sorted(counts) and counts[-1] == total
    assert all(r.message.endswith(f"/{total} files") for r in middle)


def server_tokens(client: RecordingClient) -> list[str]:
    return [t for t in client.progress_reports if str(t).startswith("resilint-workspace-")]


async def test_client_token_gets_begin_report_end(workspace: Path):
    files = make_workspace(workspace, dirty=3, clean=2)
    async with lsp(workspace, pull=True) as client:
        client.progress_reports["ws-1"] = []  # the client's own token
        report = await client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(
            previous_result_ids=[], work_done_token="ws-1"))
        reports = client.progress_reports["ws-1"]
        assert_well_formed(reports, 5)
        assert [r.percentage for r in reports[1:-1]] == [20, 40, 60, 80, 100]
        assert reports[-1].message == "5 files checked, 3 problems"
        by_uri = {item.uri: item for item in report.items}
        assert set(by_uri) == {p.as_uri() for p in files}
        assert sorted(len(item.items) for item in by_uri.values()) == [0, 0, 1, 1, 1]
        # the client's token is used: the server creates none of its own
        assert server_tokens(client) == []


async def test_server_creates_progress_when_files_need_analysis(workspace: Path):
    make_workspace(workspace, dirty=2, clean=2)
    async with lsp(workspace, pull=True) as client:
        first = await client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(previous_result_ids=[]))
        [token] = server_tokens(client)
        assert_well_formed(client.progress_reports[token], 4)
        # a re-pull where nothing changed stays quiet (clients re-pull every few seconds)
        prev = [types.PreviousResultId(uri=i.uri, value=i.result_id) for i in first.items]
        second = await client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(previous_result_ids=prev))
        assert {i.kind for i in second.items} == {"unchanged"}
        assert server_tokens(client) == [token]
        # an edited file on disk is analysed again, with progress
        (workspace / "clean_000.py").write_text(CALL + "\n# edited\n")
        third = await client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(previous_result_ids=prev))
        assert [i.uri.rsplit("/", 1)[-1] for i in third.items if i.kind == "full"] == ["clean_000.py"]
        assert len(server_tokens(client)) == 2


async def test_partial_results_stream_in_batches(workspace: Path):
    files = make_workspace(workspace, dirty=25, clean=20)
    open_uri = (workspace / "open.py").as_uri()
    async with lsp(workspace, pull=True) as client:
        partial = record_partial_results(client)
        open_doc(client, open_uri, CALL, version=3)
        client.progress_reports["w"] = []
        report = await client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(
            previous_result_ids=[], work_done_token="w", partial_result_token="p"))
        assert list(report.items) == []  # everything went out as partial results
        batches = partial["p"]
        assert len(batches) >= 3  # 46 files in batches of at most 20
        assert all(len(b["items"]) <= 20 for b in batches)
        items = [i for b in batches for i in b["items"]]
        uris = [i["uri"] for i in items]
        assert len(uris) == len(set(uris)) == 46
        assert set(uris) == {p.as_uri() for p in files} | {open_uri}
        by_uri = {i["uri"]: i for i in items}
        assert by_uri[open_uri]["version"] == 3 and [d["code"] for d in by_uri[open_uri]["items"]] == ["RES001"]
        assert sum(len(i["items"]) for i in items) == 26
        assert all(i["kind"] == "full" and i["resultId"] for i in items)
        assert_well_formed(client.progress_reports["w"], 46)


async def test_cancel_request_stops_the_check(workspace: Path):
    total = 300
    make_workspace(workspace, dirty=total, clean=0, text=SLOW)
    async with lsp(workspace, pull=True) as client:
        client.progress_reports["c"] = []
        request = asyncio.ensure_future(client.protocol.send_request_async(
            types.WORKSPACE_DIAGNOSTIC,
            types.WorkspaceDiagnosticParams(previous_result_ids=[], work_done_token="c"), msg_id="ws-cancel"))
        await wait_until(lambda: len(client.progress_reports.get("c", [])) >= 2, what="first progress report")
        client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="ws-cancel"))
        with pytest.raises(JsonRpcRequestCancelled):
            await asyncio.wait_for(request, 20)
        end = await wait_until(lambda: isinstance(client.progress_reports["c"][-1], types.WorkDoneProgressEnd)
                               and client.progress_reports["c"][-1], what="progress end")
        assert end.message.startswith("cancelled after ")
        checked = int(end.message.split()[2].split("/")[0])
        assert checked < total
        # the server stopped early and still answers; the next check reuses what was analysed
        client.progress_reports["again"] = []
        report = await client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(
            previous_result_ids=[], work_done_token="again"))
        assert len(report.items) == total
        assert client.progress_reports["again"][-1].message.startswith(f"{total} files checked, ")


async def test_command_publishes_diagnostics_for_push_clients(workspace: Path):
    files = make_workspace(workspace, dirty=2, clean=1)
    open_uri = (workspace / "open.py").as_uri()
    async with lsp(workspace) as client:
        open_doc(client, open_uri, CALL, version=5)
        await wait_until(lambda: any(p[0] == open_uri for p in client.published), what="open document diagnostics")
        client.published.clear()
        result = await client.workspace_execute_command_async(types.ExecuteCommandParams(
            command="resilint.checkWorkspace"))
        assert result == {"files": 4, "total": 4, "problems": 3, "cancelled": False}
        # the open document keeps its own, versioned pushes (re-analyses may add some meanwhile)
        published = {uri: diags for uri, version, diags in client.published if version is None}
        assert set(published) == {p.as_uri() for p in files}
        assert all(version == 5 for uri, version, _ in client.published if uri == open_uri)
        assert sorted((p.name, [d.code for d in published[p.as_uri()]]) for p in files) == [
            ("clean_000.py", []), ("dirty_000.py", ["RES001"]), ("dirty_001.py", ["RES001"])]
        [token] = server_tokens(client)
        assert_well_formed(client.progress_reports[token], 4)
        assert client.progress_reports[token][-1].message == "4 files checked, 3 problems"
        assert "resilint.checkWorkspace" in client.init_result.capabilities.execute_command_provider.commands


async def test_command_stops_when_the_progress_is_cancelled(workspace: Path):
    total = 300
    make_workspace(workspace, dirty=total, clean=0, text=SLOW)
    async with lsp(workspace) as client:
        command = asyncio.ensure_future(client.workspace_execute_command_async(types.ExecuteCommandParams(
            command="resilint.checkWorkspace")))
        token = (await wait_until(lambda: [t for t in server_tokens(client) if len(client.progress_reports[t]) >= 2],
                                  what="the command's progress"))[0]
        client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token=token))
        result = await asyncio.wait_for(command, 20)
        assert result["cancelled"] and result["files"] < total and result["total"] == total
        assert len({uri for uri, _, _ in client.published}) == result["files"]
        assert client.progress_reports[token][-1].message == f"cancelled after {result['files']}/{total} files"


async def test_command_pushes_only_to_clients_that_do_not_pull_the_workspace(workspace: Path):
    files = make_workspace(workspace, dirty=1, clean=1)
    async with lsp(workspace, pull=True) as client:
        # pulls per document (Neovim 0.10+) but never the workspace: the check is pushed
        first = await client.workspace_execute_command_async(types.ExecuteCommandParams(
            command="resilint.checkWorkspace"))
        assert first["files"] == 2 and first["problems"] == 1
        assert {uri for uri, _, _ in client.published} == {p.as_uri() for p in files}
        # once it pulls the workspace (VS Code), pushing would list every file twice
        await client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(previous_result_ids=[]))
        client.published.clear()
        second = await client.workspace_execute_command_async(types.ExecuteCommandParams(
            command="resilint.checkWorkspace"))
        assert second == first
        assert client.published == []


async def test_opening_a_pushed_file_in_a_pull_client_clears_the_push(workspace: Path):
    """Neovim 0.10+ pulls open documents: the command's push for a file it then opens is
    replaced by an empty one, so the file's findings are not listed twice."""
    [dirty] = make_workspace(workspace, dirty=1, clean=0)
    async with lsp(workspace, pull=True) as client:
        await client.workspace_execute_command_async(types.ExecuteCommandParams(command="resilint.checkWorkspace"))
        assert [(uri, [d.code for d in diags]) for uri, _, diags in client.published] == [(dirty.as_uri(), ["RES001"])]
        client.published.clear()
        open_doc(client, dirty.as_uri(), CALL, version=1)
        await wait_until(lambda: client.published, what="the cleared push")
        assert client.published == [(dirty.as_uri(), None, [])]
        report = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
            text_document=types.TextDocumentIdentifier(uri=dirty.as_uri())))
        assert [d.code for d in report.items] == ["RES001"]
