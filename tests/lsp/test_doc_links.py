"""Rule links in the editor (a real server via pytest-lsp): `codeDescription.href` and the hover's
"docs" link open the page shipped in the package (a `file:` URI), or the page under the
`resilint.docsUrl` setting."""
from __future__ import annotations

import asyncio
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lsp_harness import CALL, diagnostics_for, lsp, open_doc, wait_until
from lsprotocol import types


async def _hover(client, uri: str, line: int, character: int) -> str:
    result = await asyncio.wait_for(client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line, character))), 20)
    assert result is not None
    return result.contents.value


async def test_default_links_open_the_shipped_docs(workspace: Path):
    uri = (workspace / "app.py").as_uri()
    async with lsp(workspace) as client:
        open_doc(client, uri, CALL)
        (diag,) = await diagnostics_for(client, uri, 1)
        href = diag.code_description.href
        assert href.startswith("file:") and href.endswith("/docs/rules/RES001.md")
        page = Path(unquote(urlsplit(href).path))
        assert page.is_file() and page.read_text(encoding="utf-8").startswith("# http-call-without-timeout (RES001)")
        assert f"]({href})" in await _hover(client, uri, 4, 20)


async def test_docs_url_setting(workspace: Path):
    base = "https://docs.internal.test/resilint/docs"
    uri = (workspace / "app.py").as_uri()
    async with lsp(workspace, configuration={"": {"resilint": {"docsUrl": base}}}) as client:
        open_doc(client, uri, CALL)
        await diagnostics_for(client, uri, 1)
        want = f"{base}/rules/RES001.md"

        def latest_href():  # the first publication may come before workspace/configuration
            diags = [d for u, _, ds in client.published if u == uri for d in ds]
            return diags and diags[-1].code_description.href == want

        await wait_until(latest_href, what="codeDescription under docsUrl")
        md = await _hover(client, uri, 4, 20)
        assert f"]({base}/rules/RES001.md)" in md and f"]({base}/guide/playbooks/" in md
