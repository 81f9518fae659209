"""Snippet completion against the real server process: items, resolve adds the imports."""
from __future__ import annotations

from pathlib import Path

from lsprotocol import types
from lsp_harness import diagnostics_for, lsp, open_doc


async def complete(client, uri: str, line: int, character: int) -> list[types.CompletionItem]:
    result = await client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=line, character=character)))
    if isinstance(result, types.CompletionList):
        return list(result.items)
    return list(result or [])


async def test_snippet_completion_with_imports(workspace: Path) -> None:
    text = '"""Service."""\nimport os\n\nretry\n'
    uri = (workspace / "s.py").as_uri()
    async with lsp(workspace) as client:
        open_doc(client, uri, text)
        await diagnostics_for(client, uri, 1)
        items = await complete(client, uri, 3, 5)
        by_label = {i.label: i for i in items}
        item = by_label["retry-tenacity"]
        assert item.insert_text_format == types.InsertTextFormat.Snippet
        assert "stop=stop_after_attempt(${1:3})" in (item.insert_text or "")
        resolved = await client.completion_item_resolve_async(item)
        edits = resolved.additional_text_edits or []
        assert [e.new_text for e in edits] == ["\nfrom tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential_jitter\n"] or \
            "from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential_jitter" in "".join(e.new_text for e in edits)
        assert {"asyncio-timeout", "gather-bounded", "post-idempotent", "breaker-pybreaker"} <= set(by_label)


async def test_snippet_respelled_for_a_module_import(workspace: Path) -> None:
    text = "import asyncio\n\n\nasync def f():\n    \n"
    uri = (workspace / "t.py").as_uri()
    async with lsp(workspace) as client:
        open_doc(client, uri, text)
        await diagnostics_for(client, uri, 1)
        items = {i.label: i for i in await complete(client, uri, 4, 4)}
        resolved = await client.completion_item_resolve_async(items["asyncio-timeout"])
        assert not resolved.additional_text_edits  # asyncio is already imported
        assert resolved.insert_text.startswith("async with asyncio.timeout(${1:10}):")
        assert not await complete(client, uri, 0, 10)  # not where a statement starts
