"""LSP 3.17 notebook document sync: a notebook's Python cells analysed as one module.

The notebook lives in the session as one `NotebookDocument` (a `Document` under the notebook's
URI whose text is the code cells joined, magics masked: rules/notebook.py), so debouncing,
incremental analysis, fixes and suppressions work on it unchanged, and a client built in cell
1 is known in cell 3. What the client sees is per cell:

- diagnostics are published (push) or reported (pull) per cell URI, in cell positions;
- requests on a cell (hover, completion, code actions, pull diagnostics) are translated to the
  notebook module and their results (ranges, workspace edits) back to the cells: the handlers
  registered by the other feature modules are wrapped here, they do not know about notebooks.

Cells keep their own text as `Document`s (LSP line rules, incremental edits).
"""
from __future__ import annotations

import functools
import inspect
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

import attrs
from lsprotocol import types

from resilint.rules.notebook import CellSource

from .documents import Document

if TYPE_CHECKING:
    from pygls.lsp.server import LanguageServer

log = logging.getLogger("resilint.server")

#: The server capability: Jupyter notebooks, their Python cells.
SYNC_OPTIONS = types.NotebookDocumentSyncOptions(
    notebook_selector=[types.NotebookDocumentFilterWithNotebook(
        notebook="jupyter-notebook", cells=[types.NotebookCellLanguage(language="python")])],
    save=True,
)


@dataclass
class Cell:
    uri: str
    kind: types.NotebookCellKind
    text: Document  # the cell's own text (uri, language, version)

    @property
    def is_code(self) -> bool:
        return self.kind == types.NotebookCellKind.Code and self.text.language_id in ("python", "")


class NotebookDocument(Document):
    """The notebook as one module (session.documents[notebook uri])."""

    cells: list[Cell]
    source: CellSource
    published: set[str]

    def rebuild(self, encoding: str) -> None:
        """Join the code cells again after a change (findings move with the text)."""
        self.source = CellSource.build([(c.uri, c.text.text) for c in self.cells if c.is_code])
        if self.source.text != self.text:
            self.apply_change(types.TextDocumentContentChangeWholeDocument(text=self.source.text), encoding)

    def cell(self, uri: str) -> Cell | None:
        return next((c for c in self.cells if c.uri == uri), None)

    # ---- positions: module <-> cell ----
    def index_of(self, uri: str) -> int | None:
        try:
            return self.source.keys.index(uri)
        except ValueError:
            return None

    def to_module(self, uri: str, pos: types.Position) -> types.Position:
        index = self.index_of(uri)
        if index is None:
            return pos
        line, col = self.source.to_module(index, pos.line, pos.character)
        return types.Position(line=line, character=col)

    def to_cell(self, rng: types.Range) -> tuple[str, types.Range] | None:
        """(cell uri, range in it) of a module range; clipped to the cell it starts in."""
        located = self.source.locate(rng.start.line, rng.start.character)
        if located is None:
            return None
        index, line, col = located
        start = self.source.starts[index]
        last = self.source.lengths[index] - 1
        end_line, end_col = rng.end.line - start, rng.end.character
        if end_line > last:
            uri = self.source.keys[index]
            cell = self.cell(uri)  # type: ignore[arg-type]
            end_line = last
            end_col = len(cell.text.line_view[last]) if cell is not None and last < len(cell.text.line_view) else 0
        return self.source.keys[index], types.Range(  # type: ignore[return-value]
            start=types.Position(line=line, character=col),
            end=types.Position(line=end_line, character=end_col))

    def cell_version(self, uri: str) -> int | None:
        cell = self.cell(uri)
        return cell.text.version if cell is not None else None

    # ---- diagnostics per cell ----
    def split(self, diagnostics: list[types.Diagnostic]) -> dict[str, list[types.Diagnostic]]:
        out: dict[str, list[types.Diagnostic]] = {c.uri: [] for c in self.cells if c.is_code}
        for d in diagnostics:
            placed = self.to_cell(d.range)
            if placed is None:
                continue
            uri, rng = placed
            related = None
            if d.related_information:
                related = []
                for r in d.related_information:
                    loc = r.location
                    if loc.uri == self.uri and (moved := self.to_cell(loc.range)) is not None:
                        loc = types.Location(uri=moved[0], range=moved[1])
                    related.append(types.DiagnosticRelatedInformation(location=loc, message=r.message))
            out.setdefault(uri, []).append(attrs.evolve(d, range=rng, related_information=related))
        return out

    def publish(self, server: "LanguageServer", diagnostics: list[types.Diagnostic], version: int | None) -> None:
        """Push: one publishDiagnostics per code cell, and an empty one for cells gone since."""
        per_cell = self.split(diagnostics)
        for uri in sorted(self.published - set(per_cell)):
            server.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
        for uri, items in per_cell.items():
            server.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
                uri=uri, diagnostics=items, version=self.cell_version(uri)))
        self.published = set(per_cell)


