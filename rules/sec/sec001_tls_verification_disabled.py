"""SEC001 tls-verification-disabled."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ..context import keyword
from ..model import Confidence, Finding, Fix, Rule, Severity
from ..names import Binding, words
from ..apis.http import HTTPX_FUNCTIONS, REQUESTS_FUNCTIONS, REQUESTS_SESSIONS
from ._apis import AIOHTTP_FUNCTIONS, AIOHTTP_METHODS, HTTPX_CLIENT_INSTANCES, HTTPX_CLIENT_METHODS, REQUESTS_SESSION_CALLS

if TYPE_CHECKING:
    from ..fixes.document import FixDocument

_VERIFY_CALLS = frozenset({
    *REQUESTS_FUNCTIONS, *REQUESTS_SESSION_CALLS, *HTTPX_FUNCTIONS, *HTTPX_CLIENT_METHODS,
    "httpx.Client", "httpx.AsyncClient", "httpx.HTTPTransport", "httpx.AsyncHTTPTransport",
})
_SSL_CALLS = frozenset({*AIOHTTP_METHODS, *AIOHTTP_FUNCTIONS})
_UNVERIFIED = frozenset({"ssl._create_unverified_context"})
#: Assigning an unverified factory here switches verification off for the whole process.
_DEFAULT_CONTEXT = "ssl._create_default_https_context"
_CERT_NONE = frozenset({"ssl.CERT_NONE", "ssl.VerifyMode.CERT_NONE"})
_CERT_REQS_CALLS = frozenset({
    "urllib3.PoolManager", "urllib3.HTTPSConnectionPool", "urllib3.connectionpool.HTTPSConnectionPool",
    "urllib3.poolmanager.PoolManager", "ssl.wrap_socket",
})
_SESSION_OBJECTS = frozenset({*REQUESTS_SESSIONS, *HTTPX_CLIENT_INSTANCES})
#: Words of an option that switches verification (`args.verify_ssl`, `settings.INSECURE`, `no_verify`).
_SWITCH_WORDS = frozenset({"verify", "ssl", "tls", "insecure", "cert", "certs", "certificate", "certificates",
                           "unverified"})
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.Module)


class TlsVerificationDisabled(Rule):
    code = "SEC001"
    name = "tls-verification-disabled"
    message = (
        "`{what}` disables TLS certificate verification: anyone on the network path can impersonate "
        "the server and read or alter the traffic"
    )
    severity = Severity.ERROR
    refs = ("H10",)
    owasp = ("A02", "A07")
    cwe = ("CWE-295",)
    fix_applicability = "unsafe"
    fix_title = "Remove the argument that disables certificate verification"
    callees = frozenset({*_VERIFY_CALLS, *_SSL_CALLS, *_UNVERIFIED, *_CERT_REQS_CALLS})

    docs = """
## What it does
Checks for code that turns TLS certificate verification off: `verify=False` on `requests`
and `httpx` calls, sessions and clients (also `session.verify = False`), `ssl=False` /
`verify_ssl=False` on `aiohttp`, `ssl._create_unverified_context()`, `ssl.CERT_NONE`
(`cert_reqs=ssl.CERT_NONE`, `ctx.verify_mode = ssl.CERT_NONE`), `ctx.check_hostname = False`,
and the process-wide `ssl._create_default_https_context = ssl._create_unverified_context`
(at module or function level), which turns verification off for every later `urllib` and
`http.client` HTTPS request of the process.

A switch-off inside an `if` whose test reads an option named for verification (`if not
args.verify_ssl:`, `if settings.INSECURE:`, `if options["no_verify"]:`; words verify, ssl, tls,
insecure, cert, unverified) is the review tier: the user asked for it explicitly (a
`--no-verify-ssl` flag). An unconditional switch-off stays in the default tier.

## Why is this bad?
Without certificate and host-name checks, TLS still encrypts, but to whoever answers: a
proxy, a compromised Wi-Fi access point or a DNS hijack can impersonate the server, read
credentials and rewrite responses (guide: H10; OWASP A02 cryptographic failures, A07
identification and authentication failures; CWE-295). "Temporary" `verify=False` for a
self-signed staging host routinely reaches production. Comparisons such as
`ctx.verify_mode == ssl.CERT_NONE` only read the setting and are not flagged.

## Example
```python
import requests

def fetch_invoice(invoice_id):
    return requests.get(f"https://billing.internal/invoices/{invoice_id}", verify=False, timeout=10)
```

## Use instead
```python
import requests

def fetch_invoice(invoice_id):
    # trust the internal CA explicitly instead of trusting everyone
    return requests.get(
        f"https://billing.internal/invoices/{invoice_id}", verify="/etc/ssl/internal-ca.pem", timeout=10
    )
```

