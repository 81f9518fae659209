"""End-to-end tests of `resilint serve` through pytest-lsp (a real server process)."""
from __future__ import annotations

from pathlib import Path

from lsp_harness import (
    CALL,
    change,
    codes,
    diagnostics_for,
    edit,
    full,
    lsp,
    open_doc,
    wait_until,
)
from lsprotocol import types
from resilint.rules.engine import analyze


async def test_open_publishes_diagnostics(workspace: Path):
    path = workspace / "app.py"
    path.write_text(CALL)
    uri = path.as_uri()
    async with lsp(workspace) as client:
        caps = client.init_result.capabilities
        assert caps.text_document_sync.change == types.TextDocumentSyncKind.Incremental
        assert caps.position_encoding == types.PositionEncodingKind.Utf16
        open_doc(client, uri, CALL)
        diags = await diagnostics_for(client, uri, 1)
        assert len(diags) == 1
        d = diags[0]
        assert d.code == "RES001"
        assert d.source == "resilint"
        assert d.severity == types.DiagnosticSeverity.Warning
        assert d.code_description.href.endswith("/RES001.md")
        assert d.range == types.Range(start=types.Position(4, 11), end=types.Position(4, 23))
        assert d.data["code"] == "RES001"
        assert d.data["callee"] == "requests.get"
        assert "fix_title" in d.data and d.data["fix_available"] in (True, False)


async def test_edits_follow(workspace: Path):
    uri = (workspace / "app.py").as_uri()
    async with lsp(workspace) as client:
        open_doc(client, uri, CALL)
        assert codes(await diagnostics_for(client, uri, 1)) == [("RES001", 4, 11)]
        # two lines above: the finding moves down
        change(client, uri, 2, edit(0, 0, 0, 0, "import os\nimport sys\n"))
        assert codes(await diagnostics_for(client, uri, 2)) == [("RES001", 6, 11)]
        # a second call at the end, then a timeout on the first
        change(client, uri, 3, edit(7, 0, 7, 0, "\n\ndef other(u):\n    requests.post(u)\n"))
        assert codes(await diagnostics_for(client, uri, 3)) == [("RES001", 6, 11), ("RES001", 10, 4)]
        change(client, uri, 4, edit(6, 27, 6, 27, ", timeout=5"))
        assert codes(await diagnostics_for(client, uri, 4)) == [("RES001", 10, 4)]
        # full-document sync also works
        change(client, uri, 5, full("x = 1\n"))
        assert await diagnostics_for(client, uri, 5) == []


async def test_pull_diagnostics(workspace: Path):
    uri = (workspace / "app.py").as_uri()
    async with lsp(workspace, pull=True) as client:
        provider = client.init_result.capabilities.diagnostic_provider
        assert provider is not None and provider.workspace_diagnostics
        open_doc(client, uri, CALL)
        report = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
            text_document=types.TextDocumentIdentifier(uri=uri)))
        assert report.kind == "full"
        assert [d.code for d in report.items] == ["RES001"]
        first = report.result_id
        assert first
        again = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
            text_document=types.TextDocumentIdentifier(uri=uri), previous_result_id=first))
        assert again.kind == "unchanged" and again.result_id == first
        change(client, uri, 2, edit(4, 27, 4, 27, ", timeout=3"))
        after = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
            text_document=types.TextDocumentIdentifier(uri=uri), previous_result_id=first))
        assert after.kind == "full" and list(after.items) == [] and after.result_id != first
        # a pull client gets no pushes for documents
        assert not [p for p in client.published if p[0] == uri]


