"""RES012 retry-on-any-exception."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ..model import Finding, Fix, Rule, Severity
from ..names import Binding
from ._retry import TENACITY_POLICY_CALLS, TENACITY_RETRY, kw, policy_unknown, shown

if TYPE_CHECKING:
    from ..fixes.document import FixDocument


class RetryOnAnyException(Rule):
    code = "RES012"
    name = "retry-on-any-exception"
    message = "`{callee}` has no `retry=` predicate: it also retries bugs such as `TypeError` or `KeyError`, repeating work that can never succeed and delaying the real error"
    severity = Severity.INFO
    refs = ("T§5",)
    fix_applicability = "unsafe"
    fix_title = "Add `retry=retry_if_exception_type(...)` for the transport errors of the library called"
    callees = TENACITY_POLICY_CALLS

    docs = """
## What it does
Checks tenacity retry policies (`@retry`, `@retry(...)`, `retry(...)(fn)`, `Retrying(...)`,
`AsyncRetrying(...)`) with no `retry=` argument. tenacity's default is to retry on every
exception. Any `retry=` value (a predicate, a combination, a variable) is accepted.

## Why is this bad?
Only transient failures are worth retrying: timeouts, connection resets, 503s. Without a
predicate a programming error (`TypeError`, `KeyError`, a validation error, a 4xx turned
into an exception) is retried too: the work is repeated for nothing, the real traceback is
delayed by the whole backoff schedule and may be hidden behind a `RetryError`
(fault-tolerance rules §5: retry only what is transient).

## Example
```python
import httpx
from tenacity import retry, stop_after_attempt, wait_exponential_jitter

@retry(stop=stop_after_attempt(3), wait=wait_exponential_jitter(max=10))
def get_rates(base):
    return httpx.get("https://fx.internal/rates", params={"base": base}).json()
```

## Use instead
```python
import httpx
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential_jitter

@retry(
    stop=stop_after_attempt(3),
    wait=wait_exponential_jitter(max=10),
    retry=retry_if_exception_type((httpx.TransportError,)),
)
def get_rates(base):
    return httpx.get("https://fx.internal/rates", params={"base": base}).json()
```

## Fix safety
The fix adds `retry=retry_if_exception_type((...,))` with the transport errors of the
library called in the body (`requests.ConnectionError`/`requests.Timeout`,
`httpx.TransportError`, …) and the import. It is **unsafe**: exceptions outside that list
are no longer retried and reach the caller at the first attempt.

## References
- [tenacity: Whether to retry](https://tenacity.readthedocs.io/en/latest/#whether-to-retry)
- Guide: fault-tolerance rules §5
"""

    valid = (
        'from tenacity import Retrying, retry_if_exception_type\ndef make():\n    return Retrying(retry=retry_if_exception_type(OSError))\n',
        "from tenacity import retry, retry_if_exception_type\n@retry(retry=retry_if_exception_type(OSError))\ndef f(): ...\n",
        "import tenacity as t\n@t.retry(retry=t.retry_if_exception_type(TimeoutError) | t.retry_if_result(bool))\ndef f(): ...\n",
        "from tenacity import Retrying\nfor a in Retrying(retry=SHOULD_RETRY):\n    pass\n",
        "from tenacity import retry\n@retry(**policy)\ndef f(): ...\n",
        "import backoff\n@backoff.on_exception(backoff.expo, OSError, max_tries=3)\ndef f(): ...\n",
        "import stamina\n@stamina.retry(on=OSError, attempts=3)\ndef f(): ...\n",
        "class C:\n    def retry(self, **kw): ...\nC().retry(stop=1)\n",
    )
    invalid = (
        'from tenacity import Retrying, stop_after_attempt\ndef make():\n    return Retrying(stop=stop_after_attempt(3))\n',
        'from tenacity import retry, stop_after_attempt\npolicy = retry(stop=stop_after_attempt(3))\n',
        "from tenacity import retry\n@retry\ndef f(): ...\n",
        "from tenacity import retry, stop_after_attempt\n@retry(stop=stop_after_attempt(3))\ndef f(): ...\n",
        "import tenacity as t\n@t.retry(stop=t.stop_after_attempt(3))\nasync def f(): ...\n",
        "from tenacity import retry as retrying\nsafe = retrying(reraise=True)(fetch)\n",
        "from tenacity import Retrying\nfor a in Retrying(reraise=True):\n    pass\n",
        "import tenacity\nasync def f():\n    async for a in tenacity.AsyncRetrying(reraise=True):\n        pass\n",
    )

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for deco in node.decorator_list:
            if isinstance(deco, (ast.Name, ast.Attribute)) and self.ctx.qualname(deco) == TENACITY_RETRY:
                self.report(deco, callee=TENACITY_RETRY)

    visit_AsyncFunctionDef = visit_FunctionDef

    def check_call(self, call: ast.Call, callee: Binding) -> None:
        assert callee.qualname is not None
        if policy_unknown(call, callee.qualname) or kw(call, "retry") is not None:
            return
        self.report(call.func, callee=shown(callee.qualname))

    @classmethod
    def make_fix(cls, finding: Finding, doc: "FixDocument") -> Fix | None:
        from ..fixes.transforms import retry_predicate_fix

        return retry_predicate_fix(finding, doc, "unsafe")
