"""RES002 unbounded-timeout."""
from __future__ import annotations

import ast
import math
from typing import TYPE_CHECKING

from ..context import is_none
from ..model import Finding, Fix, Rule, Severity
from ..names import Binding
from ..apis.timeouts import (
    AIOHTTP_CLIENT_TIMEOUTS,
    CLIENTS,
    HTTPX_CLIENT_CONSTRUCTORS,
    HTTPX_TIMEOUT,
    LLM_CLIENTS,
    NONE_TIMEOUTS,
    SUBPROCESS_TIMEOUTS,
)

_STALLED = "a stalled server can block it forever"
_CONSEQUENCES: dict[str, str] = {
    **{name: "a hung child process can block it forever" for name in SUBPROCESS_TIMEOUTS},
    **{name: "a stalled provider can block it forever" for name in LLM_CLIENTS},
    "litellm.completion": "litellm falls back to its 600 s default",
    "litellm.acompletion": "litellm falls back to its 600 s default",
    "aiohttp.ClientSession": "aiohttp falls back to its 300 s default total timeout",
    "aiohttp.client.ClientSession": "aiohttp falls back to its 300 s default total timeout",
    **{name: "connecting to an unresponsive database can wait forever"
       for name, spec in CLIENTS.items() if spec.kwarg == "connect_timeout"},
    **{name: "a stalled Redis server can block every command forever"
       for name, spec in CLIENTS.items() if spec.redis},
    **{name: "a stalled server can block its requests forever"
       for name in (*AIOHTTP_CLIENT_TIMEOUTS, HTTPX_TIMEOUT, *HTTPX_CLIENT_CONSTRUCTORS,
                    "urllib3.PoolManager", "urllib3.poolmanager.PoolManager")},
    **{name: "a blocked or stalled broker can hang publishers forever"
       for name, spec in CLIENTS.items() if name.startswith("pika.")},
}
# aiohttp.ClientTimeout(total, connect, sock_read, sock_connect, ceil_threshold)
_CLIENT_TIMEOUT_TOTAL, _CLIENT_TIMEOUT_SOCK_READ = 0, 2

if TYPE_CHECKING:
    from ..fixes.document import FixDocument