async def test_workspace_diagnostics_honour_exclude(workspace: Path):
    (workspace / "pyproject.toml").write_text('[tool.resilint]\nexclude = ["generated"]\n')
    (workspace / "pkg").mkdir()
    (workspace / "pkg" / "mod.py").write_text(CALL)
    (workspace / "generated").mkdir()
    (workspace / "generated" / "gen.py").write_text(CALL)
    (workspace / "clean.py").write_text("x = 1\n")
    open_uri = (workspace / "open.py").as_uri()
    async with lsp(workspace, pull=True) as client:
        open_doc(client, open_uri, "import requests\nrequests.get('u')\n", version=7)
        report = await client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(previous_result_ids=[]))
        by_uri = {item.uri: item for item in report.items}
        mod = (workspace / "pkg" / "mod.py").resolve().as_uri()
        assert [d.code for d in by_uri[mod].items] == ["RES001"]
        assert list(by_uri[(workspace / "clean.py").resolve().as_uri()].items) == []
        assert not any("generated" in u for u in by_uri)
        assert by_uri[open_uri].version == 7 and [d.code for d in by_uri[open_uri].items] == ["RES001"]
        # unchanged files come back as `unchanged` when the client sends their result ids
        prev = [types.PreviousResultId(uri=i.uri, value=i.result_id) for i in report.items]
        second = await client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(previous_result_ids=prev))
        assert {(i.uri, i.kind) for i in second.items if i.kind != "unchanged"} == set()


async def test_syntax_error_keeps_last_good_findings(workspace: Path):
    uri = (workspace / "app.py").as_uri()
    text = CALL + "\n\ndef later(u):\n    return requests.get(u)\n"
    async with lsp(workspace, init_options={"debounce": 0}) as client:
        open_doc(client, uri, text)
        assert codes(await diagnostics_for(client, uri, 1)) == [("RES001", 4, 11), ("RES001", 8, 11)]
        # typing an unfinished line at the top: the findings move down 2 lines, plus RES999
        change(client, uri, 2, edit(0, 0, 0, 0, "def broken(:\n\n"))
        diags = await diagnostics_for(client, uri, 2)
        assert [c for c in codes(diags) if c[0] == "RES001"] == [("RES001", 6, 11), ("RES001", 10, 11)]
        assert [d.code for d in diags].count("RES999") == 1
        # still broken; an edit that touches the second finding drops it (the other stays)
        change(client, uri, 3, edit(10, 11, 10, 23, "requests.ge"))
        diags = await diagnostics_for(client, uri, 3)
        assert [c for c in codes(diags) if c[0] == "RES001"] == [("RES001", 6, 11)]
        assert [d.code for d in diags].count("RES999") == 1
        # fixing the syntax error gives the exact findings again
        change(client, uri, 4, edit(0, 0, 2, 0, ""))
        final = await diagnostics_for(client, uri, 4)
        assert codes(final) == [("RES001", 4, 11)]


async def test_config_error_and_reload(workspace: Path):
    pyproject = workspace / "pyproject.toml"
    pyproject.write_text('[project]\nname = "x"\n\n[tool.resilint]\nselect = ["NOPE123"]\n')
    uri = (workspace / "app.py").as_uri()
    async with lsp(workspace) as client:
        open_doc(client, uri, CALL)
        # the server keeps running on defaults
        assert codes(await diagnostics_for(client, uri, 1)) == [("RES001", 4, 11)]
        py_uri = pyproject.resolve().as_uri()
        bad = await wait_until(lambda: client.diagnostics.get(py_uri), what="pyproject diagnostic")
        assert len(bad) == 1 and bad[0].range.start.line == 4
        assert "NOPE123" in bad[0].message
        await wait_until(lambda: any("invalid configuration" in m.message for m in client.messages),
                         what="showMessage")
        # fix the file: RES001 ignored; the pyproject diagnostic is cleared
        pyproject.write_text('[project]\nname = "x"\n\n[tool.resilint]\nignore = ["RES001"]\n')
        n = len(client.published)
        client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
            types.FileEvent(uri=py_uri, type=types.FileChangeType.Changed)]))
        await wait_until(lambda: list(client.diagnostics.get(py_uri, [None])) == [], what="cleared pyproject diagnostic")
        await wait_until(lambda: any(u == uri and d == [] for u, _, d in client.published[n:]),
                         what="re-analysis without RES001")


