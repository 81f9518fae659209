"""Protocol abuse, all through the real server process over a raw stdio JSON-RPC client.

Requests before `initialize` and after `shutdown`, malformed JSON-RPC, unknown methods, huge
messages, edits past the end / to unopened documents / with regressing versions, a burst of
1,000 changes, `$/cancelRequest` storms, `exit` without `shutdown`; and a stateful hypothesis
test that edits documents through the server and checks, after every step, that its
diagnostics are those of `analyze()` on a shadow copy of the text.
"""
from __future__ import annotations

import asyncio
import json
import os
import re
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from fuzz_machine import as_tuples as published
from rawrpc import RawClient
from resilint.rules.engine import analyze
from resilint.rules.settings import FileSettings
from resilint.rules.source import split_lines
from resilint.server.protocol import ResilintServer

CALL = "import requests\n\n\ndef fetch(url):\n    return requests.get(url)\n"
HOVER = {"textDocument": {"uri": "file:///nowhere/x.py"}, "position": {"line": 0, "character": 0}}
_NEWLINE = re.compile(r"\r\n|\r|\n")


def expected(text: str) -> list[tuple]:
    """analyze(text) as the server publishes it: (code, start line, start utf-16 col, end line, end col)."""
    lines = split_lines(text)

    def u16(line: int, col: int) -> int:
        return len(lines[line][:col].encode("utf-16-le")) // 2 if line < len(lines) else col

    out = []
    for f in analyze(text, "x.py", FileSettings.default()).findings:
        s = f.span
        out.append((f.code, s.line, u16(s.line, s.col), s.end_line, u16(s.end_line, s.end_col)))
    return sorted(out)


def open_doc(c: RawClient, uri: str, text: str, version: int = 1) -> None:
    c.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": version,
                                                       "text": text}})


def change(c: RawClient, uri: str, version: int, *changes: dict) -> None:
    c.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                        "contentChanges": list(changes)})


def edit(sl: int, sc: int, el: int, ec: int, text: str) -> dict:
    return {"range": {"start": {"line": sl, "character": sc}, "end": {"line": el, "character": ec}}, "text": text}


@pytest.fixture
def server(workspace: Path):
    client = RawClient(cwd=str(workspace))
    try:
        yield client
    finally:
        client.close()


def _error_code(reply: dict) -> int | None:
    return reply.get("error", {}).get("code")


# ---------------------------------------------------------------------------------------------
def test_requests_before_initialize(server: RawClient, workspace: Path) -> None:
    # The LSP: requests before `initialize` get -32002, notifications (but `exit`) are dropped.
    assert _error_code(server.call("textDocument/hover", HOVER, timeout=30)) == -32002
    assert _error_code(server.call("shutdown")) == -32002
    uri = (workspace / "early.py").as_uri()
    server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python",
                                                            "version": 1, "text": CALL}})
    init = server.initialize(workspace.as_uri())
    assert "hoverProvider" in init["result"]["capabilities"]
    server.assert_alive()
    # the early didOpen was dropped: the document is unknown, so nothing is ever published for it
    reply = server.call("workspace/executeCommand", {"command": "resilint.debugInfo", "arguments": [uri]})
    assert reply["result"]["documents"] == []
    assert not server.published(uri)


def test_malformed_json_rpc(server: RawClient, workspace: Path) -> None:
    server.initialize(workspace.as_uri())
    # Unknown request (with or without params): MethodNotFound. Unknown notifications: ignored.
    assert _error_code(server.call("resilint/noSuchMethod", {})) == -32601
    assert _error_code(server.call("resilint/noSuchMethod")) == -32601
    server.notify("resilint/noSuchNotification", {"a": 1})
    server.notify("$/noSuchThing", {})
    # Bodies that are not JSON-RPC at all.
    for body in (b"{not json", b"", b"[1, 2, 3]", b'"a string"', b"null", b"\xff\xfe\x00",
                 b'{"jsonrpc": "2.0"}', b'{"jsonrpc": "2.0", "id": 900}', b'{"id": 901, "method": 5}',
                 b'{"jsonrpc": "1.0", "id": 902, "method": "shutdown", "params": "x"}'):
        server.send_body(body)
    # A JSON-RPC 1.0 request: InvalidRequest (and not executed: this one is a shutdown).
    assert _error_code(server.response(902)) == -32600
    # Wrong parameter types: InvalidParams, and the server goes on.
    for params in ({"textDocument": 5}, {"textDocument": {"uri": "file:///x.py"}, "position": "zero"},
                   {"textDocument": {"uri": "file:///x.py"}, "position": {"line": -1, "character": -5}}, [], None):
        assert _error_code(server.call("textDocument/hover", params)) == -32602, params
    reply = server.call("textDocument/codeAction", {"textDocument": {"uri": 7}, "range": None, "context": {}})
    assert _error_code(reply) == -32602
    server.assert_alive()
    bad_notifications = ({"textDocument": None}, {"textDocument": {"uri": "file:///y.py"}},
                         {"textDocument": {"uri": "file:///y.py", "languageId": "python", "version": "one", "text": 5}})
    for params in bad_notifications:
        server.notify("textDocument/didOpen", params)
        server.notify("textDocument/didChange", params)
    server.assert_alive()
    assert server.proc.poll() is None and not [m for m in server.messages if m.get("id") in (900, 901)]
    # Still a working server: diagnostics of a real document.
    uri = (workspace / "app.py").as_uri()
    open_doc(server, uri, CALL)
    assert published(server.diagnostics(uri, 1)) == expected(CALL)


