"""Cross-module findings in the editor: the server's workspace index (server/indexing.py)."""
from __future__ import annotations

from pathlib import Path

import pytest
from lsp_harness import HTTP, HTTP_BOUNDED, RecordingClient, change, full, lsp, open_doc, wait_until
from lsprotocol import types

SERVICE = """\
from app.http import session


def load(url):
    return session.get(url).json()
"""
CLIENTS = "from openai import OpenAI\n\nclient = OpenAI()\n"
ASK = """\
from app.clients import client


def ask(question):
    return client.chat.completions.create(model="gpt-4o", messages=[], max_tokens=100)
"""


@pytest.fixture
def project(workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("RESILINT_CACHE_DIR", str(tmp_path / "cache"))
    for rel, text in {"app/__init__.py": "", "app/http.py": HTTP, "app/service.py": SERVICE,
                      "app/clients.py": CLIENTS, "app/ask.py": ASK}.items():
        path = workspace / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return workspace


def latest(client: RecordingClient, uri: str) -> list[types.Diagnostic] | None:
    for u, _v, diags in reversed(client.published):
        if u == uri:
            return diags
    return None


def with_code(client: RecordingClient, uri: str, code: str) -> list[types.Diagnostic]:
    return [d for d in latest(client, uri) or [] if d.code == code]


async def res001_in_service(client: RecordingClient, project: Path) -> types.Diagnostic:
    uri = (project / "app/service.py").as_uri()
    open_doc(client, uri, SERVICE)
    # The first publish may come before the index is ready; the enriched one follows.
    (diag,) = await wait_until(lambda: with_code(client, uri, "RES001"), what="cross-module RES001")
    return diag


async def test_res001_on_a_session_from_another_module_with_related_information(project: Path) -> None:
    async with lsp(project) as client:
        diag = await res001_in_service(client, project)
        assert (diag.range.start.line, diag.range.start.character) == (4, 11)
        (related,) = diag.related_information
        assert related.location.uri == (project / "app/http.py").resolve().as_uri()
        start = related.location.range.start
        assert (start.line, start.character) == (2, 10)  # `requests.Session()` in http.py
        assert "app.http.session" in related.message


async def test_editing_and_saving_the_defining_module_clears_the_use(project: Path) -> None:
    async with lsp(project) as client:
        await res001_in_service(client, project)
        service_uri = (project / "app/service.py").as_uri()
        http = project / "app/http.py"
        open_doc(client, http.as_uri(), HTTP)
        change(client, http.as_uri(), 2, full(HTTP_BOUNDED))
        http.write_text(HTTP_BOUNDED)
        client.text_document_did_save(types.DidSaveTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=http.as_uri())))
        await wait_until(lambda: latest(client, service_uri) is not None
                         and not with_code(client, service_uri, "RES001"), what="RES001 cleared in service.py")
        # and back: the open dependent is re-published again
        change(client, http.as_uri(), 3, full(HTTP))
        await wait_until(lambda: with_code(client, service_uri, "RES001"), what="RES001 back in service.py")


async def test_a_change_on_disk_reported_by_the_watcher_updates_open_dependents(project: Path) -> None:
    async with lsp(project) as client:
        await res001_in_service(client, project)
        service_uri = (project / "app/service.py").as_uri()
        http = project / "app/http.py"
        http.write_text(HTTP_BOUNDED)
        client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
            types.FileEvent(uri=http.as_uri(), type=types.FileChangeType.Changed)]))
        await wait_until(lambda: not with_code(client, service_uri, "RES001"), what="RES001 cleared by the watcher")
        http.unlink()
        client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
            types.FileEvent(uri=http.as_uri(), type=types.FileChangeType.Deleted)]))
        http.write_text(HTTP)
        client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
            types.FileEvent(uri=http.as_uri(), type=types.FileChangeType.Created)]))
        await wait_until(lambda: with_code(client, service_uri, "RES001"), what="RES001 back after re-creation")


async def test_llm001_fires_at_the_construction_with_the_uses_in_other_modules(project: Path) -> None:
    async with lsp(project) as client:
        uri = (project / "app/clients.py").as_uri()
        open_doc(client, uri, CLIENTS)
        (diag,) = await wait_until(
            lambda: [d for d in with_code(client, uri, "LLM001") if d.related_information],
            what="LLM001 with related uses")
        assert (diag.range.start.line, diag.range.start.character) == (2, 9)
        (related,) = diag.related_information
        assert related.location.uri == (project / "app/ask.py").resolve().as_uri()
        assert related.location.range.start.line == 4  # `client.chat...` in ask.py
        # a new use in ask.py (open, edited) is listed at the construction once it is indexed
        ask = project / "app/ask.py"
        open_doc(client, ask.as_uri(), ASK)
        change(client, ask.as_uri(), 2, full(ASK + "\n\ndef again():\n    return client.models.list()\n"))
        await wait_until(lambda: [len(d.related_information or []) for d in with_code(client, uri, "LLM001")] == [2],
                         what="LLM001 listing the new use")
        change(client, uri, 2, full(CLIENTS.replace("OpenAI()", "OpenAI(timeout=30)")))
        await wait_until(lambda: latest(client, uri) is not None and not with_code(client, uri, "LLM001"),
                         what="LLM001 cleared by a timeout")


async def test_the_cache_is_written_on_save_outside_the_project(project: Path, tmp_path: Path) -> None:
    async with lsp(project) as client:
        await res001_in_service(client, project)
        client.text_document_did_save(types.DidSaveTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=(project / "app/service.py").as_uri())))
        await wait_until(lambda: (tmp_path / "cache" / "index.json").exists(), what="index.json")
    assert not [p for p in project.rglob("*") if p.name == "index.json"]