def _new(uri: str, version: int, cells: list[Cell], encoding: str) -> NotebookDocument:
    doc = NotebookDocument(uri, "python", version, "")
    doc.cells, doc.published = cells, set()
    doc.rebuild(encoding)
    return doc


def _cell(c: types.NotebookCell, items: dict[str, types.TextDocumentItem]) -> Cell:
    item = items.get(c.document)
    text = Document(c.document, item.language_id if item else "", item.version if item else 0, item.text if item else "")
    return Cell(c.document, c.kind, text)


# ----- notifications -----------------------------------------------------------------------------
def register(server: "LanguageServer") -> None:
    session = server.resilint_session  # type: ignore[attr-defined]
    diags = server.resilint_diagnostics  # type: ignore[attr-defined]
    cell_owner: dict[str, str] = {}  # cell uri -> notebook uri

    def notebook_of(uri: str) -> NotebookDocument | None:
        doc = session.documents.get(cell_owner.get(uri, ""))
        return doc if isinstance(doc, NotebookDocument) else None

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_OPEN)
    def did_open(ls: "LanguageServer", params: types.DidOpenNotebookDocumentParams) -> None:
        nb = params.notebook_document
        items = {item.uri: item for item in params.cell_text_documents}
        old = session.documents.get(nb.uri)
        if old is not None:
            old.closed = True
        doc = _new(nb.uri, nb.version, [_cell(c, items) for c in nb.cells], session.encoding)
        session.documents[nb.uri] = doc
        for c in doc.cells:
            cell_owner[c.uri] = nb.uri
        diags.schedule(doc, immediate=True)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CHANGE)
    def did_change(ls: "LanguageServer", params: types.DidChangeNotebookDocumentParams) -> None:
        doc = session.documents.get(params.notebook_document.uri)
        if not isinstance(doc, NotebookDocument):
            return
        cells = params.change.cells
        if cells is not None:
            if cells.structure is not None:
                array = cells.structure.array
                items = {item.uri: item for item in cells.structure.did_open or []}
                known = {c.uri: c for c in doc.cells}
                new = [known.get(c.document) or _cell(c, items) for c in array.cells or []]
                for c in doc.cells[array.start: array.start + array.delete_count]:
                    cell_owner.pop(c.uri, None)
                doc.cells[array.start: array.start + array.delete_count] = new
                for c in new:
                    cell_owner[c.uri] = doc.uri
                for closed in cells.structure.did_close or []:
                    if all(c.uri != closed.uri for c in doc.cells):
                        cell_owner.pop(closed.uri, None)
            for data in cells.data or []:
                cell = doc.cell(data.document)
                if cell is not None:
                    cell.kind = data.kind
            for content in cells.text_content or []:
                cell = doc.cell(content.document.uri)
                if cell is None:
                    continue
                for change in content.changes:
                    cell.text.apply_change(change, session.encoding)
                cell.text.version = content.document.version
        # Our own counter, not the notebook's version: VS Code keeps that one when only a
        # cell's text changes, and analyses are keyed by the document's version.
        doc.version += 1
        doc.rebuild(session.encoding)
        diags.schedule(doc)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_SAVE)
    def did_save(ls: "LanguageServer", params: types.DidSaveNotebookDocumentParams) -> None:
        doc = session.documents.get(params.notebook_document.uri)
        if isinstance(doc, NotebookDocument):
            diags.schedule(doc, immediate=True)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CLOSE)
    def did_close(ls: "LanguageServer", params: types.DidCloseNotebookDocumentParams) -> None:
        doc = session.documents.pop(params.notebook_document.uri, None)
        if not isinstance(doc, NotebookDocument):
            return
        doc.closed = True
        diags.clear(doc)
        for c in doc.cells:
            cell_owner.pop(c.uri, None)

    _wrap_requests(server, notebook_of)


# ----- requests on cells -------------------------------------------------------------------------
def _wrap(server: "LanguageServer", method: str, translate: Callable) -> None:
    """Replace the handler registered for `method` by `translate(original, params)`."""
    features = server.protocol.fm.features
    original = features.get(method)
    if original is None:
        return

    async def call(params: Any) -> Any:
        result = original(params)
        return await result if inspect.isawaitable(result) else result

    @functools.wraps(original)
    async def wrapped(params: Any) -> Any:
        return await translate(call, params)

    features[method] = wrapped


