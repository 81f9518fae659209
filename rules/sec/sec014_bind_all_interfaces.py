"""SEC014 bind-all-interfaces."""
from __future__ import annotations

import ast

from ..context import keyword
from ..flow import constant_string
from ..model import Rule, Severity
from ..names import Binding

_ALL = frozenset({"0.0.0.0", "::", "[::]"})
#: qualname -> positional index of `host` (None: keyword only)
_HOST_CALLS: dict[str, int | None] = {
    "flask.Flask().run": 0,
    "uvicorn.run": None,
    "uvicorn.Config": None,
    "aiohttp.web.run_app": None,
    "waitress.serve": None,
}
_BIND_CALLS = frozenset({"socket.socket().bind", "socket.create_server"})


class BindAllInterfaces(Rule):
    code = "SEC014"
    name = "bind-all-interfaces"
    message = (
        "`{callee}` listens on `{host}` (every network interface): the service is reachable from any "
        "network the host is attached to, not only through the intended proxy"
    )
    severity = Severity.INFO
    refs = ("A05",)
    owasp = ("A05",)
    cwe = ("CWE-1327",)
    callees = frozenset({*_HOST_CALLS, *_BIND_CALLS})

    docs = """
## What it does
Checks for servers bound to all interfaces with a literal address: `host="0.0.0.0"` (or
`"::"`) in Flask `app.run`, `uvicorn.run`/`uvicorn.Config`, `aiohttp.web.run_app`,
`waitress.serve`, and `("0.0.0.0", port)` in `socket.bind` / `socket.create_server`.
Addresses read from the environment or configuration are not flagged.

## Why is this bad?
Binding every interface exposes the process on public, VPN and container networks alike,
bypassing the reverse proxy, TLS termination and authentication in front of it; a debug
server bound this way is remote code execution (OWASP A05 security misconfiguration;
CWE-1327). Inside a container `0.0.0.0` is often intended: make that explicit through
configuration so the default stays local.

## Example
```python
import uvicorn

if __name__ == "__main__":
    uvicorn.run("app.main:app", host="0.0.0.0", port=8000)
```

## Use instead
```python
import os

import uvicorn

if __name__ == "__main__":
    uvicorn.run("app.main:app", host=os.environ.get("BIND_HOST", "127.0.0.1"), port=8000)
```

## Fix safety
There is no automatic fix: whether the service must be reachable from other hosts is a
deployment decision.

## References
- [uvicorn settings: --host](https://www.uvicorn.org/settings/#socket-binding)
- [CWE-1327: Binding to an Unrestricted IP Address](https://cwe.mitre.org/data/definitions/1327.html)
- OWASP A05
"""

    valid = (
        "import uvicorn\nuvicorn.run(app, host='127.0.0.1', port=8000)\n",
        "import os, uvicorn\nuvicorn.run(app, host=os.environ['HOST'], port=8000)\n",
        "from flask import Flask\napp = Flask(__name__)\napp.run(host=settings.HOST)\n",
        "import socket\ns = socket.socket()\ns.bind(('127.0.0.1', 8080))\n",
        "class Server:\n    def run(self, host): ...\nServer().run(host='0.0.0.0')\n",
        "import socket\ns = socket.socket()\ns.bind((host, port))\n",
        "import socket\ns = socket.socket()\ns.bind(('', 0))\n",
    )
    invalid = (
        "import uvicorn\nuvicorn.run(app, host='0.0.0.0', port=8000)\n",
        "from flask import Flask\napp = Flask(__name__)\napp.run(host='0.0.0.0', port=5000)\n",
        "from flask import Flask as F\napp = F(__name__)\napp.run('0.0.0.0')\n",
        "import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_STREAM)\ns.bind(('0.0.0.0', 8080))\n",
        "import socket\nwith socket.socket() as srv:\n    srv.bind(('::', 9000))\n",
        "from uvicorn import run as serve\nHOST = '0.0.0.0'\nserve(app, host=HOST)\n",
    )

    def check_call(self, call: ast.Call, callee: Binding) -> None:
        name = callee.qualname
        assert name is not None
        shown = name.replace("()", "")
        if name in _HOST_CALLS:
            kw = keyword(call, "host")
            pos = _HOST_CALLS[name]
            node = kw.value if kw is not None else (call.args[pos] if pos is not None and len(call.args) > pos else None)
            if node is None or isinstance(node, ast.Starred):
                return
            value = constant_string(self.ctx, node)
            if value in _ALL:
                self.report(kw if kw is not None else node, callee=shown, host=value)
            return
        address = call.args[0] if call.args else None
        if not isinstance(address, ast.Tuple) or not address.elts:
            return
        host = constant_string(self.ctx, address.elts[0])
        if host in _ALL:
            self.report(address.elts[0], callee=shown, host=host)
