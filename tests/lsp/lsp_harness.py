"""pytest-lsp harness (helpers): a real `python -m resilint.server.serve` process per session."""
from __future__ import annotations

import asyncio
import contextlib
import copy
import os
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

SERVER = [sys.executable, "-m", "resilint.server.serve"]
TIMEOUT = 20.0

CALL = "import requests\n\n\ndef fetch(url):\n    return requests.get(url)\n"
# A module-level session other modules import (cross-module tests).
HTTP = "import requests\n\nsession = requests.Session()\n"
# A mounted adapter that sets a default timeout: the index leaves such a session unresolved.
HTTP_BOUNDED = """\
import requests
from requests.adapters import HTTPAdapter


class TimeoutAdapter(HTTPAdapter):
    def send(self, request, **kwargs):
        kwargs.setdefault("timeout", 5)
        return super().send(request, **kwargs)


session = requests.Session()
session.mount("https://", TimeoutAdapter())
"""


class RecordingClient(LanguageClient):
    """Also records the version of each publishDiagnostics and the registrations."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.published: list[tuple[str, int | None, list[types.Diagnostic]]] = []
        self.registrations: list[types.Registration] = []


def _publish(client: RecordingClient, params: types.PublishDiagnosticsParams) -> None:
    client.diagnostics[params.uri] = params.diagnostics
    client.published.append((params.uri, params.version, list(params.diagnostics)))


def _register(client: RecordingClient, params: types.RegistrationParams) -> None:
    client.registrations.extend(params.registrations)


def _make_client() -> RecordingClient:
    client = RecordingClient(converter_factory=default_converter)
    features = dict(DEFAULT_CLIENT_FEATURES)
    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = _publish
    features[types.CLIENT_REGISTER_CAPABILITY] = _register
    register_lsp_features(client, features)
    return client


def capabilities(*, pull: bool = False, encodings: list[str] | None = None,
                 configuration: bool = True, notebooks: bool = False) -> types.ClientCapabilities:
    caps = copy.deepcopy(client_capabilities("visual-studio-code"))
    if notebooks:  # what VS Code 1.100 sends (pytest-lsp's snapshot has no notebook support)
        caps.notebook_document = types.NotebookDocumentClientCapabilities(
            synchronization=types.NotebookDocumentSyncClientCapabilities(
                dynamic_registration=True, execution_summary_support=True))
    if pull:
        caps.text_document.diagnostic = types.DiagnosticClientCapabilities(dynamic_registration=False)
    else:
        caps.text_document.diagnostic = None
    if encodings is not None:
        caps.general = types.GeneralClientCapabilities(position_encodings=encodings)
    caps.workspace.configuration = configuration
    return caps


@contextlib.asynccontextmanager
async def lsp(root: Path, *, pull: bool = False, encodings: list[str] | None = None,
              init_options: dict | None = None, configuration: dict | None = None,
              config_support: bool = True, folders: list[Path] | None = None,
              server_command: list[str] | None = None, server_env: dict[str, str] | None = None,
              notebooks: bool = False) -> AsyncIterator[RecordingClient]:
    env = dict(os.environ if server_env is None else server_env)
    config = ClientServerConfig(server_command=server_command or SERVER, client_factory=_make_client, server_env=env)
    client: RecordingClient = await config.start()  # type: ignore[assignment]
    for scope, value in (configuration or {}).items():  # {scope URI or "": {"resilint": {...}}}
        client.set_configuration(value, scope_uri=scope or None)
    try:
        result = await client.initialize_session(types.InitializeParams(
            capabilities=capabilities(pull=pull, encodings=encodings, configuration=config_support,
                                      notebooks=notebooks),
            root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=f.as_uri(), name=f.name) for f in (folders or [root])],
            initialization_options=init_options,
        ))
        client.init_result = result  # type: ignore[attr-defined]
        yield client
    finally:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(client.shutdown_session(), 10)
        await client.stop()


async def wait_until(predicate: Callable[[], Any], timeout: float = TIMEOUT, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)


async def diagnostics_for(client: RecordingClient, uri: str, version: int | None) -> list[types.Diagnostic]:
    """The diagnostics published for exactly `version` of `uri` (latest such publication)."""

    def found():
        for u, v, diags in reversed(client.published):
            if u == uri and v == version:
                return (diags,)
        return None

    return (await wait_until(found, what=f"diagnostics for {uri} v{version}"))[0]


def open_doc(client: LanguageClient, uri: str, text: str, version: int = 1, language: str = "python") -> None:
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id=language, version=version, text=text)))


def change(client: LanguageClient, uri: str, version: int, *changes: Any) -> None:
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=list(changes)))


def edit(sl: int, sc: int, el: int, ec: int, text: str) -> types.TextDocumentContentChangePartial:
    return types.TextDocumentContentChangePartial(
        range=types.Range(start=types.Position(line=sl, character=sc), end=types.Position(line=el, character=ec)),
        text=text)


def full(text: str) -> types.TextDocumentContentChangeWholeDocument:
    return types.TextDocumentContentChangeWholeDocument(text=text)


def codes(diags: list[types.Diagnostic]) -> list[tuple[str, int, int]]:
    return sorted((str(d.code), d.range.start.line, d.range.start.character) for d in diags)