async def test_watcher_registered_dynamically(workspace: Path):
    async with lsp(workspace) as client:
        regs = await wait_until(lambda: client.registrations, what="registerCapability")
        assert regs[0].method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
        watchers = regs[0].register_options["watchers"]
        assert watchers[0]["globPattern"] == "**/pyproject.toml"


async def test_settings_change_via_configuration(workspace: Path):
    uri = (workspace / "app.py").as_uri()
    async with lsp(workspace, configuration={"": {"resilint": {}}}) as client:
        open_doc(client, uri, CALL)
        assert codes(await diagnostics_for(client, uri, 1)) == [("RES001", 4, 11)]
        client.set_configuration({"resilint": {"ignore": ["RES001"]}})
        n = len(client.published)
        client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
        await wait_until(lambda: any(u == uri and d == [] for u, _, d in client.published[n:]),
                         what="diagnostics cleared by the ignore setting")
        client.set_configuration({"resilint": {"severity": {"RES001": "error"}}})
        n = len(client.published)
        client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
        diags = await wait_until(lambda: [d for u, _, d in client.published[n:] if u == uri and d],
                                 what="error severity")
        assert diags[-1][0].severity == types.DiagnosticSeverity.Error


async def test_settings_without_configuration_support(workspace: Path):
    uri = (workspace / "app.py").as_uri()
    async with lsp(workspace, config_support=False, init_options={"settings": {"severity": {"RES001": "info"}}}) as client:
        open_doc(client, uri, CALL)
        diags = await diagnostics_for(client, uri, 1)
        assert diags[0].severity == types.DiagnosticSeverity.Information
        n = len(client.published)
        client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
            settings={"resilint": {"select": ["RES9"]}}))
        await wait_until(lambda: any(u == uri and d == [] for u, _, d in client.published[n:]),
                         what="select from didChangeConfiguration")


async def _severity_with(workspace: Path, preference: str) -> types.DiagnosticSeverity:
    (workspace / "pyproject.toml").write_text('[tool.resilint]\nseverity = { RES001 = "error" }\n')
    uri = (workspace / "app.py").as_uri()
    options = {"configurationPreference": preference, "severity": {"RES001": "hint"}}
    async with lsp(workspace, init_options=options) as client:
        open_doc(client, uri, CALL)
        return (await diagnostics_for(client, uri, 1))[0].severity


async def test_configuration_preference(workspace: Path):
    assert await _severity_with(workspace, "filesystemFirst") == types.DiagnosticSeverity.Error
    assert await _severity_with(workspace, "editorFirst") == types.DiagnosticSeverity.Hint
    assert await _severity_with(workspace, "filesystemOnly") == types.DiagnosticSeverity.Error


async def test_invalid_editor_setting_is_reported(workspace: Path):
    uri = (workspace / "app.py").as_uri()
    async with lsp(workspace, init_options={"select": ["BOGUS9"], "debounce": "soon"}) as client:
        open_doc(client, uri, CALL)
        assert codes(await diagnostics_for(client, uri, 1)) == [("RES001", 4, 11)]
        await wait_until(lambda: len([m for m in client.messages if "resilint." in m.message]) == 2,
                         what="two settings warnings")


NON_ASCII = 'import requests\ns = "héllo😀"; r = requests.get(s)\n'


async def test_non_ascii_utf16(workspace: Path):
    uri = (workspace / "u.py").as_uri()
    line = NON_ASCII.splitlines()[1]
    char_col = line.index("requests")
    async with lsp(workspace, encodings=["utf-32", "utf-16"]) as client:
        assert client.init_result.capabilities.position_encoding == "utf-16"
        open_doc(client, uri, NON_ASCII)
        d = (await diagnostics_for(client, uri, 1))[0]
        assert d.range.start == types.Position(1, char_col + 1)  # the emoji is 2 UTF-16 units
        # insert after the emoji (UTF-16 column 12): the server maps the edit correctly
        col16 = len('s = "héllo') + 2
        change(client, uri, 2, edit(1, col16, 1, col16, "!!"))
        d = (await diagnostics_for(client, uri, 2))[0]
        assert d.range.start == types.Position(1, char_col + 3)