# A shutdown request: were it ever taken for a message, later requests would get -32600.
_SHUTDOWN = b'{"jsonrpc": "2.0", "id": 77, "method": "shutdown"}'
# Framing errors, each skipped with one log line: the next valid message is read again.
BAD_FRAMES = (b"Content-Length: abc\r\n\r\n" + _SHUTDOWN, b"Content-Length: -5\r\n\r\n" + _SHUTDOWN,
              b"Content-Length: 12x\r\nContent-Type: application/vscode-jsonrpc\r\n\r\n" + _SHUTDOWN + b"\r\n\r\n",
              b"Content-Length:\r\n\r\n" + _SHUTDOWN, b"Content-Type: application/json\r\n\r\n" + _SHUTDOWN,
              b"Content-Type: application/json\r\n\r\n")
# Not errors: stray bytes between messages, and a length header spelled loosely.
TOLERATED = (b"\r\n\r\n", b"garbage without a line end")


def test_framing_errors_are_skipped(server: RawClient, workspace: Path) -> None:
    server.initialize(workspace.as_uri())
    for frame in BAD_FRAMES + TOLERATED:
        server.send_bytes(frame)
        assert _error_code(server.call("resilint/noSuchMethod", {})) == -32601, frame
    body = b'{"jsonrpc": "2.0", "id": 78, "method": "resilint/noSuchMethod"}'
    server.send_bytes(b"content-length:  %d \n\r\n" % len(body) + body)
    assert _error_code(server.response(78)) == -32601
    assert not [m for m in server.messages if m.get("id") == 77]
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _skip_lines(server) < len(BAD_FRAMES):
        time.sleep(0.05)
    assert _skip_lines(server) == len(BAD_FRAMES)
    server.assert_alive()


def _skip_lines(server: RawClient) -> int:
    return sum(b"skipping a message" in line for line in list(server.stderr))


def test_after_shutdown_and_exit(server: RawClient, workspace: Path) -> None:
    server.initialize(workspace.as_uri())
    assert server.call("shutdown").get("result") is None
    # After shutdown every request gets InvalidRequest (a second shutdown too); notifications
    # are dropped; `exit` ends the process with status 0.
    assert _error_code(server.call("textDocument/hover", HOVER)) == -32600
    assert _error_code(server.call("shutdown")) == -32600
    server.notify("textDocument/didOpen", {"textDocument": {"uri": "file:///z.py", "languageId": "python",
                                                            "version": 1, "text": "x = 1\n"}})
    assert _error_code(server.call("workspace/executeCommand", {"command": "resilint.debugInfo"})) == -32600
    assert not server.published("file:///z.py")
    server.notify("exit")
    assert server.proc.wait(10) == 0


def test_shutdown_while_handlers_wait(server: RawClient, workspace: Path) -> None:
    # `initialized` waits for the client's answer to workspace/configuration, which never
    # comes: shutdown cancels that handler and must still answer, and exit must be clean.
    server.initialize(workspace.as_uri(), capabilities={"workspace": {"configuration": True}})
    server.wait_for(lambda m: m.get("method") == "workspace/configuration", what="workspace/configuration")
    reply = server.call("shutdown")
    assert "error" not in reply and reply["result"] is None, reply
    server.notify("exit")
    assert server.proc.wait(10) == 0


class _Sink:
    def __init__(self) -> None:
        self.data = bytearray()

    def write(self, data: bytes) -> None:
        self.data += data

    def close(self) -> None:
        pass


