"""SEC011 permissive-cors-with-credentials."""
from __future__ import annotations

import ast

from ..context import keyword
from ..model import Rule, Severity

_CORS_MIDDLEWARE = frozenset({
    "starlette.middleware.cors.CORSMiddleware", "fastapi.middleware.cors.CORSMiddleware",
})
_FLASK_CORS = frozenset({"flask_cors.CORS", "flask_cors.cross_origin", "flask_cors.extension.CORS"})


class PermissiveCorsWithCredentials(Rule):
    code = "SEC011"
    name = "permissive-cors-with-credentials"
    message = (
        "`{api}` allows any origin together with credentials: any website a user visits can make "
        "authenticated requests to this API and read the responses"
    )
    severity = Severity.ERROR
    refs = ("H10",)
    owasp = ("A05",)
    cwe = ("CWE-942",)

    docs = """
## What it does
Checks for CORS configured with a wildcard origin and credentials at the same time:
Starlette/FastAPI `CORSMiddleware` (through `app.add_middleware(CORSMiddleware, ...)`,
`Middleware(CORSMiddleware, ...)` or a direct call) with `allow_origins=["*"]` and
`allow_credentials=True`, and flask-cors `CORS(...)`/`@cross_origin(...)` with
`origins="*"` (the flask-cors default when neither `origins` nor `resources` is given) and
`supports_credentials=True`.

## Why is this bad?
Browsers refuse `Access-Control-Allow-Origin: *` with credentials, so these libraries echo
the caller's `Origin` back instead: every site on the internet then gets cookie-authenticated,
readable access to the API on behalf of any logged-in visitor (guide: H10; OWASP A05 security
misconfiguration; CWE-942). Origins given as variables are not flagged.

## Example
```python
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)
```

## Use instead
```python
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()
app.add_middleware(
    CORSMiddleware, allow_origins=["https://app.example.com"], allow_credentials=True
)
```

## Fix safety
There is no automatic fix: only the team knows which origins should be trusted.

## References
- [Starlette: CORSMiddleware](https://www.starlette.io/middleware/#corsmiddleware)
- [flask-cors: supports_credentials](https://flask-cors.readthedocs.io/en/latest/api.html)
- [CWE-942: Permissive Cross-domain Policy](https://cwe.mitre.org/data/definitions/942.html)
- Guide: H10; OWASP A05
"""

    valid = (
        "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\napp = FastAPI()\n"
        "app.add_middleware(CORSMiddleware, allow_origins=['https://a.example'], allow_credentials=True)\n",
        "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\napp = FastAPI()\n"
        "app.add_middleware(CORSMiddleware, allow_origins=['*'])\n",
        "from starlette.middleware.cors import CORSMiddleware\napp.add_middleware(CORSMiddleware, "
        "allow_origins=ORIGINS, allow_credentials=True)\n",
        "from flask_cors import CORS\nCORS(app, origins=['https://a.example'], supports_credentials=True)\n",
        "from flask_cors import CORS\nCORS(app)\n",
        "class CORSMiddleware: ...\napp.add_middleware(CORSMiddleware, allow_origins=['*'], allow_credentials=True)\n",
    )
    invalid = (
        "from fastapi.middleware.cors import CORSMiddleware\n"
        "app.add_middleware(CORSMiddleware, allow_origins=['*'], allow_credentials=True)\n",
        "from starlette.middleware import Middleware\nfrom starlette.middleware.cors import CORSMiddleware as Cors\n"
        "middleware = [Middleware(Cors, allow_origins=('*',), allow_credentials=True)]\n",
        "import fastapi.middleware.cors as cors\napp.add_middleware(cors.CORSMiddleware, allow_origins='*', "
        "allow_credentials=True)\n",
        "from flask_cors import CORS\nCORS(app, origins='*', supports_credentials=True)\n",
        "import flask_cors\nflask_cors.CORS(app, supports_credentials=True)\n",
        "from flask_cors import cross_origin\n@cross_origin(origins=['*'], supports_credentials=True)\ndef view(): ...\n",
    )

    def visit_Call(self, node: ast.Call) -> None:
        if not node.keywords:
            return
        creds = None
        for kw in node.keywords:
            if kw.arg in ("allow_credentials", "supports_credentials"):
                creds = kw
                break
        if creds is None or not (isinstance(creds.value, ast.Constant) and creds.value.value is True):
            return
        if creds.arg == "allow_credentials":
            api = None
            callee = self.ctx.qualname(node.func)
            if callee in _CORS_MIDDLEWARE:
                api = callee
            else:
                for arg in node.args[:2]:
                    name = self.ctx.qualname(arg)
                    if name in _CORS_MIDDLEWARE:
                        api = name
                        break
            if api is None:
                return
            origins = keyword(node, "allow_origins")
            if origins is not None and _wildcard(origins.value):
                self.report(origins, api="CORSMiddleware")
            return
        callee = self.ctx.qualname(node.func)
        if callee not in _FLASK_CORS:
            return
        shown = callee.rsplit(".", 1)[-1]
        origins = keyword(node, "origins")
        if origins is not None:
            if _wildcard(origins.value):
                self.report(origins, api=shown)
            return
        if keyword(node, "resources") is not None or any(k.arg is None for k in node.keywords):
            return
        self.report(creds, api=shown)


def _wildcard(expr: ast.AST) -> bool:
    if isinstance(expr, ast.Constant):
        return expr.value == "*"
    if isinstance(expr, (ast.List, ast.Tuple, ast.Set)):
        return any(isinstance(e, ast.Constant) and e.value == "*" for e in expr.elts)
    return False
