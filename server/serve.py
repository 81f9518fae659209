"""`resilint serve`: the language server entry point (stdio, or `--tcp HOST:PORT`).

Also runnable as `python -m resilint.server.serve`.
"""
from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import sys
from typing import Any

from . import startup

# The imports below create some 50,000 objects that live as long as the process: the collector's
# full passes over them while they load cost a tenth of the start-up. The young generations
# still collect the imports' garbage; full passes wait, and the survivors are then frozen.
_gc_thresholds = gc.get_threshold()
gc.set_threshold(_gc_thresholds[0], _gc_thresholds[1], 1 << 30)
startup.enable()  # before lsprotocol loads: its attrs classes compile from a cache (server/startup.py)

from lsprotocol import types  # noqa: E402
from pygls.capabilities import ServerCapabilitiesBuilder  # noqa: E402
from pygls.lsp.server import LanguageServer  # noqa: E402

from . import code_actions, commands, completion, logs, notebooks  # noqa: E402
from . import diagnostics as diagnostics_mod  # noqa: E402
from . import hover as hover_feature  # noqa: E402
from .diagnostics import Diagnostics  # noqa: E402
from .indexing import ServerIndexes  # noqa: E402
from .documents import Document  # noqa: E402
from .protocol import DEFAULT_MAX_MESSAGE_SIZE, ResilintServer  # noqa: E402
from .session import Session  # noqa: E402
from .workspace_settings import parse_settings  # noqa: E402

startup.finish()
gc.set_threshold(*_gc_thresholds)
gc.freeze()

log = logging.getLogger("resilint.server")

PYPROJECT_GLOB = "**/pyproject.toml"
PYTHON_GLOB = "**/*.py"


def _choose_position_encoding(cls, capabilities: types.ClientCapabilities) -> str:
    """UTF-8 whenever the client offers it (no conversion on ASCII-heavy code), else UTF-16,
    else UTF-32 when that is all the client offers (every position path supports all three).

    pygls would follow the client's order (and might pick UTF-32); ruff picks UTF-8 first.
    """
    general = capabilities.general
    offered = (general.position_encodings if general is not None else None) or []
    if types.PositionEncodingKind.Utf8 in offered:
        return types.PositionEncodingKind.Utf8
    if types.PositionEncodingKind.Utf32 in offered and types.PositionEncodingKind.Utf16 not in offered:
        return types.PositionEncodingKind.Utf32
    return types.PositionEncodingKind.Utf16


# The server process runs only this server: choose the encoding for pygls' negotiation.
ServerCapabilitiesBuilder.choose_position_encoding = classmethod(_choose_position_encoding)  # type: ignore[assignment]


def _version() -> str:
    from . import __version__

    return __version__


