"""RES014 retry-of-non-idempotent-call."""
from __future__ import annotations

import ast

from ..model import Rule, Severity
from ..names import Binding
from ..apis.http import REQUESTS_SESSIONS
from ._retry import retry_decorator_of, shown

_WRITE_VERBS = ("post", "patch")
_CLIENTS = (*REQUESTS_SESSIONS, "httpx.Client()", "httpx.AsyncClient()", "aiohttp.ClientSession()")
_MODULES = ("requests", "requests.api", "httpx")

_VERB_CALLS = frozenset(
    [f"{m}.{v}" for m in _MODULES for v in _WRITE_VERBS] + [f"{c}.{v}" for c in _CLIENTS for v in _WRITE_VERBS]
)
_REQUEST_CALLS = frozenset([f"{m}.request" for m in _MODULES] + [f"{c}.request" for c in _CLIENTS])
_KEY_HEADERS = frozenset({"idempotency-key", "x-idempotency-key"})


class RetryOfNonIdempotentCall(Rule):
    code = "RES014"
    name = "retry-of-non-idempotent-call"
    message = "`{callee}` sends a {method} inside a function retried by `{decorator}` without an `Idempotency-Key` header: a retry after a timeout can apply the operation twice"
    severity = Severity.WARNING
    refs = ("P8", "T§5")
    fix_applicability = None
    fix_title = None
    callees = _VERB_CALLS | _REQUEST_CALLS

    docs = """
## What it does
Checks for `POST` and `PATCH` requests (`requests`/`httpx` `post`/`patch`, `request("POST", ...)`,
on the modules or on `Session`/`Client`/`AsyncClient`/`aiohttp.ClientSession` instances) made
inside a function under a retry decorator (tenacity `@retry`, `backoff.on_exception`,
`stamina.retry`, a Celery task with `autoretry_for=`, or a `bind=True` Celery task that calls
`self.retry()`) with no `Idempotency-Key` / `X-Idempotency-Key` header in a literal `headers={...}`.
Headers passed as a variable or through `**kwargs` are not checked.

## Why is this bad?
`POST` and `PATCH` are not idempotent. When the request times out after the server has
processed it, the retry sends it again: the customer is charged twice, the order is created
twice, the counter is incremented twice. An idempotency key, generated once per logical
operation and sent on every attempt, lets the server recognise the repeat and return the
first result (guide: P8 idempotent operations; fault-tolerance rules §5: retry only
idempotent operations).

## Example
```python
import requests
from tenacity import retry, stop_after_attempt, wait_exponential_jitter

@retry(stop=stop_after_attempt(3), wait=wait_exponential_jitter(max=10))
def charge(customer_id, amount):
    return requests.post(
        "https://payments.internal/charges",
        json={"customer": customer_id, "amount": amount},
        timeout=10,
    )
```

## Use instead
```python
import uuid

import requests
from tenacity import retry, stop_after_attempt, wait_exponential_jitter

def charge(customer_id, amount):
    return _send_charge(customer_id, amount, idempotency_key=str(uuid.uuid4()))

@retry(stop=stop_after_attempt(3), wait=wait_exponential_jitter(max=10))
def _send_charge(customer_id, amount, idempotency_key):
    return requests.post(
        "https://payments.internal/charges",
        json={"customer": customer_id, "amount": amount},
        headers={"Idempotency-Key": idempotency_key},
        timeout=10,
    )
```

## Fix safety
No fix. The key must be generated once per *logical* operation, outside the retried body —
that is, by the callers of the retried function (a new parameter), which a local rewrite
cannot find or change safely; generating it inside the retried function would give every
attempt a new key and defeat the purpose. Use the idempotency-key POST snippet.

## References
- [IETF draft: The Idempotency-Key HTTP Header Field](https://datatracker.ietf.org/doc/draft-ietf-httpapi-idempotency-key-header/)
- [Stripe: Idempotent requests](https://docs.stripe.com/api/idempotent_requests)
- Guide: P8; fault-tolerance rules §5
"""

    valid = (
        "import requests\nfrom tenacity import retry\n@retry\ndef f(url):\n    return requests.get(url, timeout=5)\n",
        "import requests\nfrom tenacity import retry\n@retry\ndef f(url, key):\n    return requests.post(url, headers={'Idempotency-Key': key}, timeout=5)\n",
        "import httpx\nimport backoff\n@backoff.on_exception(backoff.expo, httpx.HTTPError, max_tries=3)\ndef f(url, key):\n"
        "    return httpx.post(url, headers={'X-Idempotency-Key': key})\n",
        "import requests\ndef f(url):\n    return requests.post(url, json={}, timeout=5)\n",
        "import requests\nfrom tenacity import retry\n@retry\ndef f(url, headers):\n    return requests.post(url, headers=headers, timeout=5)\n",
        "import requests\nimport stamina\n@stamina.retry(on=requests.RequestException)\ndef f(url, **kw):\n    return requests.post(url, **kw)\n",
        "from httpx import Client\nfrom tenacity import retry\nc = Client()\n@retry\ndef f(url):\n    return c.put(url, json={})\n",
        "import requests\nfrom tenacity import retry\n@retry\ndef f(url, method):\n    return requests.request(method, url, timeout=5)\n",
    )
    invalid = (
        "import requests\nfrom tenacity import retry\n@retry\ndef f(url):\n    return requests.post(url, json={}, timeout=5)\n",
        "import requests as r\nimport tenacity as t\n@t.retry(stop=t.stop_after_attempt(3))\ndef f(url):\n"
        "    return r.patch(url, json={}, headers={'Content-Type': 'application/json'}, timeout=5)\n",
        "from httpx import AsyncClient as AC\nimport backoff\n@backoff.on_exception(backoff.expo, Exception, max_tries=3)\n"
        "async def f(url):\n    async with AC() as c:\n        return await c.post(url, json={})\n",
        "import requests\nimport stamina\nclass Api:\n    def __init__(self):\n        self.session = requests.Session()\n"
        "    @stamina.retry(on=Exception)\n    def send(self, url):\n        return self.session.request('POST', url, timeout=5)\n",
        "import requests\nfrom celery import shared_task\n@shared_task(autoretry_for=(requests.RequestException,), retry_backoff=True)\n"
        "def notify(url):\n    requests.post(url, json={}, timeout=5)\n",
        "import requests\nfrom celery import Celery\napp = Celery('w')\n@app.task(bind=True)\ndef notify(self, url):\n    try:\n"
        "        requests.post(url, json={}, timeout=5)\n    except requests.RequestException as exc:\n        raise self.retry(exc=exc, countdown=5)\n",
        "import requests\nfrom tenacity import retry, stop_after_attempt\npolicy = retry(stop=stop_after_attempt(3))\n@policy\ndef f(url):\n"
        "    return requests.post(url, data=b'x', timeout=5)\n",
    )

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        if node.decorator_list:
            # Resolved where the def is (not in its body): kept as a note on the node.
            self.ctx.note(node, "res014_retry", retry_decorator_of(self.ctx, node))

    visit_AsyncFunctionDef = visit_FunctionDef

    def check_call(self, call: ast.Call, callee: Binding) -> None:
        decorator = self.ctx.noted(self.ctx.function, "res014_retry")
        if decorator is None:
            return
        name = callee.qualname
        assert name is not None
        if name in _REQUEST_CALLS:
            method = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "method"), None)
            if not (isinstance(method, ast.Constant) and isinstance(method.value, str)):
                return
            verb = method.value.upper()
            if verb not in ("POST", "PATCH"):
                return
        else:
            verb = name.rsplit(".", 1)[-1].upper()
        if any(k.arg is None for k in call.keywords):
            return  # **kwargs may carry the header
        headers = next((k.value for k in call.keywords if k.arg == "headers"), None)
        if headers is not None:
            if not isinstance(headers, ast.Dict):
                return  # a variable or a call: cannot tell
            for key in headers.keys:
                if key is None:
                    return  # {**base, ...}: cannot tell
                if isinstance(key, ast.Constant) and isinstance(key.value, str) and key.value.lower() in _KEY_HEADERS:
                    return
                if not isinstance(key, ast.Constant):
                    return  # a computed header name: cannot tell
        self.report(call.func, callee=shown(name), method=f"`{verb}`", decorator=decorator)
