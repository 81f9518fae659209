"""Server logging: stderr plus `window/logMessage` at the configured level, and `$/setTrace`."""
from __future__ import annotations

import logging
import sys
import threading
from typing import TYPE_CHECKING

from lsprotocol import types

if TYPE_CHECKING:
    from pygls.lsp.server import LanguageServer

log = logging.getLogger("resilint.server")

LEVELS = {
    "error": logging.ERROR,
    "warning": logging.WARNING,
    "warn": logging.WARNING,
    "info": logging.INFO,
    "debug": logging.DEBUG,
    "trace": logging.DEBUG,
}


def _message_type(levelno: int) -> types.MessageType:
    if levelno >= logging.ERROR:
        return types.MessageType.Error
    if levelno >= logging.WARNING:
        return types.MessageType.Warning
    if levelno >= logging.INFO:
        return types.MessageType.Info
    return types.MessageType.Log


class ClientLogHandler(logging.Handler):
    """Forwards records to the client; safe to call from the analysis thread."""

    def __init__(self, server: LanguageServer, level: int = logging.INFO) -> None:
        super().__init__(level)
        self.server = server
        self.loop = None
        self.loop_thread: int | None = None
        self.connected = False
        self.setFormatter(logging.Formatter("%(message)s"))

    def attach_loop(self, loop) -> None:
        self.loop = loop
        self.loop_thread = threading.get_ident()
        self.connected = True

    def emit(self, record: logging.LogRecord) -> None:
        if not self.connected or self.loop is None:
            return
        try:
            message = self.format(record)
        except Exception:  # pragma: no cover
            return
        mtype = _message_type(record.levelno)
        if threading.get_ident() == self.loop_thread:
            self._send(mtype, message)
        else:
            try:
                self.loop.call_soon_threadsafe(self._send, mtype, message)
            except RuntimeError:  # loop closed
                pass

    def _send(self, mtype: types.MessageType, message: str) -> None:
        try:
            self.server.window_log_message(types.LogMessageParams(type=mtype, message=message))
            trace = getattr(self.server.protocol, "trace", types.TraceValue.Off)
            if trace == types.TraceValue.Verbose:
                self.server.log_trace(types.LogTraceParams(message=message))
        except Exception:  # the client went away; stderr still has it
            self.connected = False


def setup_stderr(level_name: str) -> int:
    level = LEVELS.get(level_name.lower(), logging.WARNING)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("resilint %(levelname)s: %(message)s"))
    handler.setLevel(level)
    log.addHandler(handler)
    log.setLevel(logging.DEBUG)
    log.propagate = False
    return level


def set_client_level(handler: ClientLogHandler, level_name: str) -> None:
    handler.setLevel(LEVELS.get(level_name.lower(), logging.INFO))


def register(server: LanguageServer) -> None:
    @server.feature(types.SET_TRACE)
    def set_trace(ls: LanguageServer, params: types.SetTraceParams) -> None:
        # pygls stores the value on ls.protocol.trace; logs go to $/logTrace when verbose.
        log.debug("trace set to %s", params.value)
