"""A small raw JSON-RPC client over stdio (Content-Length framing) for protocol-abuse tests.

pytest-lsp's client always initializes and always sends well-formed messages; this one sends
whatever it is told (bytes included), in any order, and records everything the server writes.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

SERVER = [sys.executable, "-m", "resilint.server.serve"]


class ServerDied(AssertionError):
    pass


class RawClient:
    def __init__(self, cwd: str | None = None, env: dict[str, str] | None = None, args: tuple[str, ...] = ()) -> None:
        full_env = dict(os.environ)
        full_env.setdefault("RESILINT_DEBOUNCE_MS", "0")
        full_env.update(env or {})
        self.proc = subprocess.Popen([*SERVER, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     cwd=cwd, env=full_env)
        self.messages: list[dict[str, Any]] = []
        self.stderr: list[bytes] = []
        self._cond = threading.Condition()
        self._next_id = 0
        self._eof = False
        threading.Thread(target=self._read_stdout, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    # ---- reading ----
    def _read_stdout(self) -> None:
        out = self.proc.stdout
        assert out is not None
        try:
            while True:
                headers: dict[str, str] = {}
                while True:
                    line = out.readline()
                    if not line:
                        return
                    line = line.strip()
                    if not line:
                        break
                    key, _, value = line.decode("ascii", "replace").partition(":")
                    headers[key.strip().lower()] = value.strip()
                length = int(headers.get("content-length", "0"))
                body = out.read(length)
                if len(body) < length:
                    return
                message = json.loads(body)
                with self._cond:
                    self.messages.append(message)
                    self._cond.notify_all()
        finally:
            with self._cond:
                self._eof = True
                self._cond.notify_all()

    def _read_stderr(self) -> None:
        err = self.proc.stderr
        assert err is not None
        for line in iter(err.readline, b""):
            self.stderr.append(line)

    # ---- writing ----
    def send_bytes(self, data: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send_body(self, body: bytes) -> None:
        self.send_bytes(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def send(self, message: dict[str, Any]) -> None:
        self.send_body(json.dumps(message).encode("utf-8"))

    def notify(self, method: str, params: Any = None) -> None:
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)

    def request(self, method: str, params: Any = None, *, id: Any = None) -> Any:
        if id is None:
            self._next_id += 1
            id = self._next_id
        message: dict[str, Any] = {"jsonrpc": "2.0", "id": id, "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)
        return id

    # ---- waiting ----
    def wait_for(self, predicate: Callable[[dict[str, Any]], bool], timeout: float = 20.0,
                 what: str = "message") -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for message in self.messages:
                    if predicate(message):
                        return message
                if self._eof:
                    raise ServerDied(f"server closed stdout while waiting for {what}; stderr: "
                                     f"{b''.join(self.stderr[-20:]).decode(errors='replace')}")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"timed out waiting for {what}")
                self._cond.wait(left)

    def response(self, id: Any, timeout: float = 20.0) -> dict[str, Any]:
        return self.wait_for(lambda m: m.get("id") == id and "method" not in m, timeout, f"response {id!r}")

    def call(self, method: str, params: Any = None, timeout: float = 20.0) -> dict[str, Any]:
        return self.response(self.request(method, params), timeout)

    def published(self, uri: str) -> list[dict[str, Any]]:
        with self._cond:
            return [m["params"] for m in self.messages
                    if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri]

    def diagnostics(self, uri: str, version: int, timeout: float = 20.0) -> list[dict[str, Any]]:
        message = self.wait_for(
            lambda m: m.get("method") == "textDocument/publishDiagnostics"
            and m["params"]["uri"] == uri and m["params"].get("version") == version,
            timeout, f"diagnostics of {uri} v{version}")
        return message["params"]["diagnostics"]

    # ---- lifecycle ----
    def initialize(self, root_uri: str | None = None, capabilities: dict | None = None, **extra: Any) -> dict:
        params = {"processId": os.getpid(), "rootUri": root_uri, "capabilities": capabilities or {}}
        if root_uri:
            params["workspaceFolders"] = [{"uri": root_uri, "name": "ws"}]
        params.update(extra)
        result = self.call("initialize", params)
        self.notify("initialized", {})
        return result

    def alive(self) -> bool:
        return self.proc.poll() is None

    def assert_alive(self) -> None:
        """The process runs and still answers a request."""
        assert self.alive(), f"server exited with {self.proc.returncode}"
        reply = self.call("workspace/executeCommand", {"command": "resilint.debugInfo", "arguments": []})
        assert "result" in reply or "error" in reply

    def close(self, timeout: float = 10.0) -> int | None:
        """shutdown + exit when possible; kill what is left. Returns the exit code."""
        if self.alive():
            try:
                self.response(self.request("shutdown"), timeout=timeout)
                self.notify("exit")
            except (AssertionError, OSError, ValueError):
                pass
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
            return None
        finally:
            for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
                try:
                    stream.close()  # type: ignore[union-attr]
                except (OSError, ValueError):
                    pass