class UnboundedTimeout(Rule):
    code = "RES002"
    name = "unbounded-timeout"
    message = "`{callee}` is given {detail}: {consequence}"
    severity = Severity.WARNING
    refs = ("H5",)
    cwe = ("CWE-400",)
    fix_applicability = "unsafe"
    fix_title = "Use `{replacement}`"
    callees = frozenset({*NONE_TIMEOUTS, HTTPX_TIMEOUT, *AIOHTTP_CLIENT_TIMEOUTS})

    docs = """
## What it does
Checks for an explicit `None` timeout (`timeout=None`, or `None` in the timeout's position)
on every call resilint checks for missing timeouts: `requests`, `urllib`, `http.client`,
`urllib3`, `socket.create_connection`, `httpx` functions, clients and client methods,
`subprocess`, the database/cache/broker/mail clients of RES003 (`socket_timeout=None`,
`connect_timeout=None`, …) and the LLM clients of LLM001 (`timeout=None`,
`request_timeout=None`). Also `httpx.Timeout(None)` without a `read` timeout, and
`aiohttp.ClientTimeout()` that bounds neither `total` nor `sock_read`.

## Why is this bad?
`None` means "wait forever" for almost all of these APIs. It usually sneaks in to silence a
timeout error or through a config default, and it turns one stalled dependency into a
worker that never comes back (guide: H5 "everything has a timeout"). For
`aiohttp.ClientSession` and `litellm`, `None` silently restores a 300 s / 600 s default.

An LLM client given `http_client=` is not flagged (the client's own timeout is assumed to
govern). `aiohttp.ClientTimeout(total=None, sock_read=30)` is bounded: every read must make
progress within 30 s.

## Example
```python
import httpx
import requests

def fetch(url):
    return requests.get(url, timeout=None)

client = httpx.Client(timeout=httpx.Timeout(None))
```

## Use instead
```python
import httpx
import requests

def fetch(url):
    return requests.get(url, timeout=10)

client = httpx.Client(timeout=httpx.Timeout(10.0))
```

## Fix safety
The fix replaces the `None` with `timeouts.default` (10 s unless configured; `timeouts.llm`,
30 s, for LLM clients), or adds `total=` to an empty `aiohttp.ClientTimeout()`. It is
**unsafe**: a call that waited on purpose (a long download, a streaming response, a
long-running child process) now fails with a timeout error.

## References
- [requests: Timeouts](https://requests.readthedocs.io/en/latest/user/advanced/#timeouts)
- [HTTPX: Timeouts](https://www.python-httpx.org/advanced/timeouts/)
- [aiohttp: ClientTimeout](https://docs.aiohttp.org/en/stable/client_reference.html#clienttimeout)
- Guide: H5
"""

    valid = (
        "import requests\nrequests.get('https://x', timeout=5)\n",
        "import httpx\nhttpx.Client(timeout=httpx.Timeout(10.0, connect=5.0))\n",
        "import httpx\nhttpx.Timeout(None, read=30.0)\n",
        "import aiohttp\naiohttp.ClientTimeout(total=None, sock_read=30)\n",
        "import subprocess\nsubprocess.run(['ls'], timeout=cfg.timeout)\n",
        "import openai, httpx\nopenai.OpenAI(timeout=None, http_client=httpx.Client(timeout=20))\n",
        "class C:\n    def get(self, url, timeout): ...\nC().get('https://x', timeout=None)\n",
        "import socket\nsocket.create_connection(('h', 80), 5)\n",
        "import requests\nrequests.get('https://x', **{'timeout': None})\n",
    )
    invalid = (
        "import requests\nrequests.get('https://x', timeout=None)\n",
        "import httpx as hx\nhx.AsyncClient(timeout=None)\n",
        "from httpx import Timeout\nTimeout(None)\n",
        "import aiohttp\naiohttp.ClientTimeout()\n",
        "from aiohttp import ClientTimeout as CT\nCT(total=None)\n",
        "import requests\nwith requests.Session() as s:\n    s.post('https://x', timeout=None)\n",
        "from urllib.request import urlopen\nurlopen('https://x', None, None)\n",
        "import subprocess\np = subprocess.Popen(['tool'])\np.wait(timeout=None)\n",
        "from openai import OpenAI\nclass Bot:\n    def __init__(self):\n        self.client = OpenAI(timeout=None)\n",
        "import psycopg2\npsycopg2.connect(host='db', connect_timeout=None)\n",
    )

    def check_call(self, call: ast.Call, callee: Binding) -> None:
        name = callee.qualname
        assert name is not None
        if name == HTTPX_TIMEOUT:
            self._httpx_timeout(call, name)
        elif name in AIOHTTP_CLIENT_TIMEOUTS:
            self._aiohttp_timeout(call, name)
        else:
            self._none_argument(call, name)

    # ----- the shapes -------------------------------------------------------------------
    def _none_argument(self, call: ast.Call, name: str) -> None:
        names, position = NONE_TIMEOUTS[name]
        if name in LLM_CLIENTS and any(kw.arg == "http_client" for kw in call.keywords):
            return  # RULES.md: an LLM client given http_client= is bounded
        for kw in call.keywords:
            if kw.arg in names and is_none(kw.value):
                self._report(kw, name, f"`{kw.arg}=None`", f"{kw.arg}={self._seconds(name)}")
        if position is not None and len(call.args) > position:
            if any(isinstance(a, ast.Starred) for a in call.args[: position + 1]):
                return
            arg = call.args[position]
            if is_none(arg):
                self._report(arg, name, "`None` as its timeout", str(self._seconds(name)))

    def _httpx_timeout(self, call: ast.Call, name: str) -> None:
        """`httpx.Timeout(None)` / `Timeout(timeout=None)` with no finite `read`."""
        if any(isinstance(a, ast.Starred) for a in call.args) or any(kw.arg is None for kw in call.keywords):
            return
        read = next((kw.value for kw in call.keywords if kw.arg == "read"), None)
        if read is not None and not is_none(read):
            return
        if call.args and is_none(call.args[0]):
            self._report(call.args[0], name, "`None` as its timeout", str(self._seconds(name)))
            return
        for kw in call.keywords:
            if kw.arg == "timeout" and is_none(kw.value):
                self._report(kw, name, "`timeout=None`", f"timeout={self._seconds(name)}")

    def _aiohttp_timeout(self, call: ast.Call, name: str) -> None:
        """`aiohttp.ClientTimeout(...)` bounding neither the total nor each socket read."""
        if any(isinstance(a, ast.Starred) for a in call.args) or any(kw.arg is None for kw in call.keywords):
            return
        given: dict[str, ast.AST] = {}
        for field, index in (("total", _CLIENT_TIMEOUT_TOTAL), ("sock_read", _CLIENT_TIMEOUT_SOCK_READ)):
            if len(call.args) > index:
                given[field] = call.args[index]
        for kw in call.keywords:
            if kw.arg in ("total", "sock_read"):
                given[kw.arg] = kw.value
        if any(not is_none(v) for v in given.values()):
            return
        seconds = self._seconds(name)
        total = given.get("total")
        if total is None:
            self._report(call.func, name, "no `total` or `sock_read` timeout", f"total={seconds}")
            return
        for kw in call.keywords:
            if kw.value is total:
                self._report(kw, name, "`total=None`", f"total={seconds}")
                return
        self._report(total, name, "`None` as its total timeout", str(seconds))

    # ----- helpers ------------------------------------------------------------------------
    def _seconds(self, name: str) -> object:
        timeouts = self.ctx.settings.options.timeouts
        if name in LLM_CLIENTS:
            return timeouts.llm
        if name in ("aiohttp.ClientSession", "aiohttp.client.ClientSession"):
            return f"aiohttp.ClientTimeout(total={timeouts.default})"
        spec = CLIENTS.get(name)
        if spec is not None and spec.value != "{timeout}":
            return spec.value.format(timeout=timeouts.default, seconds=math.ceil(timeouts.default))
        return timeouts.default

    def _report(self, node: ast.AST, name: str, detail: str, replacement: str) -> None:
        self.report(
            node,
            callee=name.replace("()", ""),
            detail=detail,
            consequence=_CONSEQUENCES.get(name, _STALLED),
            replacement=replacement,
        )

    @classmethod
    def make_fix(cls, finding: Finding, doc: "FixDocument") -> Fix | None:
        from ..fixes.transforms import keyword_fix, split_keyword, value_fix

        name, value = split_keyword(finding.data["replacement"])  # "timeout=10.0" -> ("timeout", "10")
        imports = [("aiohttp", "ClientTimeout")] if value.startswith("aiohttp.ClientTimeout(") else []
        value = "{0}" + value[len("aiohttp.ClientTimeout"):] if imports else value
        if name is None:
            return value_fix(finding, doc, value, "unsafe", imports=imports)
        return keyword_fix(finding, doc, name, value, "unsafe", imports=imports)