def create_server(client_log_level: str = "info") -> LanguageServer:
    server = ResilintServer("resilint", _version(), text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
                            notebook_document_sync=notebooks.SYNC_OPTIONS)
    session = Session()
    diags = Diagnostics(server, session)
    diags.indexes = indexes = ServerIndexes(session, diags)
    client_log = logs.ClientLogHandler(server, logs.LEVELS.get(client_log_level, logging.INFO))
    log.addHandler(client_log)
    log.setLevel(logging.DEBUG)
    server.resilint_session = session  # type: ignore[attr-defined]
    server.resilint_diagnostics = diags  # type: ignore[attr-defined]

    def show_settings_errors() -> None:
        for settings in session.all_settings():
            for message in settings.errors:
                if message not in session.shown_messages:
                    session.shown_messages.add(message)
                    log.warning("%s", message)
                    server.window_show_message(types.ShowMessageParams(
                        type=types.MessageType.Warning, message=f"resilint: {message}"))
        logs.set_client_level(client_log, session.base_settings().log_level)

    # ---- lifecycle ----
    @server.feature(types.INITIALIZE)
    def initialize(ls: LanguageServer, params: types.InitializeParams) -> None:
        client_log.attach_loop(asyncio.get_running_loop())
        session.capabilities = params.capabilities
        session.client_info = params.client_info
        session.client_locale = params.locale
        session.encoding = ls.workspace.position_encoding or types.PositionEncodingKind.Utf16
        session.set_folders(params)
        session.init_options = params.initialization_options
        session.init_settings = parse_settings(params.initialization_options, validate=False)
        logs.set_client_level(client_log, session.init_settings.log_level)
        log.info("resilint %s: position encoding %s, %s diagnostics, %d workspace folder(s)",
                 _version(), getattr(session.encoding, "value", session.encoding), "pull" if session.pull_diagnostics else "push",
                 len(session.folders))
        # Load the rules while the client handles the response (after it is sent, not before).
        asyncio.get_running_loop().call_soon(diags.warm_up)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: LanguageServer, params: types.InitializedParams) -> None:
        session.init_settings = parse_settings(session.init_options)  # lint options validated now
        diags.warm_up()
        indexes.start()
        show_settings_errors()
        if session.dynamic_watch:
            try:
                await ls.client_register_capability_async(types.RegistrationParams(registrations=[
                    types.Registration(
                        id="resilint-pyproject-watcher",
                        method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                        register_options=types.DidChangeWatchedFilesRegistrationOptions(
                            watchers=[types.FileSystemWatcher(glob_pattern=PYPROJECT_GLOB),
                                  types.FileSystemWatcher(glob_pattern=PYTHON_GLOB)]),
                    )
                ]))
            except Exception as exc:  # the client refused; config reloads on save still work
                log.info("could not register the pyproject.toml watcher: %s", exc)
        if await pull_configuration(ls):
            diags.reanalyse_all()

    async def pull_configuration(ls: LanguageServer) -> bool:
        if not session.supports_configuration:
            return False
        items = [types.ConfigurationItem(section="resilint")]
        items += [types.ConfigurationItem(scope_uri=f.uri, section="resilint") for f in session.folders]
        try:
            result = await ls.workspace_configuration_async(types.ConfigurationParams(items=items))
        except Exception as exc:
            log.warning("workspace/configuration failed: %s", exc)
            return False
        result = list(result or [])
        result += [None] * (len(items) - len(result))
        log.debug("workspace/configuration: %s", result)
        changed = session.apply_configuration(result[0], result[1:])
        show_settings_errors()
        return changed

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: LanguageServer, params: Any) -> None:
        session.shutting_down = True
        indexes.shutdown()
        for doc in session.documents.values():
            if doc.pending is not None:
                doc.pending.cancel()
        diags.executor.shutdown(wait=False, cancel_futures=True)

    # ---- text sync ----
    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: LanguageServer, params: types.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        old = session.documents.get(item.uri)
        if old is not None:
            old.closed = True
        doc = Document(item.uri, item.language_id, item.version, item.text)
        session.documents[item.uri] = doc
        diags.workspace.opened(item.uri)
        diags.schedule(doc, immediate=True)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: LanguageServer, params: types.DidChangeTextDocumentParams) -> None:
        doc = session.documents.get(params.text_document.uri)
        if doc is None:
            return
        for change in params.content_changes:
            doc.apply_change(change, session.encoding)
        doc.version = params.text_document.version
        diags.schedule(doc)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))
    def did_save(ls: LanguageServer, params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        if uri.endswith("/pyproject.toml"):
            config_changed()
            return
        doc = session.documents.get(uri)
        if doc is not None:
            diags.schedule(doc, immediate=True)
        indexes.saved()

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: LanguageServer, params: types.DidCloseTextDocumentParams) -> None:
        doc = session.documents.pop(params.text_document.uri, None)
        if doc is not None:
            doc.closed = True
            diags.clear(doc)
            indexes.document_closed(doc)

    # ---- configuration ----
    def config_changed() -> None:
        session.invalidate()
        diags.recheck_config_files()
        diags.reanalyse_all()

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(ls: LanguageServer, params: types.DidChangeConfigurationParams) -> None:
        if session.supports_configuration:
            await pull_configuration(ls)
        else:
            raw = params.settings
            if isinstance(raw, dict) and "resilint" in raw:
                raw = raw["resilint"]
            session.apply_configuration(raw if isinstance(raw, dict) else None, [])
            show_settings_errors()
        log.info("settings changed; re-analysing %d open document(s)", len(session.documents))
        config_changed()

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: LanguageServer, params: types.DidChangeWatchedFilesParams) -> None:
        indexes.files_changed(params.changes)
        if any(c.uri.endswith("pyproject.toml") for c in params.changes):
            log.info("pyproject.toml changed; re-analysing %d open document(s)", len(session.documents))
            config_changed()

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    def did_change_folders(ls: LanguageServer, params: types.DidChangeWorkspaceFoldersParams) -> None:
        from .documents import uri_to_path
        from .session import Folder

        removed = {f.uri for f in params.event.removed}
        session.folders = [f for f in session.folders if f.uri not in removed]
        session.folders += [Folder(f.uri, uri_to_path(f.uri)) for f in params.event.added]
        config_changed()
        indexes.folders_changed()

    diagnostics_mod.register(server, diags)
    commands.register(server, session)
    logs.register(server)
    hover_feature.register(server)
    code_actions.register(server)
    completion.register(server)
    notebooks.register(server)  # last: it wraps the request handlers above for notebook cells
    return server


def _parse_tcp(value: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    try:
        return host or "127.0.0.1", int(port)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, got {value!r}") from None


def _size(value: str) -> int:
    try:
        size = int(value)
    except ValueError:
        size = 0
    if size <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive number of bytes, got {value!r}")
    return size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="resilint serve", description="Run the resilint language server.")
    parser.add_argument("--stdio", action="store_true", help="use stdio (the default; accepted for LSP clients that pass it)")
    parser.add_argument("--tcp", type=_parse_tcp, metavar="HOST:PORT", help="listen on TCP instead of stdio")
    parser.add_argument("--log-level", default="warning", choices=sorted(logs.LEVELS),
                        help="stderr log level; also the initial window/logMessage level")
    parser.add_argument("--max-message-size", type=_size, default=DEFAULT_MAX_MESSAGE_SIZE, metavar="BYTES",
                        help="drop (and log) a JSON-RPC message longer than this (default: 64 MiB)")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    logs.setup_stderr(args.log_level)
    client_level = args.log_level if args.log_level in ("debug", "trace") else "info"
    server = create_server(client_level)
    server.max_message_size = args.max_message_size
    if args.tcp:
        host, port = args.tcp
        log.warning("resilint language server listening on %s:%d", host, port)
        server.start_tcp(host, port)
    else:
        server.start_io()
    return server.exit_code


if __name__ == "__main__":
    sys.exit(main())