async def test_non_ascii_utf8(workspace: Path):
    uri = (workspace / "u.py").as_uri()
    line = NON_ASCII.splitlines()[1]
    byte_col = len(line[: line.index("requests")].encode("utf-8"))
    async with lsp(workspace, encodings=["utf-16", "utf-8"]) as client:  # utf-8 preferred when offered
        assert client.init_result.capabilities.position_encoding == "utf-8"
        open_doc(client, uri, NON_ASCII)
        d = (await diagnostics_for(client, uri, 1))[0]
        assert d.range.start == types.Position(1, byte_col)
        # insert before `requests` using a UTF-8 column
        change(client, uri, 2, edit(1, byte_col, 1, byte_col, "é and "))
        d = (await diagnostics_for(client, uri, 2))[0]
        assert d.range.start == types.Position(1, byte_col + len("é and ".encode()))


async def test_burst_of_200_changes_ends_with_final_text(workspace: Path):
    uri = (workspace / "burst.py").as_uri()
    text = "import requests\n"
    async with lsp(workspace, init_options={"debounce": 0}) as client:
        open_doc(client, uri, text)
        await diagnostics_for(client, uri, 1)
        for i in range(200):
            line = len(text.splitlines())
            if i % 3 == 2:
                new = f"requests.get('u{i}', timeout=1)\n"
            else:
                new = f"requests.get('u{i}')\n"
            change(client, uri, i + 2, edit(line, 0, line, 0, new))
            text += new
        final = await diagnostics_for(client, uri, 201)
        expected = analyze(text, str(workspace / "burst.py")).findings
        assert codes(final) == sorted((f.code, f.span.line, f.span.col) for f in expected)
        assert len(final) == 134
        mine = [v for u, v, _ in client.published if u == uri]
        assert mine == sorted(mine)  # never an older version after a newer one
        await __import__("asyncio").sleep(0.3)
        assert [v for u, v, _ in client.published if u == uri][-1] == 201


async def test_skips_non_python_and_large_files(workspace: Path):
    txt = (workspace / "notes.txt").as_uri()
    big = (workspace / "big.py").as_uri()
    async with lsp(workspace, init_options={"maxFileSize": 200, "logLevel": "info"}) as client:
        open_doc(client, txt, "requests.get(url)\n", language="plaintext")
        assert await diagnostics_for(client, txt, 1) == []
        open_doc(client, big, CALL * 10)
        (info,) = await diagnostics_for(client, big, 1)  # not analysed, and the editor says so
        assert info.severity == types.DiagnosticSeverity.Information and "too large, not analysed" in info.message
        await wait_until(lambda: [m for m in client.log_messages if "maxFileSize" in m.message],
                         what="log line about maxFileSize")
        assert len([m for m in client.log_messages if "notes.txt" in m.message]) == 1


async def test_one_size_limit_project_value_unless_the_editor_sets_one(workspace: Path):
    """`max-file-size` of [tool.resilint] applies to open documents too; the editor's
    `maxFileSize`, when set, overrides it even with filesystemFirst (docs/editors/README.md)."""
    (workspace / "pyproject.toml").write_text("[tool.resilint]\nmax-file-size = 200\n")
    big = (workspace / "big.py").as_uri()
    async with lsp(workspace) as client:
        open_doc(client, big, CALL * 10)
        (info,) = await diagnostics_for(client, big, 1)
        assert "too large, not analysed" in info.message and "max-file-size (200 bytes)" in info.message
    async with lsp(workspace, init_options={"maxFileSize": 100_000, "configurationPreference": "filesystemFirst"}) as client:
        open_doc(client, big, CALL * 10)
        assert {d.code for d in await diagnostics_for(client, big, 1)} == {"RES001"}


