"""A buffer closed without saving leaves the workspace index (issue 17, defect 6).

The index takes an open document's text. After `didClose` it must read the file on disk again,
or forget a module that exists nowhere, or other modules keep resolving names against text the
user threw away.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from lsp_harness import HTTP, HTTP_BOUNDED, change, full, lsp, open_doc, wait_until
from lsprotocol import types

SERVICE = "from app.{module} import session\n\n\ndef load(url):\n    return session.get(url).json()\n"


@pytest.fixture
def project(workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("RESILINT_CACHE_DIR", str(tmp_path / "cache"))
    for rel, text in {"app/__init__.py": "", "app/http.py": HTTP,
                      "app/service.py": SERVICE.format(module="http"),
                      "app/later.py": SERVICE.format(module="draft")}.items():
        (workspace / rel).parent.mkdir(parents=True, exist_ok=True)
        (workspace / rel).write_text(text)
    return workspace


def res001(client, uri: str) -> list[types.Diagnostic] | None:
    for u, _v, diags in reversed(client.published):
        if u == uri:
            return [d for d in diags if d.code == "RES001"]
    return None


def close(client, uri: str) -> None:
    client.text_document_did_close(types.DidCloseTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))


async def test_closing_an_unsaved_edit_restores_the_text_on_disk(project: Path) -> None:
    async with lsp(project) as client:
        service = (project / "app/service.py").as_uri()
        open_doc(client, service, SERVICE.format(module="http"))
        await wait_until(lambda: res001(client, service), what="cross-module RES001")
        http = (project / "app/http.py").as_uri()
        open_doc(client, http, HTTP)
        change(client, http, 2, full(HTTP_BOUNDED))  # never saved
        await wait_until(lambda: res001(client, service) == [], what="RES001 cleared by the unsaved edit")
        close(client, http)  # the edit is thrown away: http.py on disk has no adapter
        await wait_until(lambda: res001(client, service), what="RES001 back after closing without saving")


async def test_closing_a_never_saved_module_forgets_it(project: Path) -> None:
    async with lsp(project) as client:
        later = (project / "app/later.py").as_uri()
        open_doc(client, later, SERVICE.format(module="draft"))
        await wait_until(lambda: res001(client, later) == [], what="first publish of later.py")
        draft = (project / "app/draft.py").as_uri()  # no such file on disk
        open_doc(client, draft, HTTP)
        await wait_until(lambda: res001(client, later), what="RES001 through the unsaved draft module")
        close(client, draft)
        await wait_until(lambda: res001(client, later) == [], what="RES001 gone once the draft is closed")