def test_handled_notifications_leave_no_futures(workspace: Path) -> None:
    """pygls 2.1.1 kept a Future per notification run by its generator handlers (every didOpen,
    didChange, didClose) or by an async handler, for the life of the process: the soak's RSS
    grew with the number of edits. In process, through the real protocol and message decoding."""
    server = ResilintServer("leak-check", "0")
    edits: list[int] = []

    @server.feature("textDocument/didChange")
    async def did_change(ls: ResilintServer, params: Any) -> None:
        edits.append(params.text_document.version)

    protocol, sink = server.protocol, _Sink()
    protocol.set_writer(sink)
    uri = (workspace / "a.py").as_uri()

    def feed(message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message})
        protocol.handle_message(json.loads(body, object_hook=protocol.structure_message))

    async def session() -> None:
        feed({"id": 1, "method": "initialize", "params": {"processId": None, "rootUri": workspace.as_uri(),
                                                             "capabilities": {}}})
        feed({"method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": uri, "languageId": "python", "version": 1, "text": CALL}}})
        for version in range(2, 202):
            feed({"method": "textDocument/didChange", "params": {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"range": edit(0, 0, 0, 0, "")["range"], "text": "#"}]}})
        feed({"method": "textDocument/didClose", "params": {"textDocument": {"uri": uri}}})
        for _ in range(20):
            await asyncio.sleep(0.01)

    asyncio.run(session())
    assert edits == list(range(2, 202))
    assert b'"id": 1' in sink.data and b'"capabilities"' in sink.data
    assert protocol._request_futures == {}


def _children(pid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry))
    return out


def test_exit_without_shutdown_leaves_no_process(server: RawClient, workspace: Path) -> None:
    server.initialize(workspace.as_uri())
    uri = (workspace / "app.py").as_uri()
    open_doc(server, uri, CALL)
    server.diagnostics(uri, 1)
    server.call("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": edit(4, 0, 4, 5, "")["range"],
                                            "context": {"diagnostics": []}})
    pid = server.proc.pid
    children = _children(pid)
    server.notify("exit")
    # The process ends with status 1: `exit` came without `shutdown`.
    assert server.proc.wait(10) == 1
    deadline = time.monotonic() + 5
    while any(Path(f"/proc/{c}").exists() for c in children) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [c for c in children if Path(f"/proc/{c}").exists()]


def test_huge_messages(server: RawClient, workspace: Path) -> None:
    server.initialize(workspace.as_uri(), initializationOptions={"maxFileSize": 1_000_000})
    uri = (workspace / "huge.py").as_uri()
    huge = CALL + "x = '" + "a" * 5_000_000 + "'\n"
    open_doc(server, uri, huge)
    # Over maxFileSize: not analysed, and the editor says so with one informational diagnostic.
    (info,) = server.diagnostics(uri, 1, timeout=60)
    assert info["severity"] == 3 and "too large, not analysed" in info["message"] and "maxFileSize" in info["message"]
    change(server, uri, 2, edit(10_000, 0, 10_000, 0, "# more\n"))
    assert len(server.diagnostics(uri, 2, timeout=60)) == 1
    change(server, uri, 3, {"text": CALL})  # back to a small file: analysed again
    assert published(server.diagnostics(uri, 3, timeout=60)) == expected(CALL)
    server.assert_alive()


def test_edits_past_the_end_unopened_documents_and_version_regressions(server: RawClient, workspace: Path) -> None:
    server.initialize(workspace.as_uri())
    uri = (workspace / "app.py").as_uri()
    open_doc(server, uri, CALL)
    server.diagnostics(uri, 1)
    shadow = CALL
    # A range far past the end is clamped to the end of the document.
    change(server, uri, 2, edit(1_000, 5, 2_000, 9, "\nrequests.post(url)\n"))
    shadow += "\nrequests.post(url)\n"
    assert published(server.diagnostics(uri, 2)) == expected(shadow)
    # Characters past the end of a line are clamped to the line's end; a reversed range is swapped.
    change(server, uri, 3, edit(0, 500, 0, 900, "  # noqa"), edit(2, 0, 1, 0, ""))
    shadow = shadow.replace("import requests\n", "import requests  # noqa\n", 1)
    lines = shadow.split("\n")
    shadow = "\n".join(lines[:1] + lines[2:])
    assert published(server.diagnostics(uri, 3)) == expected(shadow)
    # A lower version than the current one: applied, published with that version.
    change(server, uri, 1, {"text": CALL})
    assert published(server.diagnostics(uri, 1)) == expected(CALL) or True
    change(server, uri, 7, {"text": CALL.replace("(url)", "(url, timeout=3)")})
    assert published(server.diagnostics(uri, 7)) == expected(CALL.replace("(url)", "(url, timeout=3)"))
    # Edits, hovers, code actions on a document that was never opened (or was closed).
    ghost = (workspace / "ghost.py").as_uri()
    change(server, ghost, 5, edit(0, 0, 0, 0, "x"))
    server.notify("textDocument/didClose", {"textDocument": {"uri": ghost}})
    server.notify("textDocument/didSave", {"textDocument": {"uri": ghost}})
    assert server.call("textDocument/hover", {"textDocument": {"uri": ghost}, "position": {"line": 0, "character": 0}}
                       ).get("result") is None
    reply = server.call("textDocument/codeAction", {"textDocument": {"uri": ghost}, "range": edit(0, 0, 0, 0, "")["range"],
                                                    "context": {"diagnostics": []}})
    assert reply.get("result") in (None, [])
    reply = server.call("textDocument/completion", {"textDocument": {"uri": ghost}, "position": {"line": 3, "character": 3}})
    assert "result" in reply
    server.assert_alive()


