"""JSON-RPC / LSP conformance that pygls 2.1.1 lacks, as a protocol subclass and a stdin wrapper.

- A request whose params do not fit the method gets -32602 InvalidParams, one for an unknown
  method without params -32601 (pygls answered nothing: the client waited forever).
- A request before `initialize` gets -32002 ServerNotInitialized; notifications other than
  `exit` are dropped (pygls ran them).
- A request after `shutdown` gets -32600 InvalidRequest (pygls dropped it silently).
- `exit` without `shutdown` ends the process with status 1 (pygls swallowed the SystemExit: 0).
- A header block with a non-numeric or missing Content-Length is skipped with one log line and
  the reader resynchronises on the next valid header (pygls read everything after it as headers).
- Futures of notifications are forgotten once done (pygls kept one per notification for ever).
"""
from __future__ import annotations

import logging
import re
import sys
from functools import partial
from typing import Any, BinaryIO

from lsprotocol import types
from pygls.exceptions import (
    JsonRpcException,
    JsonRpcInvalidParams,
    JsonRpcInvalidRequest,
    JsonRpcServerNotInitialized,
)
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.json_rpc import RPCRequest
from pygls.protocol.language_server import lsp_method

log = logging.getLogger("resilint.server.protocol")

# Stands for a message already answered while it was decoded: nothing left to dispatch.
_ANSWERED = object()

_LENGTH_HEADER = re.compile(rb"content-length[ \t]*:[ \t]*(.*?)[ \t]*\r?\n\Z", re.IGNORECASE)
_VALID_LENGTH_AT_END = re.compile(rb"content-length[ \t]*:[ \t]*(\d+)[ \t]*\r?\n\Z", re.IGNORECASE)


def _request_id(data: dict[str, Any]) -> int | str | None:
    """The id of a JSON object that is a request we can answer, else None."""
    msg_id = data.get("id")
    if isinstance(msg_id, bool) or not isinstance(msg_id, (int, str)) or not isinstance(data.get("method"), str):
        return None
    return msg_id


class ResilintProtocol(LanguageServerProtocol):
    """pygls' LSP protocol with the answers, exit status and future bookkeeping put right."""

    exit_code: int | None = None  # set by `exit`; None while running (or when stdin just closed)
    initialize_received = False

    def structure_message(self, data: dict[str, Any]) -> Any:
        if "params" not in data and "method" in data and self.get_message_type(data["method"]) is None:
            # JSON-RPC makes params optional; pygls' fallback types for methods that lsprotocol
            # does not know require it, so an unknown method without params got no answer.
            data = {**data, "params": None}
        try:
            return super().structure_message(data)
        except JsonRpcException:
            msg_id = _request_id(data)
            if msg_id is None:  # a notification: nobody to answer
                raise
            if data.get("jsonrpc") != self.VERSION:
                error: JsonRpcException = JsonRpcInvalidRequest(f"not a JSON-RPC {self.VERSION} request")
            else:  # the envelope (id, method) is valid, so what failed to structure is the params
                error = JsonRpcInvalidParams(f"invalid params for {data['method']}")
            self._send_response(msg_id, error=error.to_response_error())
            return _ANSWERED

    def handle_message(self, message: Any) -> None:
        if message is _ANSWERED or self._before_initialize(message):
            return
        reason = self._refusal(message) if isinstance(message, RPCRequest) else None
        if reason is None:
            super().handle_message(message)
        else:
            self._send_response(message.id, error=JsonRpcInvalidRequest(reason).to_response_error())

    def _before_initialize(self, message: Any) -> bool:
        """Until `initialize`: requests get -32002 ServerNotInitialized and notifications other
        than `exit` are dropped (the LSP's rule). True when `message` was dealt with here."""
        if self.initialize_received:
            return False
        method = getattr(message, "method", None)
        if method == types.INITIALIZE:
            self.initialize_received = True
            return False
        if method is None or method == types.EXIT:
            return False  # a response, or `exit`
        if isinstance(message, RPCRequest):
            error = JsonRpcServerNotInitialized(f"{method}: the server is not initialized yet")
            self._send_response(message.id, error=error.to_response_error())
        else:
            log.info("dropped %s: it came before initialize", method)
        return True

    def _refusal(self, request: RPCRequest) -> str | None:
        """Why a request gets -32600 InvalidRequest, if it does."""
        if request.jsonrpc != self.VERSION:
            return f"not a JSON-RPC {self.VERSION} request"
        if self._shutdown and request.method != types.EXIT:
            return f"{request.method}: the server is shutting down"
        return None

    def _execute_handler(self, msg_id: Any, handler: Any, callback: Any, args: Any = None, kwargs: Any = None) -> None:
        super()._execute_handler(msg_id, handler, callback, args, kwargs)
        # Requests drop their future when answered; notifications and the steps of pygls'
        # generator handlers (every didOpen/didChange/didClose) never did.
        future = self._request_futures.get(msg_id)
        if future is not None:
            future.add_done_callback(partial(self._forget, msg_id))

    def _forget(self, msg_id: Any, future: Any) -> None:
        # A cancelled one stays: pygls' shutdown cancels them while iterating over the dict
        # (and a client can only cancel requests, which pygls removes itself).
        if not future.cancelled() and self._request_futures.get(msg_id) is future:
            del self._request_futures[msg_id]

    @lsp_method(types.EXIT)
    def lsp_exit(self, *args: Any) -> Any:
        # pygls' start_io swallows the SystemExit that carries this status: main() returns it.
        self.exit_code = 0 if self._shutdown else 1
        return (yield from super().lsp_exit(*args))


