"""The server never imports or runs workspace code, and never follows a guide symlink out of it.

A module `evil.py` in the workspace writes a marker file when imported or executed (also via
`sitecustomize.py`, `conftest.py`, `__init__.py` and a `.pth`-looking file beside it). Files
that import and use it are opened; every feature the server offers is exercised (push and
pull diagnostics, workspace diagnostics, hovers, completions and their resolve, code actions
and their resolve, fix-all, the debug command); then the server shuts down. The marker must
not exist.
"""
from __future__ import annotations

import asyncio
from pathlib import Path

from lsp_harness import diagnostics_for, lsp, open_doc
from lsprotocol import types
from resilint.rules.knowledge import discover_guides

PAYLOAD = (
    "import pathlib\n"
    "pathlib.Path({marker!r}).write_text('executed: ' + __name__)\n"
)

USER = (
    "import evil\n"
    "import requests\n"
    "from evil import fetch\n\n\n"
    "def handler(url):\n"
    "    evil.run()\n"
    "    fetch(url)\n"
    "    return requests.get(url)\n"
    "evil.\n"
)


def plant(workspace: Path, marker: Path) -> None:
    payload = PAYLOAD.format(marker=str(marker))
    (workspace / "evil.py").write_text(payload + "def run():\n    pass\n\n\ndef fetch(url):\n    pass\n")
    (workspace / "sitecustomize.py").write_text(payload)
    (workspace / "usercustomize.py").write_text(payload)
    (workspace / "conftest.py").write_text(payload)
    (workspace / "evil.pth").write_text("import evil\n")
    pkg = workspace / "evilpkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text(payload)
    (pkg / "__main__.py").write_text(payload)
    (workspace / "setup.py").write_text(payload)
    (workspace / "pyproject.toml").write_text(
        "[build-system]\nrequires = ['evil']\nbuild-backend = 'evil'\n\n[tool.resilint]\nhttp-wrappers = ['evil.fetch']\n"
    )


async def exercise(client, workspace: Path, *, pull: bool) -> None:
    uri = (workspace / "app.py").as_uri()
    (workspace / "app.py").write_text(USER)
    (workspace / "other.py").write_text("import evil\nfrom evilpkg import thing\nevil.run()\n")
    open_doc(client, uri, USER)
    doc = types.TextDocumentIdentifier(uri=uri)
    if pull:
        await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(text_document=doc))
        await client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(previous_result_ids=[]))
    else:
        await diagnostics_for(client, uri, 1)
    for line, col in ((0, 8), (2, 6), (6, 6), (7, 5), (8, 20)):
        await client.text_document_hover_async(types.HoverParams(text_document=doc, position=types.Position(line, col)))
    completions = await client.text_document_completion_async(types.CompletionParams(
        text_document=doc, position=types.Position(9, 5)))
    items = completions.items if isinstance(completions, types.CompletionList) else (completions or [])
    for item in items[:5]:
        await client.completion_item_resolve_async(item)
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=doc, range=types.Range(types.Position(0, 0), types.Position(9, 0)),
        context=types.CodeActionContext(diagnostics=[])))
    for action in actions or []:
        if isinstance(action, types.CodeAction):
            await client.code_action_resolve_async(action)
    await client.workspace_execute_command_async(types.ExecuteCommandParams(command="resilint.debugInfo", arguments=[]))


async def test_workspace_code_is_never_executed(tmp_path: Path, workspace: Path) -> None:
    marker = tmp_path / "EXECUTED"
    plant(workspace, marker)
    for pull in (False, True):
        async with lsp(workspace, pull=pull) as client:
            await asyncio.wait_for(exercise(client, workspace, pull=pull), 60)
        assert not marker.exists(), marker.read_text()


def test_guide_symlinked_outside_the_workspace_is_not_followed(tmp_path: Path, workspace: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "secret.md"
    secret.write_text("H1: SECRET-GUIDE-TEXT Origem: outside\n", encoding="utf-8")
    (workspace / "AGENTS.md").symlink_to(secret)
    rules = workspace / ".cursor" / "rules"
    rules.mkdir(parents=True)
    (rules / "team.mdc").symlink_to(secret)
    (workspace / ".github").mkdir()
    (workspace / ".github" / "copilot-instructions.md").symlink_to(secret)
    (workspace / ".github" / "prompts").symlink_to(outside, target_is_directory=True)
    (outside / "x.prompt.md").write_text("H2: ALSO-OUTSIDE Origem: outside\n", encoding="utf-8")
    inside = workspace / ".cursor" / "rules" / "ok.mdc"
    inside.write_text("H3: inside Origem: here\n", encoding="utf-8")
    found = discover_guides(workspace)
    assert [p.resolve() for p in found] == [inside.resolve()]


async def test_hover_does_not_show_a_guide_symlinked_outside(tmp_path: Path, workspace: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("H5: SECRET-GUIDE-TEXT timeouts everywhere Origem: outside\n", encoding="utf-8")
    (workspace / "AGENTS.md").symlink_to(outside / "secret.md")
    uri = (workspace / "app.py").as_uri()
    text = "import requests\n\n\ndef fetch(url):\n    return requests.get(url)\n"
    async with lsp(workspace) as client:
        open_doc(client, uri, text)
        await diagnostics_for(client, uri, 1)
        hover = await client.text_document_hover_async(types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(4, 20)))
        assert hover is not None
        assert "SECRET-GUIDE-TEXT" not in hover.contents.value
