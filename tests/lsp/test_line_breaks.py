"""Issue 17, defect 1: characters that str.splitlines() breaks at but LSP does not (\\x0b, \\x0c,
\\x1c-\\x1e, \\x85, U+2028, U+2029) must not shift the server's text or positions."""
from __future__ import annotations

from pathlib import Path

import pytest
from lsp_harness import change, edit, lsp, open_doc
from lsprotocol import types

ODD = ["\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


async def _pull(client, uri):
    report = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))
    return [(d.code, d.range.start.line, d.range.start.character) for d in report.items]


@pytest.mark.parametrize("ch", ODD, ids=[f"U+{ord(c):04X}" for c in ODD])
async def test_an_edit_after_an_odd_character_lands_where_the_editor_put_it(workspace: Path, ch: str):
    uri = (workspace / "a.py").as_uri()
    line = f"x = '{ch}'; requests.get(u)"
    async with lsp(workspace, pull=True) as client:
        open_doc(client, uri, f"import requests\n{line}\n")
        assert [c for c, _, _ in await _pull(client, uri)] == ["RES001"]
        col = len(line) - 1  # before ")" (every character here is one UTF-16 unit)
        change(client, uri, 2, edit(1, col, 1, col, ", timeout=5"))
        assert await _pull(client, uri) == []
        # and a later edit still lands on the editor's text
        change(client, uri, 3, edit(1, col, 1, col + len(", timeout=5"), ""))
        assert await _pull(client, uri) == [("RES001", 1, line.index("requests"))]


async def test_a_form_feed_at_the_start_of_a_line_is_whitespace(workspace: Path):
    uri = (workspace / "b.py").as_uri()
    line = "\x0crequests.get(u)"
    async with lsp(workspace, pull=True) as client:
        open_doc(client, uri, f"import requests\n{line}\n")
        assert [c for c, _, _ in await _pull(client, uri)] == ["RES001"]
        change(client, uri, 2, edit(1, len(line) - 1, 1, len(line) - 1, ", timeout=5"))
        assert await _pull(client, uri) == []
