"""End-to-end hover tests: a real `python -m resilint.server.serve` process via pytest-lsp."""
from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

from lsp_harness import _make_client, capabilities, diagnostics_for, open_doc
from lsprotocol import types
from pytest_lsp import ClientServerConfig

SERVER = [sys.executable, "-m", "resilint.server.serve"]
GUIDES = Path(__file__).resolve().parent.parent / "data" / "guides"

CALL = "import requests\n\n\ndef fetch(url):\n    return requests.get(url)\n"
SUPPRESSED = "import requests\n\n\ndef fetch(url):\n    return requests.get(url)  # resilint: ignore[RES001]\n"
TENACITY = (
    "import tenacity\n\n\n"
    "@tenacity.retry(stop=tenacity.stop_after_attempt(3), wait=tenacity.wait_random_exponential(max=5),"
    " retry=tenacity.retry_if_exception_type(IOError))\n"
    "def f():\n    pass\n"
)


@contextlib.asynccontextmanager
async def server(root: Path, *, locale: str | None = None, encodings: list[str] | None = None) -> AsyncIterator:
    env = dict(os.environ)
    env.setdefault("RESILINT_DEBOUNCE_MS", "0")
    config = ClientServerConfig(server_command=SERVER, client_factory=_make_client, server_env=env)
    client = await config.start()
    try:
        client.init_result = await client.initialize_session(types.InitializeParams(
            capabilities=capabilities(encodings=encodings),
            root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
            locale=locale,
        ))
        yield client
    finally:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(client.shutdown_session(), 10)
        await client.stop()


async def hover(client, uri: str, line: int, character: int) -> str | None:
    result = await asyncio.wait_for(client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        position=types.Position(line=line, character=character))), 20)
    if result is None:
        return None
    assert isinstance(result.contents, types.MarkupContent)
    assert result.contents.kind == types.MarkupKind.Markdown
    return result.contents.value


async def test_capability_and_finding_hover_en(workspace: Path):
    uri = (workspace / "app.py").as_uri()
    async with server(workspace) as client:
        assert client.init_result.capabilities.hover_provider
        open_doc(client, uri, CALL)
        diags = await diagnostics_for(client, uri, 1)
        assert [d.code for d in diags] == ["RES001"]
        md = await hover(client, uri, 4, 20)  # on `requests.get`
        assert md is not None
        assert "RES001" in md and "http-call-without-timeout" in md
        assert "Why it matters" in md
        assert "timeout=10" in md  # the fix, before/after
        assert "**H5**" in md
        assert "docs/guide/playbooks/incident.md" in md
        assert len(md) <= 6000 and "<" not in md and "command:" not in md


async def test_finding_hover_pt_br(workspace: Path):
    uri = (workspace / "app.py").as_uri()
    async with server(workspace, locale="pt-BR") as client:
        open_doc(client, uri, CALL)
        await diagnostics_for(client, uri, 1)
        md = await hover(client, uri, 4, 20)
        assert md is not None and "RES001" in md
        assert "Por que importa" in md
        assert "Heurística" in md
        assert "Como corrigir" in md


async def test_hover_on_suppression_code(workspace: Path):
    uri = (workspace / "app.py").as_uri()
    async with server(workspace) as client:
        open_doc(client, uri, SUPPRESSED)
        await diagnostics_for(client, uri, 1)
        col = SUPPRESSED.splitlines()[4].index("RES001") + 2
        md = await hover(client, uri, 4, col)
        assert md is not None
        assert "RES001" in md and "suppresses" in md
        # outside any code, finding or API: nothing
        assert await hover(client, uri, 1, 0) is None


async def test_hover_on_api_without_finding(workspace: Path):
    uri = (workspace / "jobs.py").as_uri()
    async with server(workspace) as client:
        open_doc(client, uri, TENACITY)
        assert await diagnostics_for(client, uri, 1) == []  # no finding: the hover is the API's doc
        md = await hover(client, uri, 3, 12)  # `retry` of `@tenacity.retry(...)`
        assert md is not None
        assert md.startswith("**`tenacity.retry`**")
        assert "stop=" in md


async def test_hover_with_team_guide(workspace: Path):
    (workspace / "AGENTS.md").write_text(
        "# Team rules\n\nH5: Timeouts everywhere, <b>no exceptions</b> [x](command:evil) Origem: SRE\n",
        encoding="utf-8",
    )
    gh = workspace / ".github"
    gh.mkdir()
    (gh / "copilot-instructions.md").write_bytes((GUIDES / "004_fault_tolerance.prompt.md").read_bytes())
    uri = (workspace / "app.py").as_uri()
    async with server(workspace) as client:
        open_doc(client, uri, CALL)
        await diagnostics_for(client, uri, 1)
        md = await hover(client, uri, 4, 20)
        assert md is not None
        assert "Your team's guide" in md
        assert "Timeouts everywhere" in md
        assert "AGENTS.md:1" in md.replace("\\", "") or "AGENTS.md:3" in md.replace("\\", "")
        assert "<b>" not in md and "command:" not in md
        assert "Construção" in md  # the seed guide's title, repaired from mojibake
        assert "Timeouts e limites obrigatórios" in md  # its T§6, verbatim


async def test_pyproject_locale_beats_client_locale(workspace: Path):
    (workspace / "pyproject.toml").write_text('[tool.resilint]\nlocale = "pt-BR"\n', encoding="utf-8")
    uri = (workspace / "app.py").as_uri()
    async with server(workspace, locale="en-US") as client:
        open_doc(client, uri, CALL)
        await diagnostics_for(client, uri, 1)
        md = await hover(client, uri, 4, 20)
        assert md is not None and "Por que importa" in md


async def test_hover_positions_in_utf8_and_utf16(workspace: Path):
    text = "import requests\n\n\ndef fetch(url):\n    s = '😀ção'; return requests.get(url)\n"
    line = text.splitlines()[4]
    char = line.index("requests.get") + 10  # in characters (code points)
    units = {
        "utf-8": len(line[:char].encode("utf-8")),
        "utf-16": len(line[:char].encode("utf-16-le")) // 2,
    }
    for encoding, col in units.items():
        uri = (workspace / f"app_{encoding}.py").as_uri()
        async with server(workspace, encodings=[encoding]) as client:
            assert client.init_result.capabilities.position_encoding == encoding
            open_doc(client, uri, text)
            await diagnostics_for(client, uri, 1)
            md = await hover(client, uri, 4, col)
            assert md is not None and "RES001" in md, encoding
