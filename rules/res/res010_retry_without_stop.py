"""RES010 retry-without-stop."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ..context import is_none
from ..model import Finding, Fix, Rule, Severity
from ..names import Binding
from ._retry import BACKOFF_DECORATORS, TENACITY_POLICY_CALLS, TENACITY_RETRY, has_kwargs, kw, policy_unknown, shown, tenacity_short

if TYPE_CHECKING:
    from ..fixes.document import FixDocument


class RetryWithoutStop(Rule):
    code = "RES010"
    name = "retry-without-stop"
    message = "`{callee}` {problem}: a failure that does not go away is retried forever, holding the caller and hammering the failing dependency"
    severity = Severity.ERROR
    refs = ("RF2", "C1", "T§5")
    cwe = ("CWE-835",)
    fix_applicability = "unsafe"
    fix_title = "Add `stop=stop_after_attempt({attempts})`"
    callees = TENACITY_POLICY_CALLS | BACKOFF_DECORATORS

    docs = """
## What it does
Checks for retry policies that never give up: tenacity's `@retry`, `@retry(...)`,
`retry(...)(fn)`, `Retrying(...)` and `AsyncRetrying(...)` with no `stop=` (tenacity's
default is `stop_never`), or with `stop=None` / `stop=stop_never`; and `backoff.on_exception` /
`backoff.on_predicate` with neither `max_tries` nor `max_time`.

## Why is this bad?
An unbounded retry turns a lasting failure (a dependency that is down, a bad credential,
a request the server will always reject) into an endless loop: the caller never returns,
the worker or request slot it holds is lost, and every such caller keeps load on the
dependency exactly when it is trying to recover (guide: RF2 "retries without a bound",
C1 slow dependency → pool exhaustion → cascading failure; fault-tolerance rules §5).
`stamina.retry` is not flagged: it is bounded by default.

## Example
```python
import httpx
from tenacity import retry, wait_exponential_jitter

@retry(wait=wait_exponential_jitter(max=10))
def fetch_invoice(invoice_id):
    return httpx.get(f"https://billing.internal/invoices/{invoice_id}").json()
```

## Use instead
```python
import httpx
from tenacity import retry, stop_after_attempt, wait_exponential_jitter

@retry(stop=stop_after_attempt(3), wait=wait_exponential_jitter(max=10))
def fetch_invoice(invoice_id):
    return httpx.get(f"https://billing.internal/invoices/{invoice_id}").json()
```

## Fix safety
The fix adds `stop=stop_after_attempt(<retry.attempts>)` (3 unless configured) and the
`stop_after_attempt` import; for `backoff` it adds `max_tries=<retry.attempts>`. It is
**unsafe**: a call that used to retry until it succeeded now raises `RetryError` (or the
last exception) after the last attempt, which callers may not handle.

## References
- [tenacity: Stopping](https://tenacity.readthedocs.io/en/latest/#stopping)
- [backoff: on_exception](https://github.com/litl/backoff#backoffon_exception)
- Guide: RF2, C1; fault-tolerance rules §5
"""

    valid = (
        'from tenacity import retry, stop_after_attempt\ndef make_policy():\n    return retry(stop=stop_after_attempt(3))\n',
        "from tenacity import retry, stop_after_attempt\n@retry(stop=stop_after_attempt(3))\ndef f(): ...\n",
        "import tenacity as t\n@t.retry(stop=t.stop_after_delay(30))\ndef f(): ...\n",
        "import tenacity\nfor attempt in tenacity.Retrying(stop=tenacity.stop_after_attempt(5)):\n    pass\n",
        "from tenacity import retry\n@retry(**policy)\ndef f(): ...\n",
        "from tenacity import retry\n@retry(stop=STOP)\ndef f(): ...\n",
        "import stamina\n@stamina.retry(on=Exception)\ndef f(): ...\n",
        "import backoff\n@backoff.on_exception(backoff.expo, OSError, max_tries=5)\ndef f(): ...\n",
        "from backoff import on_predicate as onp\n@onp(backoff.fibo, max_time=60)\ndef f(): ...\n",
        "def retry(fn): return fn\n@retry\ndef f(): ...\n",
    )
    invalid = (
        'from tenacity import retry\ndef make_policy():\n    return retry(reraise=True)\n',
        'from tenacity import Retrying\ndef run(fn):\n    return call_with(Retrying(reraise=True), fn)\n',
        'import backoff\npolicy = backoff.on_exception(backoff.expo, OSError)\n',
        "from tenacity import retry\n@retry\ndef f(): ...\n",
        "from tenacity import retry\n@retry()\ndef f(): ...\n",
        "import tenacity as t\n@t.retry(wait=t.wait_random(0, 2))\ndef f(): ...\n",
        "from tenacity import retry as with_retry\nsafe_fetch = with_retry(reraise=True)(fetch)\n",
        "from tenacity import Retrying\nfor attempt in Retrying():\n    with attempt:\n        pass\n",
        "from tenacity import AsyncRetrying\nasync def f():\n    async for attempt in AsyncRetrying(reraise=True):\n        pass\n",
        "from tenacity import retry, stop_never\n@retry(stop=stop_never)\ndef f(): ...\n",
        "import backoff\n@backoff.on_exception(backoff.expo, OSError)\ndef f(): ...\n",
        "from backoff import on_predicate\n@on_predicate(backoff.expo, max_tries=None)\ndef f(): ...\n",
    )

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for deco in node.decorator_list:
            if isinstance(deco, (ast.Name, ast.Attribute)) and self.ctx.qualname(deco) == TENACITY_RETRY:
                self._report(deco, "tenacity.retry", "has no `stop=`")

    visit_AsyncFunctionDef = visit_FunctionDef

    def check_call(self, call: ast.Call, callee: Binding) -> None:
        name = callee.qualname
        assert name is not None
        if name in BACKOFF_DECORATORS:
            if has_kwargs(call):
                return
            tries, time = kw(call, "max_tries"), kw(call, "max_time")
            if tries is None and time is None:
                self._report(call.func, name, "has neither `max_tries` nor `max_time`")
            elif all(k is None or is_none(k.value) for k in (tries, time)):
                bad = tries if tries is not None else time
                self._report(bad, name, f"has `{bad.arg}=None` and no other bound")
            return
        if policy_unknown(call, name):
            return
        stop = kw(call, "stop")
        if stop is None:
            self._report(call.func, name, "has no `stop=`")
        elif is_none(stop.value):
            self._report(stop, name, "has `stop=None`")
        elif tenacity_short(self.ctx.qualname(stop.value)) == "stop_never":
            self._report(stop, name, "has `stop=stop_never`")

    def _report(self, node: ast.AST, name: str, problem: str) -> None:
        self.report(node, callee=shown(name), problem=problem, attempts=self.ctx.settings.options.retry.attempts)

    @classmethod
    def make_fix(cls, finding: Finding, doc: "FixDocument") -> Fix | None:
        from ..fixes.transforms import keyword_fix

        attempts = doc.options.retry.attempts
        if finding.data["callee"].startswith("backoff."):
            return keyword_fix(finding, doc, "max_tries", str(attempts), "unsafe")
        return keyword_fix(finding, doc, "stop", f"{{0}}({attempts})", "unsafe",
                           f"Add `stop=stop_after_attempt({attempts})`", [("tenacity", "stop_after_attempt")])
