"""RES001 http-call-without-timeout."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ..context import call_has_arg, keyword
from ..index.view import defined_here_uses
from ..model import Finding, Fix, Related, Rule, Severity
from ..names import Binding
from ..apis.http import REQUESTS_FUNCTIONS, REQUESTS_SESSION_METHODS, TIMEOUT_POSITIONS

if TYPE_CHECKING:
    from ..fixes.document import FixDocument


class HttpCallWithoutTimeout(Rule):
    code = "RES001"
    name = "http-call-without-timeout"
    message = "`{callee}` called without a timeout: a stalled server blocks this call forever"
    severity = Severity.WARNING
    refs = ("H5", "C1", "T§6")
    cwe = ("CWE-400",)
    fix_applicability = "unsafe"
    fix_title = "Add `timeout={timeout}`"
    callees = frozenset({*REQUESTS_FUNCTIONS, *REQUESTS_SESSION_METHODS, *TIMEOUT_POSITIONS})

    docs = """
## What it does
Checks for outbound HTTP and socket calls made without a timeout: `requests` functions and
`Session` methods, `urllib.request.urlopen`, `http.client.HTTPConnection`/`HTTPSConnection`,
`urllib3.PoolManager`/`urllib3.request` and `socket.create_connection`.

## Why is this bad?
These APIs wait forever by default. One slow or half-dead dependency then holds a worker,
a thread or a connection for as long as it likes; under load the pool drains and the
failure cascades to every caller (guide: H5 "everything has a timeout", C1 slow dependency
→ pool exhaustion → cascading failure; fault-tolerance rule §6). `httpx` is not flagged:
it defaults to 5 seconds.

## Example
```python
import requests

def fetch_user(user_id):
    return requests.get(f"https://users.internal/{user_id}").json()
```

## Use instead
```python
import requests

def fetch_user(user_id):
    return requests.get(f"https://users.internal/{user_id}", timeout=10).json()
```

## Fix safety
The fix inserts `timeout=<timeouts.default>` (10 s unless configured). It is **unsafe**:
a call that used to wait indefinitely can now raise `Timeout`, which changes behaviour.

## References
- [requests: Timeouts](https://requests.readthedocs.io/en/latest/user/advanced/#timeouts)
- [urllib.request.urlopen](https://docs.python.org/3/library/urllib.request.html#urllib.request.urlopen)
- Guide: H5, C1; fault-tolerance rules §6
"""

    valid = (
        'import requests\ndef fetch(session: requests.Session, u):\n    return session.get(u, timeout=5)\n',
        "def fetch(session: 'Any', u):\n    return session.get(u)\n",
        "import requests\nrequests.get('https://x', timeout=5)\n",
        "import httpx\nhttpx.get('https://x')\n",
        "from requests import get\nget('https://x', timeout=(3, 10))\n",
        "import requests\ns = requests.Session()\ns.get('https://x', timeout=5)\n",
        "import requests\nrequests.get('https://x', **opts)\n",
        "class C:\n    def get(self, url): ...\nC().get('https://x')\n",
        "def get(url): ...\nget('https://x')\n",
        "d = {}\nd.get('https://x')\n",
        "import urllib.request\nurllib.request.urlopen('https://x', None, 10)\n",
        "import socket\nsocket.create_connection(('h', 80), 5)\n",
        "import requests\nrequests.get('https://x', timeout=None)\n",
    )
    invalid = (
        'import requests\ndef fetch(session: requests.Session, u):\n    return session.get(u)\n',
        "from typing import Optional\nimport requests\ndef fetch(u, session: 'Optional[requests.Session]' = None):\n    session = session or requests.Session()\n    return session.get(u)\n",
        'import requests\ndef f(u, s: requests.Session | None = None):\n    s = s if s else requests.Session()\n    return s.post(u)\n',
        'import requests\ndef make() -> requests.Session:\n    return requests.Session()\ndef go(u):\n    return make().get(u)\n',
        'import requests\nfrom dataclasses import dataclass\n@dataclass\nclass Api:\n    session: requests.Session\n    def go(self, u):\n        return self.session.get(u)\n',
        'import requests\nclass Api:\n    def __init__(self, s):\n        self.s: requests.Session = s\n    def go(self, u):\n        return self.s.get(u)\n',
        "import requests\nrequests.get('https://x')\n",
        "import requests as r\nr.post('https://x', json={})\n",
        "from requests import get as fetch\nfetch('https://x')\n",
        "import requests\ns = requests.Session()\ns.get('https://x')\n",
        "import requests\nwith requests.Session() as s:\n    s.get('https://x')\n",
        "import requests\nclass A:\n    def __init__(self):\n        self.session = requests.Session()\n"
        "    def go(self):\n        return self.session.get('https://x')\n",
        "from urllib.request import urlopen\nurlopen('https://x')\n",
        "import http.client\nhttp.client.HTTPSConnection('example.com')\n",
        "import socket\nsocket.create_connection(('h', 80))\n",
        "import urllib3\nurllib3.PoolManager()\n",
    )

    def check_call(self, call: ast.Call, callee: Binding) -> None:
        name = callee.qualname
        assert name is not None
        kw = keyword(call, "timeout")
        if kw is not None:
            return  # timeout=None is RES002's
        if call_has_arg(call, "timeout", TIMEOUT_POSITIONS.get(name)):
            return
        # Cross-module (workspace index): the instance was built in another module.
        origin = callee.origin if getattr(callee.origin, "indexed", False) else None
        wrappers = self.ctx.settings.options.http_wrappers
        if wrappers and any(
            name.startswith(w) or (origin is not None and origin.qualname.startswith(w)) for w in wrappers
        ):
            return
        shown = name.replace("()", "")
        finding = self.report(call.func, callee=shown, timeout=self.ctx.settings.options.timeouts.default)
        if origin is not None:
            finding.related = (Related(
                origin.path, origin.span,
                f"`{origin.qualname}` is a `{origin.ctor}` built here; it has no default timeout",
            ),)
        elif getattr(self.ctx, "workspace", None) is not None:
            finding.related = defined_here_uses(self.ctx, call, functions_only=True)

    @classmethod
    def make_fix(cls, finding: Finding, doc: "FixDocument") -> Fix | None:
        from ..fixes.transforms import add_keyword, call_fix, keyword_arg, number

        timeout = number(doc.options.timeouts.default)
        return call_fix(
            finding, doc,
            lambda call: call if keyword_arg(call, "timeout") else add_keyword(call, "timeout", timeout),
            cls.fix_title.format(timeout=timeout), "unsafe",
        )
