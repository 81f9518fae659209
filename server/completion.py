"""Completion of resilience snippets (`register(server)`): the snippets of
`rules/fixes/snippets.json` (the same ones as `snippets/python.code-snippets`) as completion
items with `InsertTextFormat.Snippet`.

Offered where a statement starts (only whitespace before the word being typed). The imports a
snippet needs are computed on `completionItem/resolve` with `ensure_import` (parsing only the
file's import header, see docs/fixes.md) and sent as `additionalTextEdits`; a name already
imported another way is respelled in the inserted text (`import tenacity` → `tenacity.retry`).
"""
from __future__ import annotations

import asyncio
import logging
import re
from typing import TYPE_CHECKING

from lsprotocol import types

from resilint.rules.model import Span

from .convert import to_range
from .documents import Document, client_col_to_char

if TYPE_CHECKING:
    from pygls.lsp.server import LanguageServer

log = logging.getLogger("resilint.server")
_WORD_BEFORE = re.compile(r"^(\s*)([\w-]*)$")


def import_edits(text: str, path: str, settings, imports) -> tuple[list, dict[str, str]]:
    """(edits adding the imports, {name: local spelling}) for a document text."""
    from resilint.rules.fixes import FixDocument

    doc = FixDocument(text, path, settings)
    if not doc.focus(Span(0, 0, 0, 0)):
        return [], {}
    module = doc.module
    spelled: dict[str, str] = {}
    for mod, name in imports:
        module, local = doc.ensure_import(module, mod, name)
        spelled[name or mod] = local
    return list(doc.edits_from(module)), spelled


def register(server: "LanguageServer") -> None:
    session = server.resilint_session  # type: ignore[attr-defined]

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(resolve_provider=True, trigger_characters=[]),
    )
    def completion(ls: "LanguageServer", params: types.CompletionParams) -> types.CompletionList | None:
        doc = session.documents.get(params.text_document.uri)
        if doc is None or doc.closed or not doc.is_python():
            return None
        pos = params.position
        lines = doc.line_view
        if pos.line >= len(lines):
            return None
        line = lines[pos.line]
        col = client_col_to_char(line, pos.character, session.encoding)
        if not _WORD_BEFORE.match(line[:col]):
            return None
        from resilint.rules.fixes.snippets import load

        items = []
        for i, snip in enumerate(load()):
            items.append(types.CompletionItem(
                label=snip.prefix,
                kind=types.CompletionItemKind.Snippet,
                detail=f"resilint: {snip.name}",
                documentation=types.MarkupContent(
                    kind=types.MarkupKind.Markdown,
                    value=snip.description + ("\n\n```python\n" + "\n".join(snip.import_lines()) + "\n```" if snip.imports else ""),
                ),
                insert_text=snip.body,
                insert_text_format=types.InsertTextFormat.Snippet,
                filter_text=snip.prefix,
                sort_text=f"zz-resilint-{i:02d}",
                data={"uri": doc.uri, "version": doc.version, "snippet": snip.name},
            ))
        return types.CompletionList(is_incomplete=False, items=items)

    @server.feature(types.COMPLETION_ITEM_RESOLVE)
    async def resolve(ls: "LanguageServer", item: types.CompletionItem) -> types.CompletionItem:
        data = item.data if isinstance(item.data, dict) else {}
        doc: Document | None = session.documents.get(data.get("uri", ""))
        if doc is None or doc.closed or data.get("version") != doc.version:
            return item
        from resilint.rules.fixes.snippets import load, respell

        snip = next((s for s in load() if s.name == data.get("snippet")), None)
        if snip is None or not snip.imports:
            return item
        settings = session.resolve(doc).settings
        path = str(doc.path) if doc.path else doc.uri
        try:
            edits, spelled = await asyncio.to_thread(import_edits, doc.text, path, settings, snip.imports)
        except Exception as exc:  # noqa: BLE001 - completion must never fail
            log.debug("snippet imports failed: %s", exc)
            return item
        body = snip.body
        for name, local in spelled.items():
            if "." not in name:
                body = respell(body, name, local)
        item.insert_text = body
        if edits:
            item.additional_text_edits = [
                types.TextEdit(range=to_range(e.span, doc.lines, session.encoding), new_text=e.new_text) for e in edits
            ]
        return item