## Fix safety
The fix removes `verify=False` / `ssl=False` / `verify_ssl=False` so that the library's
default (verification on) applies. It is **unsafe**: calls to hosts with self-signed or
internal certificates start failing until the right CA bundle is configured
(`verify="/path/ca.pem"`). `session.verify = False`, `check_hostname = False`, `CERT_NONE` and
`ssl._create_unverified_context()` have no automatic fix: use a default context
(`ssl.create_default_context(cafile=...)`).

## References
- [requests: SSL Cert Verification](https://requests.readthedocs.io/en/latest/user/advanced/#ssl-cert-verification)
- [ssl: security considerations](https://docs.python.org/3/library/ssl.html#security-considerations)
- [CWE-295: Improper Certificate Validation](https://cwe.mitre.org/data/definitions/295.html)
- Guide: H10; OWASP A02, A07
"""

    valid = (
        'import requests\ndef f(s: requests.Session, u):\n    return s.get(u, timeout=5)\n',
        "import requests\nrequests.get('https://x', verify='/etc/ssl/ca.pem', timeout=5)\n",
        "import requests\nrequests.get('https://x', verify=True, timeout=5)\n",
        "import httpx\nhttpx.Client(verify=ca_bundle)\n",
        "import ssl\nctx = ssl.create_default_context()\nif ctx.verify_mode == ssl.CERT_NONE:\n    raise RuntimeError\n",
        "import ssl\nctx = ssl.create_default_context()\nctx.check_hostname = True\n",
        "import ssl\nMODES = {ssl.CERT_NONE: 0, ssl.CERT_REQUIRED: 2}\n",
        "import ssl\ndef mode(verify):\n    return ssl.CERT_REQUIRED if verify else ssl.CERT_NONE\n",
        "class Api:\n    def get(self, url, verify=True): ...\nApi().get('https://x', verify=False)\n",
        "def get(url, verify): ...\nget('https://x', verify=False)\n",
        "import aiohttp\nasync def f():\n    async with aiohttp.ClientSession() as s:\n"
        "        await s.get('https://x', ssl=ssl_context)\n",
        "import ssl\nssl._create_default_https_context = ssl.create_default_context\n",
        "import ssl\nclass Cfg:\n    pass\nCfg._create_default_https_context = ssl._create_unverified_context\n",
    )
    invalid = (
        'import requests\ndef f(s: requests.Session, u):\n    return s.get(u, verify=False, timeout=5)\n',
        "import requests\nrequests.get('https://x', verify=False, timeout=5)\n",
        "import requests as r\nr.post('https://x', json={}, verify=False, timeout=5)\n",
        "from httpx import Client as HttpClient\nHttpClient(verify=False)\n",
        "import requests\ns = requests.Session()\ns.verify = False\n",
        "import requests\nclass A:\n    def __init__(self):\n        self.session = requests.Session()\n"
        "    def go(self):\n        return self.session.get('https://x', verify=False, timeout=5)\n",
        "import aiohttp\nasync def f():\n    async with aiohttp.ClientSession() as s:\n"
        "        await s.get('https://x', ssl=False)\n",
        "import ssl\nctx = ssl._create_unverified_context()\n",
        "import ssl\nctx = ssl.create_default_context()\nctx.check_hostname = False\nctx.verify_mode = ssl.CERT_NONE\n",
        "from ssl import CERT_NONE\nimport urllib3\nurllib3.PoolManager(cert_reqs=CERT_NONE)\n",
        "import ssl\nssl._create_default_https_context = ssl._create_unverified_context\n",
        "import ssl as s\ndef insecure():\n    s._create_default_https_context = s._create_unverified_context\n",
        # An unrelated condition does not make it a user's choice.
        "import requests\ndef f(debug):\n    if debug:\n        return requests.get('https://x', verify=False, timeout=5)\n",
    )

    review_tier = """
- A switch-off inside `if <option named for verification>:` (`if not args.verify_ssl:`,
  `if self.insecure:`, `if options["no_verify"]:`): the user turned verification off explicitly,
  as with aider's `--no-verify-ssl`. Whether offering that option is acceptable needs a human look.
"""

    review_examples = (
        # aider-chat, aider/main.py: only under the user's explicit `--no-verify-ssl` flag.
        "import httpx\ndef main(args):\n    if not args.verify_ssl:\n        client = httpx.Client(verify=False)\n"
        "        return client\n",
        "import requests\nclass Api:\n    def __init__(self, insecure=False):\n        self.session = requests.Session()\n"
        "        if insecure:\n            self.session.verify = False\n",
    )

    @classmethod
    def make_fix(cls, finding: Finding, doc: "FixDocument") -> Fix | None:
        import libcst as cst

        from ..fixes.transforms import remove_keyword

        arg = doc.node_at(finding.span, cst.Arg)
        if arg is None or arg.keyword is None or arg.keyword.value not in ("verify", "ssl", "verify_ssl"):
            return None  # `s.verify = False`, `check_hostname`, `CERT_NONE`: no fix
        if not (isinstance(arg.value, cst.Name) and arg.value.value == "False"):
            return None
        call = doc.parent(arg)
        if not isinstance(call, cst.Call):
            return None
        name = arg.keyword.value
        return doc.replace(call, remove_keyword(call, name), f"Remove `{name}=False`", "unsafe")

    def _flag(self, node: ast.AST, what: str) -> None:
        """Every switch-off inside `if <verification option>:` is the user's explicit choice: review tier."""
        review = _under_verification_switch(self.ctx.parents)
        self.report(node, confidence=Confidence.MEDIUM if review else None, what=what)

    def check_call(self, call: ast.Call, callee: Binding) -> None:
        name = callee.qualname
        assert name is not None
        shown = name.replace("()", "")
        if name in _UNVERIFIED:
            self._flag(call.func, f"{shown}()")
            return
        if name in _VERIFY_CALLS:
            kw = keyword(call, "verify")
            if kw is not None and _is_false(kw.value):
                self._flag(kw, "verify=False")
        if name in _SSL_CALLS:
            for arg in ("ssl", "verify_ssl"):
                kw = keyword(call, arg)
                if kw is not None and _is_false(kw.value):
                    self._flag(kw, f"{arg}=False")
        if name in _CERT_REQS_CALLS:
            kw = keyword(call, "cert_reqs")
            if kw is not None and isinstance(kw.value, ast.Constant) and kw.value.value in ("CERT_NONE", "NONE"):
                self._flag(kw, f"cert_reqs={kw.value.value!r}")
            # cert_reqs=ssl.CERT_NONE is reported by visit_Attribute/visit_Name

    # ----- ssl.CERT_NONE used anywhere but in a comparison -----------------------------
    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr == "CERT_NONE" and isinstance(node.ctx, ast.Load):
            self._cert_none(node)

    def visit_Name(self, node: ast.Name) -> None:
        if node.id == "CERT_NONE" and isinstance(node.ctx, ast.Load):
            self._cert_none(node)

    def _cert_none(self, node: ast.expr) -> None:
        if self.ctx.qualname(node) not in _CERT_NONE:
            return
        parent = self.ctx.parent
        if isinstance(parent, ast.Compare):
            return
        if isinstance(parent, ast.keyword):
            self._flag(parent, f"{parent.arg}={ast.unparse(node)}")
        elif isinstance(parent, (ast.Assign, ast.AnnAssign)):
            targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
            shown = ast.unparse(targets[0]) if len(targets) == 1 else "target"
            if isinstance(targets[0], ast.Name):
                return  # a module constant that merely names the mode; its use is reported
            self._flag(parent, f"{shown} = {ast.unparse(node)}")
        elif isinstance(parent, ast.Call) and node in parent.args:
            self._flag(node, ast.unparse(node))
        # elsewhere (dict keys of mapping tables, `a if verify else ssl.CERT_NONE`): a value
        # chosen by configuration, not a hard-coded switch-off: silent

    # ----- ctx.check_hostname = False / session.verify = False ------------------------
    def visit_Assign(self, node: ast.Assign) -> None:
        self._process_wide_context(node)
        if not _is_false(node.value):
            return
        for target in node.targets:
            if not isinstance(target, ast.Attribute):
                continue
            if target.attr == "check_hostname":
                self._flag(node, f"{ast.unparse(target)} = False")
            elif target.attr == "verify":
                owner = self.ctx.qualname(target.value)
                if owner in _SESSION_OBJECTS:
                    self._flag(node, f"{ast.unparse(target)} = False")


    def _process_wide_context(self, node: ast.Assign) -> None:
        """`ssl._create_default_https_context = ssl._create_unverified_context`: every later
        `urllib`/`http.client` HTTPS connection of the process skips verification."""
        if self.ctx.qualname(node.value) not in _UNVERIFIED:
            return
        for target in node.targets:
            if isinstance(target, ast.Attribute) and self.ctx.qualname(target) == _DEFAULT_CONTEXT:
                self._flag(node, f"{ast.unparse(target)} = {ast.unparse(node.value)} (for the whole process)")


def _under_verification_switch(parents: list[ast.AST]) -> bool:
    """An enclosing `if` (in the same function) tests an option named for verification:
    `if not args.verify_ssl:`, `if self.insecure:`, `if settings.SKIP_TLS_VERIFY:`."""
    for parent in reversed(parents):
        if isinstance(parent, _SCOPES):
            return False
        if isinstance(parent, ast.If) and _names_switch(parent.test):
            return True
    return False


def _names_switch(test: ast.expr) -> bool:
    for node in ast.walk(test):
        ident = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None
        if ident is not None and _SWITCH_WORDS.intersection(words(ident)):
            return True
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and _SWITCH_WORDS.intersection(words(node.value)):
            return True  # options["verify_ssl"], os.getenv("INSECURE")
    return False


def _is_false(expr: ast.AST) -> bool:
    return isinstance(expr, ast.Constant) and expr.value is False
