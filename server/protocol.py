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
- A message longer than `--max-message-size` is dropped in bounded chunks, never allocated (a
  `Content-Length: 99999999999` raised MemoryError and ended the process).
- An id that is not a number or a string gets -32600 InvalidRequest with `id: null`, a body that
  is not JSON -32700 ParseError with `id: null` (JSON-RPC 2.0, section 5.1).
- Nothing a client sends prints a traceback: one warning line per bad message, with the method
  and the reason (pygls printed a stack for each).
"""
from __future__ import annotations

import asyncio
import json
import logging
import re
import sys
from functools import partial
from threading import Event
from typing import Any, BinaryIO

import cattrs
from lsprotocol import types
from pygls.exceptions import (
    JsonRpcException,
    JsonRpcInvalidParams,
    JsonRpcInvalidRequest,
    JsonRpcParseError,
    JsonRpcServerNotInitialized,
)
from pygls.io_ import StdoutWriter
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.json_rpc import RPCRequest
from pygls.protocol.language_server import lsp_method

log = logging.getLogger("resilint.server.protocol")

# Stands for a message already answered while it was decoded: nothing left to dispatch.
_ANSWERED = object()

_LENGTH_HEADER = re.compile(rb"content-length[ \t]*:[ \t]*(.*?)[ \t]*\r?\n\Z", re.IGNORECASE)
_VALID_LENGTH_AT_END = re.compile(rb"content-length[ \t]*:[ \t]*(\d+)[ \t]*\r?\n\Z", re.IGNORECASE)
# A header inside the bytes of a dropped message: the announced length was a lie. It cannot occur
# in a JSON body (a JSON string holds no raw line break), so the message ended before it.
_HEADER_INSIDE = re.compile(rb"content-length[ \t]*:[ \t]*\d+[ \t]*\r?\n", re.IGNORECASE)
_FRAMED_LENGTH = re.compile(rb"Content-Length: (\d+)\r\n")  # what ResyncingReader hands on

#: Default of `resilint serve --max-message-size`: far above any real file's didOpen.
DEFAULT_MAX_MESSAGE_SIZE = 64 * 1024 * 1024
_CHUNK = 64 * 1024  # what a dropped message or an overlong header line is read by
_TAIL = 64  # bytes kept between chunks, so a header cut by a chunk boundary is still found


def _valid_id(msg_id: Any) -> bool:
    return msg_id is None or (isinstance(msg_id, (int, str)) and not isinstance(msg_id, bool))


def _reason(exc: BaseException) -> str:
    """One line on why a message did not structure (cattrs' paths, e.g. `$.params.position`)."""
    cause = exc.__cause__ or exc
    if isinstance(cause, cattrs.ClassValidationError):
        return "; ".join(cattrs.transform_error(cause)[:3])
    return f"{type(cause).__name__}: {cause}"[:300]


class _NoDeserializeStack(logging.Filter):
    """pygls logs a traceback for every message that does not structure; we log one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Unable to deserialize message")


logging.getLogger("pygls.protocol.json_rpc").addFilter(_NoDeserializeStack())


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

    def receive(self, body: bytes) -> None:
        """Decode and handle one message body (pygls' reader loop logged a stack for bad ones)."""
        try:
            message = json.loads(body, object_hook=self.structure_message)
        except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError
            log.warning("dropped a message that is not JSON: %s", exc)
            self._send_response(None, error=JsonRpcParseError(str(exc)).to_response_error())
            return
        if message is _ANSWERED:
            return
        if not hasattr(message, "jsonrpc"):  # a batch, a scalar, an object without "jsonrpc"
            msg_id = _request_id(message) if isinstance(message, dict) else None
            log.warning("%s: not a JSON-RPC %s message", _method(message), self.VERSION)
            if msg_id is not None or not isinstance(message, dict) or "id" in message:
                error = JsonRpcInvalidRequest(f"not a JSON-RPC {self.VERSION} request")
                self._send_response(msg_id, error=error.to_response_error())
            return
        self.handle_message(message)

    def _send_response(self, msg_id: Any, result: Any = None, error: Any = None) -> None:
        if msg_id is None and error is not None:  # pygls' converter drops the `id: null` JSON-RPC asks for
            self._send_data({"jsonrpc": self.VERSION, "id": None, "error": self._converter.unstructure(error)})
        else:
            super()._send_response(msg_id, result, error)

    def structure_message(self, data: dict[str, Any]) -> Any:
        if "jsonrpc" in data and not _valid_id(data.get("id")):
            log.warning("%s: the id %s is not a number or a string", _method(data), json.dumps(data["id"])[:80])
            if "method" in data:  # a request nobody can answer by its id: JSON-RPC says id null
                self._send_response(None, error=JsonRpcInvalidRequest("id must be a number or a string")
                                    .to_response_error())
            return _ANSWERED
        if "params" not in data and "method" in data and self.get_message_type(data["method"]) is None:
            # JSON-RPC makes params optional; pygls' fallback types for methods that lsprotocol
            # does not know require it, so an unknown method without params got no answer.
            data = {**data, "params": None}
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            msg_id = _request_id(data)
            log.warning("%s: invalid message: %s", _method(data), _reason(exc))
            if msg_id is None:  # a notification (or a response): nobody to answer
                return _ANSWERED
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


    # The server keeps its own documents (server/documents.py, LSP's line rule). pygls' copy
    # splits lines with str.splitlines, so a line holding \x0b, \x0c, \x1c-\x1e, \x85, U+2028
    # or U+2029 is several lines to it, and converting a change's range against that copy
    # rewrites the range *in place* before our handler sees it (issue 17, defect 1). So the
    # text-document notifications go straight to our handlers, and pygls keeps no copy.
    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams) -> Any:
        yield from self._user_handler(types.TEXT_DOCUMENT_DID_OPEN, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams) -> Any:
        yield from self._user_handler(types.TEXT_DOCUMENT_DID_CHANGE, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams) -> Any:
        yield from self._user_handler(types.TEXT_DOCUMENT_DID_CLOSE, params)

    def _user_handler(self, method: str, params: Any) -> Any:
        handler = self.fm.features.get(method)
        if handler is not None:
            yield handler, (params,), None


def _method(message: Any) -> str:
    method = message.get("method") if isinstance(message, dict) else None
    return method if isinstance(method, str) else "(no method)"


class ResyncingReader:
    """stdin for pygls' reader loop: hands it only well-formed Content-Length headers.

    pygls takes a header block without a numeric Content-Length for no message at all, then
    reads that message's body (and the next header glued to it) as more header lines, and never
    finds a header again. Here such a block is skipped: everything up to the next line that ends
    with a valid Content-Length header is dropped. Bodies are read with read(n), never here,
    except those over `max_size`: dropped in bounded chunks, up to their length or to the next
    header found in them. No read allocates more than `max_size` or one header line.
    """

    def __init__(self, raw: BinaryIO, max_size: int = DEFAULT_MAX_MESSAGE_SIZE) -> None:
        self._raw = raw
        self._max_size = max_size
        self._pending = b""  # read past a dropped message's real end: the next message's start
        self._in_block = False  # header lines seen since the last blank line
        self._has_length = False

    def read(self, n: int) -> bytes:
        data, self._pending = self._pending[:n], self._pending[n:]
        return data + self._raw.read(n - len(data)) if len(data) < n else data

    def _line(self) -> bytes:
        """One line of at most _CHUNK bytes (an overlong one comes in pieces: all junk)."""
        if self._pending:
            end = self._pending.find(b"\n") + 1
            if end:
                line, self._pending = self._pending[:end], self._pending[end:]
                return line
            head, self._pending = self._pending, b""
            return head + self._raw.readline(_CHUNK)
        return self._raw.readline(_CHUNK)

    def _some(self, n: int) -> bytes:
        """Up to n bytes, whatever is there (read1: a pipe's short write does not block us)."""
        if self._pending:
            data, self._pending = self._pending[:n], self._pending[n:]
            return data
        read1 = getattr(self._raw, "read1", None)
        return read1(n) if read1 is not None else self._raw.read(n)

    def _drop(self, length: int) -> None:
        log.warning("dropped a message of %d bytes: over the limit of %d bytes (resilint serve --max-message-size)",
                    length, self._max_size)
        while True:  # the rest of its header block
            line = self._line()
            if not line or not line.strip():
                break
        left, tail = length, b""
        while left > 0:
            chunk = self._some(min(left, _CHUNK))
            if not chunk:
                return
            window = tail + chunk
            header = _HEADER_INSIDE.search(window)
            if header is not None:
                self._pending = window[header.start():] + self._pending
                return
            left -= len(chunk)
            tail = window[-_TAIL:]

    def readline(self) -> bytes:
        while True:
            line = self._readline()
            if line is not None:
                return line

    def _readline(self) -> bytes | None:
        """The next line for pygls, or None after a message was dropped (read on)."""
        line = self._line()
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

    def _length_line(self, header: re.Match[bytes]) -> bytes | None:
        length = int(header.group(1))
        if length > self._max_size:
            self._drop(length)
            self._in_block = self._has_length = False
            return None
        self._in_block = self._has_length = True
        return b"Content-Length: %d\r\n" % length

    def _resync(self) -> bytes | None:
        self._in_block = self._has_length = False
        while True:
            line = self._line()
            if not line:
                return line
            header = _VALID_LENGTH_AT_END.search(line)
            if header is not None:
                return self._length_line(header)


class ResilintServer(LanguageServer):
    """A LanguageServer with ResilintProtocol, reading stdin through ResyncingReader."""

    max_message_size = DEFAULT_MAX_MESSAGE_SIZE  # set by `resilint serve --max-message-size`

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("protocol_cls", ResilintProtocol)
        super().__init__(*args, **kwargs)

    def start_io(self, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> None:
        """pygls' async stdio server, with our reader and our decoding of each body."""
        self._stop_event = Event()
        reader = ResyncingReader(stdin or sys.stdin.buffer, self.max_message_size)
        self.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))
        try:
            asyncio.run(self._read_loop(reader))
        except BrokenPipeError:
            log.error("the connection to the client is lost; shutting down")
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            self.shutdown()

    async def _read_loop(self, reader: ResyncingReader) -> None:
        # pygls.io_.run_async, but a body goes to ResilintProtocol.receive (no stack for bad ones).
        loop = asyncio.get_running_loop()
        length = 0
        while not self._stop_event.is_set():
            header = await loop.run_in_executor(self.thread_pool, reader.readline)
            if not header:
                break
            if not length and (framed := _FRAMED_LENGTH.fullmatch(header)):
                length = int(framed.group(1))
            if length and not header.strip():
                body = await loop.run_in_executor(self.thread_pool, reader.read, length)
                length = 0
                if not body:
                    break
                self.protocol.receive(body)  # type: ignore[attr-defined]

    @property
    def exit_code(self) -> int:
        """The process status: 1 after `exit` without `shutdown`, else 0."""
        return getattr(self.protocol, "exit_code", None) or 0