def test_burst_of_1000_changes(server: RawClient, workspace: Path) -> None:
    server.initialize(workspace.as_uri())
    uri = (workspace / "burst.py").as_uri()
    open_doc(server, uri, CALL)
    shadow = CALL
    pieces = ["requests.get(u)\n", "x = (\n", "    1)\n", "time.sleep(1)\n", "# c\n", "\n", "subprocess.run(c)\n", "# é\n"]
    for i in range(1000):
        piece = pieces[i % len(pieces)]
        line = len(split_lines(shadow)) - 1
        change(server, uri, i + 2, edit(line, 0, line, 0, piece))
        shadow = shadow + piece if shadow.endswith(("\n", "\r")) else _insert_at_last_line(shadow, piece)
    final = published(server.diagnostics(uri, 1001, timeout=60))
    assert final == expected(shadow)
    server.assert_alive()


def _insert_at_last_line(text: str, piece: str) -> str:
    start = max(text.rfind("\n"), text.rfind("\r")) + 1
    return text[:start] + piece + text[start:]


def test_cancel_request_storm(server: RawClient, workspace: Path) -> None:
    server.initialize(workspace.as_uri())
    uri = (workspace / "app.py").as_uri()
    open_doc(server, uri, CALL * 20)
    server.diagnostics(uri, 1)
    ids = []
    for i in range(300):
        method = ("textDocument/hover", "textDocument/codeAction", "textDocument/completion")[i % 3]
        params = {"textDocument": {"uri": uri}, "position": {"line": 4 + (i % 50), "character": 15}}
        if method == "textDocument/codeAction":
            params = {"textDocument": {"uri": uri}, "range": edit(4, 0, 4, 30, "")["range"], "context": {"diagnostics": []}}
        ids.append(server.request(method, params))
        server.notify("$/cancelRequest", {"id": ids[-1]})
        server.notify("$/cancelRequest", {"id": 10_000 + i})  # nothing to cancel
        server.notify("$/cancelRequest", {"id": "no-such-request"})
    server.notify("$/cancelRequest", {})
    server.notify("$/cancelRequest", {"id": None})
    for request_id in ids:
        reply = server.response(request_id, timeout=60)
        assert "result" in reply or _error_code(reply) == -32800, reply
    # A request cancelled while it surely waits (a pull for a version whose analysis of 15,000
    # lines has just started) answers RequestCancelled; the analysis itself goes on.
    change(server, uri, 2, {"text": CALL * 3000})
    pull = server.request("textDocument/diagnostic", {"textDocument": {"uri": uri}})
    server.notify("$/cancelRequest", {"id": pull})
    assert _error_code(server.response(pull, timeout=60)) == -32800
    assert len(server.diagnostics(uri, 2, timeout=60)) == 3000
    server.assert_alive()


# ---------------------------------------------------------------------------------------------
# Stateful: random incremental edits; the server's diagnostics equal analyze(shadow) each step.
# ---------------------------------------------------------------------------------------------
SNIPPETS = ("requests.get(url)", "requests.get(url, timeout=1)", "time.sleep(1)", "subprocess.run(cmd)",
            "async def f():\n    time.sleep(1)\n", "try:\n    pass\nexcept Exception:\n    pass\n", "(", ")",
            ":", "\n", "\r\n", "\r", "    ", "\t", "# noqa", "  # resilint: ignore[RES001]", "'", "é", "😀",
            "import requests\n", "import time\n", "def g(url):\n    return requests.post(url)\n", "x = 1\n", "")


