"""LSP 3.17 notebook sync against the real server process: per-cell diagnostics, hover, code
actions and completion, findings that need the whole notebook, edits and structure changes."""
from __future__ import annotations

from pathlib import Path

from lsprotocol import types
from lsp_harness import diagnostics_for, edit, lsp, wait_until
from test_code_actions import actions_at, apply_workspace_edit

CELL1 = "import requests\n%matplotlib inline\nsession = requests.Session()\n"
CELL2 = "# Fetch the page"
CELL3 = "!pip install requests\nr = session.get(url)\nprint(r)"


def cell_uri(nb: Path, n: int) -> str:
    return f"vscode-notebook-cell:{nb.as_posix()}#W{n}sZmlsZQ%3D%3D"


def open_notebook(client, nb: Path, cells: list[tuple[types.NotebookCellKind, str, str]]) -> list[str]:
    uris = [cell_uri(nb, i) for i in range(len(cells))]
    client.notebook_document_did_open(types.DidOpenNotebookDocumentParams(
        notebook_document=types.NotebookDocument(
            uri=nb.as_uri(), notebook_type="jupyter-notebook", version=1,
            cells=[types.NotebookCell(kind=kind, document=u) for (kind, _, _), u in zip(cells, uris)]),
        cell_text_documents=[types.TextDocumentItem(uri=u, language_id=lang, version=1, text=text)
                             for (_, lang, text), u in zip(cells, uris)]))
    return uris


def change_cell(client, nb: Path, version: int, uri: str, cell_version: int, *changes) -> None:
    client.notebook_document_did_change(types.DidChangeNotebookDocumentParams(
        notebook_document=types.VersionedNotebookDocumentIdentifier(uri=nb.as_uri(), version=version),
        change=types.NotebookDocumentChangeEvent(cells=types.NotebookDocumentCellChanges(text_content=[
            types.NotebookDocumentCellContentChanges(
                document=types.VersionedTextDocumentIdentifier(uri=uri, version=cell_version),
                changes=list(changes))]))))


CODE, MARKUP = types.NotebookCellKind.Code, types.NotebookCellKind.Markup
THREE = [(CODE, "python", CELL1), (MARKUP, "markdown", CELL2), (CODE, "python", CELL3)]


async def test_three_cells_diagnostic_hover_fix_and_cross_cell_edit(workspace: Path) -> None:
    nb = workspace / "nb.ipynb"
    async with lsp(workspace, notebooks=True) as client:
        sync = client.init_result.capabilities.notebook_document_sync
        assert sync is not None and sync.notebook_selector[0].notebook == "jupyter-notebook"
        assert sync.notebook_selector[0].cells[0].language == "python"
        uris = open_notebook(client, nb, THREE)
        diags = await diagnostics_for(client, uris[2], 1)
        # the session is built in cell 1 and used in cell 3; the magics are not syntax errors
        assert [(d.code, d.range.start.line, d.range.start.character, d.range.end.character) for d in diags] == [
            ("RES001", 1, 4, 15)]
        assert await diagnostics_for(client, uris[0], 1) == []
        assert not [u for u, _, _ in client.published if u in (uris[1], nb.as_uri())]

        hover = await client.text_document_hover_async(types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uris[2]), position=types.Position(line=1, character=8)))
        assert hover is not None and "RES001" in hover.contents.value

        actions = await actions_at(client, uris[2], diags[0].range, diags)
        fix = next(a for a in actions if a.title.startswith("RES001:"))
        assert list(fix.diagnostics) == diags  # the cell's own diagnostic
        resolved = await client.code_action_resolve_async(fix)
        [cell_change] = resolved.edit.document_changes
        assert cell_change.text_document.uri == uris[2] and cell_change.text_document.version == 1
        fixed = apply_workspace_edit(CELL3, resolved.edit)
        assert fixed == CELL3.replace("session.get(url)", "session.get(url, timeout=10)")
        e = cell_change.edits[0]
        change_cell(client, nb, 2, uris[2], 2, edit(e.range.start.line, e.range.start.character,
                                                    e.range.end.line, e.range.end.character, e.new_text))
        assert await diagnostics_for(client, uris[2], 2) == []

        # an edit in cell 1 changes what cell 3 means: `session` is no longer a requests.Session
        assert e.range.start == e.range.end and e.new_text == ", timeout=10"
        at = e.range.start.character
        change_cell(client, nb, 3, uris[2], 3, edit(1, at, 1, at + len(e.new_text), ""))  # undo the fix
        assert [d.code for d in await diagnostics_for(client, uris[2], 3)] == ["RES001"]
        change_cell(client, nb, 4, uris[0], 2, edit(2, 10, 2, 28, "object()"))
        assert await diagnostics_for(client, uris[2], 3) is not None
        await wait_until(lambda: [d for u, v, d in client.published if u == uris[2]][-1] == [],
                         what="cell 3 cleared after the edit in cell 1")

        client.notebook_document_did_close(types.DidCloseNotebookDocumentParams(
            notebook_document=types.NotebookDocumentIdentifier(uri=nb.as_uri()),
            cell_text_documents=[types.TextDocumentIdentifier(uri=u) for u in uris]))
        await wait_until(lambda: client.published[-1][0] in uris and client.published[-1][2] == [],
                         what="cleared on close")


async def test_new_cell_completion_and_pull(workspace: Path) -> None:
    nb = workspace / "pull.ipynb"
    async with lsp(workspace, pull=True, notebooks=True) as client:
        uris = open_notebook(client, nb, THREE)
        report = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
            text_document=types.TextDocumentIdentifier(uri=uris[2])))
        assert [(d.code, d.range.start.line) for d in report.items] == [("RES001", 1)]
        report = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
            text_document=types.TextDocumentIdentifier(uri=uris[0])))
        assert list(report.items) == []

        # a new code cell inserted between cells 1 and 2 uses the session too
        new = cell_uri(nb, 9)
        client.notebook_document_did_change(types.DidChangeNotebookDocumentParams(
            notebook_document=types.VersionedNotebookDocumentIdentifier(uri=nb.as_uri(), version=2),
            change=types.NotebookDocumentChangeEvent(cells=types.NotebookDocumentCellChanges(
                structure=types.NotebookDocumentCellChangeStructure(
                    array=types.NotebookCellArrayChange(start=1, delete_count=0,
                                                        cells=[types.NotebookCell(kind=CODE, document=new)]),
                    did_open=[types.TextDocumentItem(uri=new, language_id="python", version=1,
                                                     text="session.post('https://x')\n")])))))
        report = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
            text_document=types.TextDocumentIdentifier(uri=new)))
        assert [(d.code, d.range.start.line, d.range.start.character) for d in report.items] == [("RES001", 0, 0)]
        report = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
            text_document=types.TextDocumentIdentifier(uri=uris[2])))
        assert [(d.code, d.range.start.line) for d in report.items] == [("RES001", 1)]  # still at its place

        # a cell edit that leaves the notebook's version as it was (VS Code does that)
        change_cell(client, nb, 2, uris[2], 2, edit(1, 0, 1, 0, "r0 = session.get(url, timeout=1)\n"))
        report = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
            text_document=types.TextDocumentIdentifier(uri=uris[2])))
        assert [(d.code, d.range.start.line) for d in report.items] == [("RES001", 2)]

        completion = await client.text_document_completion_async(types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uris[2]), position=types.Position(line=3, character=3)))
        assert completion is not None and completion.items
        item = await client.completion_item_resolve_async(completion.items[0])
        for e in item.additional_text_edits or []:  # only edits of this cell, in its positions
            assert e.range.start.line <= 3
