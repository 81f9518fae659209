"""Code actions against the real server process: quick fix + resolve, fix-all, ignore, refactors."""
from __future__ import annotations

from pathlib import Path

from lsprotocol import types
from lsp_harness import CALL, change, diagnostics_for, full, lsp, open_doc

from resilint.rules.fixes import apply_edits
from resilint.rules.model import Edit, Span


def apply_workspace_edit(text: str, edit: types.WorkspaceEdit | None) -> str:
    assert edit is not None and edit.document_changes, "the resolved action has no edit"
    edits = []
    for doc_change in edit.document_changes:
        assert isinstance(doc_change, types.TextDocumentEdit)
        for e in doc_change.edits:
            r = e.range  # the tests use ASCII text: UTF-16 columns are characters
            edits.append(Edit(Span(r.start.line, r.start.character, r.end.line, r.end.character), e.new_text))
    return apply_edits(text, edits)


async def actions_at(client, uri: str, rng: types.Range, diags: list[types.Diagnostic],
                     only: list[str] | None = None) -> list[types.CodeAction]:
    result = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=rng,
        context=types.CodeActionContext(diagnostics=diags, only=only)))
    return [a for a in (result or []) if isinstance(a, types.CodeAction)]


async def test_quick_fix_resolves_and_the_diagnostic_disappears(workspace: Path) -> None:
    uri = (workspace / "a.py").as_uri()
    async with lsp(workspace) as client:
        assert client.init_result.capabilities.code_action_provider is not None
        open_doc(client, uri, CALL)
        diags = [d for d in await diagnostics_for(client, uri, 1) if d.code == "RES001"]
        assert diags
        actions = await actions_at(client, uri, diags[0].range, diags)
        titles = [a.title for a in actions]
        assert "Ignore RES001 for this line" in titles and "Ignore RES001 in this file" in titles
        fix = next(a for a in actions if a.title.startswith("RES001:"))
        assert fix.edit is None and fix.data["span"] and fix.diagnostics
        resolved = await client.code_action_resolve_async(fix)
        new = apply_workspace_edit(CALL, resolved.edit)
        assert new == CALL.replace("requests.get(url)", "requests.get(url, timeout=10)")
        change(client, uri, 2, full(new))
        assert not [d for d in await diagnostics_for(client, uri, 2) if d.code == "RES001"]


async def test_ignore_for_this_line(workspace: Path) -> None:
    uri = (workspace / "b.py").as_uri()
    async with lsp(workspace) as client:
        open_doc(client, uri, CALL)
        diags = [d for d in await diagnostics_for(client, uri, 1) if d.code == "RES001"]
        actions = await actions_at(client, uri, diags[0].range, diags)
        ignore = next(a for a in actions if a.title == "Ignore RES001 for this line")
        new = apply_workspace_edit(CALL, (await client.code_action_resolve_async(ignore)).edit)
        assert "return requests.get(url)  # resilint: ignore[RES001]\n" in new
        change(client, uri, 2, full(new))
        assert not [d for d in await diagnostics_for(client, uri, 2) if d.code == "RES001"]
        ignore_file = next(a for a in actions if a.title == "Ignore RES001 in this file")
        resolved = await client.code_action_resolve_async(ignore_file)
        assert resolved.edit is None  # stale: the document changed since the list


async def test_fix_all_safe_only_unless_unsafe_fixes(workspace: Path) -> None:
    text = (
        "import logging\nimport requests\n\nlogger = logging.getLogger(__name__)\n\n\n"
        "def f(url):\n    try:\n        requests.get(url)\n    except Exception:\n        logger.error('failed')\n"
    )
    uri = (workspace / "c.py").as_uri()
    async with lsp(workspace) as client:
        open_doc(client, uri, text)
        await diagnostics_for(client, uri, 1)
        rng = types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0))
        actions = await actions_at(client, uri, rng, [], only=[types.CodeActionKind.SourceFixAll])
        assert [a.kind for a in actions] == ["source.fixAll.resilint"]
        new = apply_workspace_edit(text, (await client.code_action_resolve_async(actions[0])).edit)
        assert "logger.exception('failed')" in new and "timeout" not in new
    async with lsp(workspace, configuration={"": {"resilint": {"unsafeFixes": True}}}) as client:
        open_doc(client, uri, text)
        await diagnostics_for(client, uri, 1)
        actions = await actions_at(client, uri, rng, [], only=["source.fixAll.resilint"])
        new = apply_workspace_edit(text, (await client.code_action_resolve_async(actions[0])).edit)
        assert "logger.exception('failed')" in new and "requests.get(url, timeout=10)" in new


async def test_refactors_on_a_call_without_finding(workspace: Path) -> None:
    text = "import httpx\n\n\ndef fetch(url):\n    return httpx.get('https://payments.internal/x')\n"
    uri = (workspace / "d.py").as_uri()
    async with lsp(workspace) as client:
        open_doc(client, uri, text)
        assert not [d for d in await diagnostics_for(client, uri, 1) if d.code == "RES001"]
        pos = types.Position(line=4, character=14)
        actions = await actions_at(client, uri, types.Range(start=pos, end=pos), [])
        by_title = {a.title: a for a in actions}
        assert {"Add timeout", "Retry with tenacity", "Protect with a circuit breaker"} <= set(by_title)
        new = apply_workspace_edit(text, (await client.code_action_resolve_async(by_title["Add timeout"])).edit)
        assert "httpx.get('https://payments.internal/x', timeout=10)" in new
        new = apply_workspace_edit(text, (await client.code_action_resolve_async(by_title["Retry with tenacity"])).edit)
        assert "@retry(stop=stop_after_attempt(3), wait=wait_exponential_jitter(max=10), " in new
        assert "retry=retry_if_exception_type(httpx.TransportError), reraise=True)\ndef fetch" in new
        new = apply_workspace_edit(
            text, (await client.code_action_resolve_async(by_title["Protect with a circuit breaker"])).edit)
        assert "payments_breaker = pybreaker.CircuitBreaker(fail_max=5, reset_timeout=60)\n" in new
        assert "@payments_breaker\ndef fetch" in new