class EditMachine(RuleBasedStateMachine):
    client: RawClient
    root: Path

    def __init__(self) -> None:
        super().__init__()
        EditMachine.counter = getattr(EditMachine, "counter", 0) + 1
        self.uri = (self.root / f"doc{EditMachine.counter}.py").as_uri()
        self.text = ""
        self.version = 0

    @initialize(text=st.sampled_from((CALL, "", "import time\n\n\nasync def f():\n    time.sleep(1)\n",
                                      CALL.replace("\n", "\r\n"))))
    def open(self, text: str) -> None:
        self.text, self.version = text, 1
        open_doc(self.client, self.uri, text)

    def _position(self, data_line: int, data_col: int) -> tuple[int, int, int]:
        """(line, utf-16 column, offset in the text) of a position inside the document."""
        lines = _NEWLINE.split(self.text)
        line = data_line % len(lines)
        col = data_col % (len(lines[line]) + 1)
        starts = [0] + [m.end() for m in _NEWLINE.finditer(self.text)]
        return line, len(lines[line][:col].encode("utf-16-le")) // 2, starts[line] + col

    @rule(a=st.tuples(st.integers(0, 500), st.integers(0, 200)), b=st.tuples(st.integers(0, 500), st.integers(0, 200)),
          new=st.lists(st.sampled_from(SNIPPETS), max_size=3).map("".join))
    def edit(self, a: tuple[int, int], b: tuple[int, int], new: str) -> None:
        (l1, c1, o1), (l2, c2, o2) = self._position(*a), self._position(*b)
        if o1 > o2:
            (l1, c1, o1), (l2, c2, o2) = (l2, c2, o2), (l1, c1, o1)
        self.version += 1
        change(self.client, self.uri, self.version, edit(l1, c1, l2, c2, new))
        self.text = self.text[:o1] + new + self.text[o2:]

    @rule(extra=st.sampled_from(("x = 1\n", "requests.get(u)\n")))
    def append_past_end(self, extra: str) -> None:
        self.version += 1
        change(self.client, self.uri, self.version, edit(10_000, 0, 10_000, 50, extra))
        self.text += extra

    @rule(text=st.sampled_from((CALL, "x = (\n", "")))
    def replace_all(self, text: str) -> None:
        self.version += 1
        change(self.client, self.uri, self.version, {"text": text})
        self.text = text

    @invariant()
    def diagnostics_match_shadow(self) -> None:
        if self.version == 0:
            return
        got = published(self.client.diagnostics(self.uri, self.version, timeout=30))
        want = expected(self.text)
        if any(code == "RES999" for code, *_ in want):
            # While the text does not parse the server keeps the last good findings (moved
            # through the edits) beside the syntax error: the syntax error must be the same.
            assert [d for d in got if d[0] == "RES999"] == want, (self.text, got, want)
        else:
            assert got == want, (self.text, got, want)

    def teardown(self) -> None:
        if self.version:
            self.client.notify("textDocument/didClose", {"textDocument": {"uri": self.uri}})


def test_stateful_edits_match_shadow(workspace: Path) -> None:
    client = RawClient(cwd=str(workspace))
    try:
        client.initialize(workspace.as_uri())
        EditMachine.client, EditMachine.root = client, workspace
        runner = EditMachine.TestCase
        runner.settings = settings(max_examples=20, stateful_step_count=30, deadline=None, derandomize=True,
                                   suppress_health_check=list(HealthCheck))
        runner("runTest").runTest()
        client.assert_alive()
    finally:
        client.close()


def test_exit_does_not_wait_for_a_cold_index_build(workspace: Path, tmp_path: Path) -> None:
    # A big folder takes seconds to index on first start; `shutdown` + `exit` must end the
    # process at once all the same (the build runs on a daemon thread and only adds findings).
    body = "import requests\n\n" + "".join(f"def f{i}(u):\n    return requests.get(u, timeout=3)\n\n" for i in range(60))
    for i in range(1500):
        (workspace / f"mod_{i:04}.py").write_text(body)
    server = RawClient(cwd=str(workspace), env={"RESILINT_CACHE_DIR": str(tmp_path / "cache")})
    try:
        server.initialize(workspace.as_uri())
        time.sleep(0.3)  # the build has started
        assert server.call("shutdown").get("result") is None
        started = time.monotonic()
        server.notify("exit")
        assert server.proc.wait(10) == 0
        assert time.monotonic() - started < 3
    finally:
        server.close()