async def test_debug_info_command(workspace: Path):
    uri = (workspace / "app.py").as_uri()
    async with lsp(workspace) as client:
        commands = client.init_result.capabilities.execute_command_provider.commands
        assert "resilint.debugInfo" in commands
        open_doc(client, uri, CALL)
        await diagnostics_for(client, uri, 1)
        info = await client.workspace_execute_command_async(types.ExecuteCommandParams(
            command="resilint.debugInfo", arguments=[]))
        assert info["versions"]["resilint"]
        assert info["positionEncoding"] == "utf-16"
        assert info["diagnosticMode"] == "push"
        doc = info["documents"][0]
        assert doc["uri"] == uri and doc["lastAnalysisMs"] is not None and doc["diagnostics"] == 1
        assert "RES001" in doc["enabledRules"]


async def test_close_clears_and_hover_answers_during_analysis(workspace: Path):
    uri = (workspace / "app.py").as_uri()
    async with lsp(workspace) as client:
        open_doc(client, uri, CALL)
        await diagnostics_for(client, uri, 1)
        client.text_document_did_close(types.DidCloseTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=uri)))
        await wait_until(lambda: list(client.diagnostics.get(uri, [None])) == [], what="cleared on close")


async def test_requests_answered_while_analysing(workspace: Path):
    """The analysis runs off the event loop: a request is answered before a long analysis ends."""
    import sysconfig

    big = Path(sysconfig.get_paths()["stdlib"], "_pydecimal.py").read_text("utf-8") * 8 + CALL
    uri = (workspace / "big.py").as_uri()
    async with lsp(workspace, init_options={"maxFileSize": 10_000_000}) as client:
        open_doc(client, uri, big)
        info = await client.workspace_execute_command_async(types.ExecuteCommandParams(
            command="resilint.debugInfo", arguments=[uri]))
        assert info["documents"][0]["analyzedVersion"] is None  # answered mid-analysis
        diags = await diagnostics_for(client, uri, 1)
        assert "RES001" in [d.code for d in diags]


async def test_multi_root_config_per_file_and_folder_settings(workspace: Path):
    a, b = workspace / "a", workspace / "b"
    a.mkdir()
    b.mkdir()
    (a / "pyproject.toml").write_text('[tool.resilint]\nignore = ["RES001"]\n')
    config = {"": {"resilint": {}}, b.as_uri(): {"resilint": {"severity": {"RES001": "error"}}}}
    async with lsp(workspace, folders=[a, b], configuration=config) as client:
        ua, ub = (a / "m.py").as_uri(), (b / "m.py").as_uri()
        open_doc(client, ua, CALL)
        open_doc(client, ub, CALL)
        assert await diagnostics_for(client, ua, 1) == []
        diags = await wait_until(lambda: [d for u, v, d in client.published if u == ub and d
                                          and d[0].severity == types.DiagnosticSeverity.Error],
                                 what="folder-scoped severity")
        assert diags[-1][0].code == "RES001"


async def test_settings_change_during_an_analysis_is_not_lost(workspace: Path):
    # A settings change while the document's analysis is in flight must not be answered by
    # that analysis (started with the old settings): a new one runs and its result is published.
    uri = (workspace / "big.py").as_uri()
    big = "".join(f"def f{i}(url):\n    return requests.post(url, timeout=3)\n\n" for i in range(6000)) + CALL
    async with lsp(workspace, config_support=False) as client:
        open_doc(client, uri, big)
        client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
            settings={"resilint": {"select": ["RES9"]}}))
        await wait_until(lambda: any(u == uri and d == [] for u, _, d in client.published),
                         what="a publish with the new settings", timeout=60)
