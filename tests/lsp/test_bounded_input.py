"""Bounded input and quiet failures (issue 17, defects 2, 4, 5; deliver 3 and 4), over raw stdio.

Whatever a client sends, the server answers what JSON-RPC says, writes one warning line per bad
message (never a traceback) and stays up for the next message.
"""
from __future__ import annotations

import time
from pathlib import Path

import pytest
from rawrpc import RawClient

CALL = "import requests\n\n\ndef fetch(url):\n    return requests.get(url)\n"
HOVER = {"textDocument": {"uri": "file:///nowhere/x.py"}, "position": {"line": 0, "character": 0}}


@pytest.fixture
def server(workspace: Path):
    client = RawClient(cwd=str(workspace), args=("--max-message-size", "1000000"))
    try:
        yield client
    finally:
        client.close()


def _stderr(client: RawClient) -> str:
    time.sleep(0.2)  # let the stderr reader catch up
    return b"".join(client.stderr).decode(errors="replace")


def _warnings(client: RawClient) -> list[str]:
    return [line for line in _stderr(client).splitlines() if "WARNING" in line or "warning" in line.lower()]


def test_huge_content_length_is_discarded_without_allocating(server: RawClient, workspace: Path) -> None:
    """Defect 2: `Content-Length: 99999999999` and a short body raised MemoryError and ended the
    process with a traceback. Now the announced body is dropped in bounded chunks (here the next
    header ends it early) and the next message is answered."""
    server.initialize(workspace.as_uri())
    server.send_bytes(b'Content-Length: 99999999999\r\n\r\n{"jsonrpc": "2.0", "id": 77, "method": "shutdown"}')
    reply = server.call("textDocument/hover", HOVER)
    assert "result" in reply, reply
    # A message over --max-message-size with a complete body: read and dropped, never parsed.
    big = b'{"jsonrpc": "2.0", "id": 78, "method": "textDocument/hover", "params": {"x": "' + b"a" * 3_000_000 + b'"}}'
    server.send_body(big)
    reply = server.call("textDocument/hover", HOVER)
    assert "result" in reply, reply
    assert not [m for m in server.messages if m.get("id") in (77, 78)]
    server.assert_alive()
    err = _stderr(server)
    assert "Traceback" not in err and "MemoryError" not in err, err
    assert err.count("over the limit") == 2, err


@pytest.mark.parametrize("bad_id", [{"a": 1}, [1, 2], True, False, 1.5])
def test_ids_that_are_not_numbers_or_strings(server: RawClient, workspace: Path, bad_id) -> None:
    """Defect 4: an object id got -32603 and a traceback, an array or `true` no answer at all.
    JSON-RPC 2.0: -32600 InvalidRequest with `id: null`."""
    server.initialize(workspace.as_uri())
    server.request("textDocument/hover", HOVER, id=bad_id)
    reply = server.wait_for(lambda m: "error" in m and "id" in m and m["id"] is None, what="an error with id null")
    assert reply["error"]["code"] == -32600, reply
    server.assert_alive()
    assert "Traceback" not in _stderr(server)


def test_abuse_set_leaves_no_traceback(server: RawClient, workspace: Path) -> None:
    """Defect 5 and deliver 4: bodies that are not JSON, params of the wrong type (requests and
    notifications), bad ids and oversized messages each give one warning line, no stack."""
    server.initialize(workspace.as_uri())
    uri = (workspace / "a.py").as_uri()
    server.send_body(b'{"jsonrpc": "2.0", "id": 5, "method":')  # truncated JSON
    parse_error = server.wait_for(lambda m: m.get("error", {}).get("code") == -32700, what="-32700")
    assert parse_error["id"] is None
    server.send_body(b"\xff\xfe not utf-8")
    server.send_body(b"[1, 2")
    wrong = server.request("textDocument/hover", {"textDocument": {"uri": 5}, "position": "top"})
    assert server.response(wrong)["error"]["code"] == -32602
    server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": "one",
                                                            "text": 7}})
    server.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2}, "contentChanges": "x"})
    server.request("textDocument/hover", HOVER, id={"nested": [1]})
    server.wait_for(lambda m: m.get("error", {}).get("code") == -32600 and m["id"] is None, what="-32600")
    server.send_bytes(b"Content-Length: 5000000\r\n\r\n" + b" " * 5_000_000)
    server.assert_alive()
    err = _stderr(server)
    assert "Traceback" not in err, err
    warnings = _warnings(server)
    assert any("textDocument/didOpen" in w for w in warnings), err
    assert any("textDocument/didChange" in w for w in warnings), err
    assert any("not JSON" in w for w in warnings), err
    assert len(warnings) >= 7, err


def test_max_message_size_option_is_validated() -> None:
    client = RawClient(args=("--max-message-size", "zero"))
    assert client.proc.wait(10) == 2
    assert "--max-message-size" in _stderr(client)