def _wrap_requests(server: "LanguageServer", notebook_of: Callable[[str], NotebookDocument | None]) -> None:
    session = server.resilint_session  # type: ignore[attr-defined]

    def module_range(nb: NotebookDocument, uri: str, rng: types.Range) -> types.Range:
        return types.Range(start=nb.to_module(uri, rng.start), end=nb.to_module(uri, rng.end))

    def cell_edit(nb: NotebookDocument, edit: types.WorkspaceEdit | None) -> types.WorkspaceEdit | None:
        """A workspace edit on the notebook module as edits on its cells (None if one spans two)."""
        if edit is None or not edit.document_changes:
            return edit
        changes: list[Any] = []
        for change in edit.document_changes:
            if not isinstance(change, types.TextDocumentEdit) or change.text_document.uri != nb.uri:
                changes.append(change)
                continue
            per_cell: dict[str, list[types.TextEdit]] = {}
            for e in change.edits:
                placed = nb.to_cell(e.range)
                if placed is None or nb.to_module(placed[0], placed[1].end) != e.range.end:
                    return None  # an edit across cells cannot be sent to a cell
                per_cell.setdefault(placed[0], []).append(types.TextEdit(range=placed[1], new_text=e.new_text))
            for uri, edits in per_cell.items():
                changes.append(types.TextDocumentEdit(
                    text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=nb.cell_version(uri)),
                    edits=edits))
        return types.WorkspaceEdit(document_changes=changes)

    def retarget(params: Any, nb: NotebookDocument) -> Any:
        return attrs.evolve(params, text_document=types.TextDocumentIdentifier(uri=nb.uri))

    async def at_position(call, params: Any) -> tuple[Any, NotebookDocument | None]:
        """The handler's answer for a position in a cell, asked at that position of the
        notebook's module; (answer, the notebook, or None outside a notebook)."""
        uri = params.text_document.uri
        nb = notebook_of(uri)
        if nb is None:
            return await call(params), None
        return await call(attrs.evolve(retarget(params, nb), position=nb.to_module(uri, params.position))), nb

    async def hover(call, params: types.HoverParams):
        result, nb = await at_position(call, params)
        if nb is not None and result is not None and result.range is not None:
            placed = nb.to_cell(result.range)
            result.range = placed[1] if placed is not None and placed[0] == params.text_document.uri else None
        return result

    async def completion(call, params: types.CompletionParams):
        uri = params.text_document.uri
        result, nb = await at_position(call, params)
        if nb is None:
            return result
        for item in getattr(result, "items", None) or []:
            if isinstance(item.data, dict):
                item.data = {**item.data, "cell": uri}
        return result

    async def completion_resolve(call, item: types.CompletionItem):
        data = item.data if isinstance(item.data, dict) else {}
        nb = session.documents.get(data.get("uri", ""))
        result = await call(item)
        if isinstance(nb, NotebookDocument) and result.additional_text_edits:
            cell = data.get("cell")
            kept = []
            for e in result.additional_text_edits:
                placed = nb.to_cell(e.range)
                if placed is not None and placed[0] == cell:
                    kept.append(types.TextEdit(range=placed[1], new_text=e.new_text))
            # an import that belongs in another cell cannot be part of this cell's completion
            result.additional_text_edits = kept or None
        return result

    async def code_action(call, params: types.CodeActionParams):
        uri = params.text_document.uri
        nb = notebook_of(uri)
        if nb is None:
            return await call(params)
        moved = [attrs.evolve(d, range=module_range(nb, uri, d.range)) for d in params.context.diagnostics]
        back = {id(m): d for m, d in zip(moved, params.context.diagnostics)}
        context = attrs.evolve(params.context, diagnostics=moved)
        result = await call(attrs.evolve(retarget(params, nb), range=module_range(nb, uri, params.range), context=context))
        for action in result or []:
            if isinstance(action, types.CodeAction) and action.diagnostics:
                # the client's own (cell) diagnostics that the action answers
                action.diagnostics = [back[id(d)] for d in action.diagnostics if id(d) in back] or None
            if isinstance(action, types.CodeAction) and action.edit is not None:
                action.edit = cell_edit(nb, action.edit)
        return result

    async def code_action_resolve(call, action: types.CodeAction):
        data = action.data if isinstance(action.data, dict) else {}
        nb = session.documents.get(data.get("uri", ""))
        result = await call(action)
        if isinstance(nb, NotebookDocument) and result.edit is not None:
            result.edit = cell_edit(nb, result.edit)
        return result

    async def document_diagnostic(call, params: types.DocumentDiagnosticParams):
        uri = params.text_document.uri
        nb = notebook_of(uri)
        if nb is None:
            return await call(params)
        report = await call(retarget(params, nb))
        if isinstance(report, types.RelatedFullDocumentDiagnosticReport):
            report = types.RelatedFullDocumentDiagnosticReport(
                items=nb.split(report.items).get(uri, []), result_id=report.result_id)
            refreshed = getattr(nb, "refreshed", None)
            if refreshed != report.result_id and session.diagnostic_refresh:
                nb.refreshed = report.result_id  # type: ignore[attr-defined]
                if refreshed is not None:  # another cell may show findings from this one's edit
                    server.workspace_diagnostic_refresh(None)
        return report

    _wrap(server, types.TEXT_DOCUMENT_HOVER, hover)
    _wrap(server, types.TEXT_DOCUMENT_COMPLETION, completion)
    _wrap(server, types.COMPLETION_ITEM_RESOLVE, completion_resolve)
    _wrap(server, types.TEXT_DOCUMENT_CODE_ACTION, code_action)
    _wrap(server, types.CODE_ACTION_RESOLVE, code_action_resolve)
    _wrap(server, types.TEXT_DOCUMENT_DIAGNOSTIC, document_diagnostic)
