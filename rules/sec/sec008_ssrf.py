"""SEC008 ssrf."""
from __future__ import annotations

import ast
import re

from ..context import keyword
from ..flow import flow_for, literal_prefix, taint_sources
from ..model import Rule, Severity
from ..names import Binding
from ._apis import OUTBOUND_HTTP_URL_POSITION

_FIXED_HOST = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://[^/?#@{}\s]+[/?#]")
_CHECK_WORDS = ("allow", "whitelist", "permit", "valid")


class Ssrf(Rule):
    code = "SEC008"
    name = "ssrf"
    message = (
        "URL passed to `{callee}` comes from {source}: an attacker can make the server call internal "
        "services or cloud metadata endpoints (SSRF); check the host against an allow-list first"
    )
    severity = Severity.ERROR
    refs = ("H10",)
    owasp = ("A10",)
    cwe = ("CWE-918",)
    callees = frozenset(OUTBOUND_HTTP_URL_POSITION)

    docs = """
## What it does
Checks for outbound HTTP calls (`requests`, `httpx`, `aiohttp`, `urllib.request.urlopen`,
`urllib3`, their sessions and clients) whose URL comes, within the same function, from
request input: Flask `request.args/form/json/values/data/get_json()`, Django
`request.GET/POST/body`, Starlette/FastAPI `request.query_params/path_params` and the
parameters of FastAPI route handlers, `input()` and `sys.argv`. The value is followed through
local variables. A URL whose literal scheme and host come first (only the path or query from
input) does not fire, nor does a function that tests the URL or its parsed host against a
collection (`in`/`not in`) or through a function whose name contains allow, whitelist,
permit or valid.

## Why is this bad?
A server fetching whatever URL a client names can be pointed at `http://169.254.169.254/`
(cloud credentials), `http://localhost:6379/`, admin panels and other services that trust the
internal network (guide: H10; OWASP A10 server-side request forgery; CWE-918).

## Example
```python
import requests
from flask import Flask, request

app = Flask(__name__)

@app.post("/preview")
def preview():
    return requests.get(request.json["url"], timeout=5).text
```

## Use instead
```python
from urllib.parse import urlparse

import requests
from flask import Flask, abort, request

app = Flask(__name__)
ALLOWED_HOSTS = {"images.example.com", "cdn.example.com"}

@app.post("/preview")
def preview():
    url = request.json["url"]
    if urlparse(url).hostname not in ALLOWED_HOSTS:
        abort(400)
    return requests.get(url, timeout=5).text
```

## Fix safety
There is no automatic fix: the allow-list is application knowledge. Hover explains the
pattern (parse the URL, compare the host with an allow-list, refuse redirects to other hosts).

## References
- [OWASP SSRF Prevention Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html)
- [CWE-918: Server-Side Request Forgery](https://cwe.mitre.org/data/definitions/918.html)
- Guide: H10; OWASP A10
"""

    valid = (
        "import requests\nfrom flask import request\ndef v():\n"
        "    return requests.get(f\"https://api.example.com/items/{request.args['id']}\", timeout=5)\n",
        "import requests\nfrom flask import request\nALLOWED = {'a.example'}\nfrom urllib.parse import urlparse\n"
        "def v():\n    url = request.args['u']\n    if urlparse(url).hostname not in ALLOWED:\n        return 'no'\n"
        "    return requests.get(url, timeout=5)\n",
        "import requests\ndef f(url):\n    return requests.get(url, timeout=5)\n",
        "import requests\nfrom flask import request\ndef v():\n    url = request.args['u']\n"
        "    if not is_allowed_url(url):\n        return 'no'\n    return requests.get(url, timeout=5)\n",
        "import requests\nBASE = 'https://svc.internal'\ndef f(settings):\n    return requests.get(settings.url, timeout=5)\n",
        "from flask import request\ndef v(client):\n    return client.get(request.args['u'])\n",
    )
    invalid = (
        "import requests\nfrom flask import request\ndef v():\n    return requests.get(request.args['url'], timeout=5)\n",
        "import requests as r\nfrom flask import request\ndef v():\n    target = request.get_json()['url']\n"
        "    return r.post(target, timeout=5)\n",
        "import httpx\nfrom fastapi import FastAPI\napp = FastAPI()\n@app.get('/proxy')\nasync def proxy(url: str):\n"
        "    async with httpx.AsyncClient() as c:\n        return (await c.get(url)).text\n",
        "from urllib.request import urlopen\ndef view(request):\n    return urlopen(request.GET['feed'], timeout=5).read()\n",
        "import requests\ndef cli():\n    host = input('host: ')\n    return requests.get(f'http://{host}/status', timeout=5)\n",
        "import requests\nfrom flask import request\ndef v():\n    s = requests.Session()\n"
        "    return s.get('https://api.example.com' + request.args['p'], timeout=5)\n",
    )

    def check_call(self, call: ast.Call, callee: Binding) -> None:
        name = callee.qualname
        assert name is not None
        pos = OUTBOUND_HTTP_URL_POSITION[name]
        kw = keyword(call, "url")
        url = kw.value if kw is not None else (call.args[pos] if len(call.args) > pos else None)
        if url is None or isinstance(url, ast.Starred):
            return
        sources = taint_sources(self.ctx, url)
        if not sources:
            return
        if _FIXED_HOST.match(literal_prefix(self.ctx, url)):
            return
        if self._allow_listed(url):
            return
        shown = name.replace("()", "")
        self.report(url, callee=shown, source=sources[0])

    def _allow_listed(self, url: ast.expr) -> bool:
        fn = self.ctx.function
        if fn is None:
            return False
        flow = flow_for(self.ctx, fn)
        related = _names(url)
        # backwards: the names the URL was built from
        todo = list(related)
        while todo:
            n = todo.pop()
            for _, value, _ in flow.defs.get(n, ()):
                if value is not None:
                    for m in _names(value):
                        if m not in related:
                            related.add(m)
                            todo.append(m)
        # forwards: names derived from those (`host = urlparse(url).hostname`)
        changed = True
        while changed:
            changed = False
            for n, defs in flow.defs.items():
                if n in related:
                    continue
                if any(value is not None and _names(value) & related for _, value, _ in defs):
                    related.add(n)
                    changed = True
        body = fn.body if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)) else [fn.body]  # type: ignore[attr-defined]
        stack = list(body)
        while stack:
            node = stack.pop()
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                continue
            test = None
            if isinstance(node, (ast.If, ast.While, ast.Assert, ast.IfExp)):
                test = node.test
            elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
                test = node.value if _is_check_call(node.value) else None
            if test is not None and _names(test) & related and _is_check(test):
                return True
            stack.extend(ast.iter_child_nodes(node))
        return False


def _names(expr: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(expr) if isinstance(n, ast.Name)}


def _is_check_call(call: ast.Call) -> bool:
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    low = name.lower()
    return any(w in low for w in _CHECK_WORDS)


def _is_check(test: ast.AST) -> bool:
    for node in ast.walk(test):
        if isinstance(node, ast.Compare) and any(isinstance(op, (ast.In, ast.NotIn)) for op in node.ops):
            return True
        if isinstance(node, ast.Call) and _is_check_call(node):
            return True
    return False