class ResyncingReader:
    """stdin for pygls' reader loop: hands it only well-formed Content-Length headers.

    pygls takes a header block without a numeric Content-Length for no message at all, then
    reads that message's body (and the next header glued to it) as more header lines, and never
    finds a header again. Here such a block is skipped: everything up to the next line that ends
    with a valid Content-Length header is dropped. Bodies are read with read(n), never here.
    """

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self._in_block = False  # header lines seen since the last blank line
        self._has_length = False

    def read(self, n: int) -> bytes:
        return self._raw.read(n)

    def readline(self) -> bytes:
        line = self._raw.readline()
        if not line:
            return line
        if line.strip():
            header = _LENGTH_HEADER.match(line)
            if header is None:
                header = _VALID_LENGTH_AT_END.search(line)  # junk glued to the front of a header
            if header is None:
                self._in_block = True
                return line
            if not header.group(1).isdigit():
                log.warning("skipping a message with Content-Length %r", header.group(1).decode("latin-1")[:40])
                return self._resync()
            return self._length_line(header)
        if self._has_length:  # the blank line that ends a good header block: pygls reads the body
            self._in_block = self._has_length = False
            return line
        if self._in_block:
            log.warning("skipping a message without Content-Length")
        return self._resync()

    def _length_line(self, header: re.Match[bytes]) -> bytes:
        self._in_block = self._has_length = True
        return b"Content-Length: %d\r\n" % int(header.group(1))

    def _resync(self) -> bytes:
        self._in_block = self._has_length = False
        while True:
            line = self._raw.readline()
            if not line:
                return line
            header = _VALID_LENGTH_AT_END.search(line)
            if header is not None:
                return self._length_line(header)


class ResilintServer(LanguageServer):
    """A LanguageServer with ResilintProtocol, reading stdin through ResyncingReader."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("protocol_cls", ResilintProtocol)
        super().__init__(*args, **kwargs)

    def start_io(self, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> None:
        super().start_io(ResyncingReader(stdin or sys.stdin.buffer), stdout)  # type: ignore[arg-type]

    @property
    def exit_code(self) -> int:
        """The process status: 1 after `exit` without `shutdown`, else 0."""
        return getattr(self.protocol, "exit_code", None) or 0
