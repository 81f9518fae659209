"""RES011 retry-without-backoff."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ..model import Finding, Fix, Rule, Severity
from ..names import Binding
from ._retry import FIXED, TENACITY_POLICY_CALLS, TENACITY_RETRY, classify_wait, policy_unknown, kw, shown, tenacity_short

if TYPE_CHECKING:
    from ..fixes.document import FixDocument


class RetryWithoutBackoff(Rule):
    code = "RES011"
    name = "retry-without-backoff"
    message = "`{callee}` {problem}: clients retrying in lockstep hit a struggling dependency in synchronized waves and keep it down"
    severity = Severity.WARNING
    refs = ("RF2", "C1", "T§5")
    fix_applicability = "unsafe"
    fix_title = "Set `wait=wait_exponential_jitter(max={max_wait})`"
    callees = TENACITY_POLICY_CALLS

    docs = """
## What it does
Checks tenacity retry policies (`@retry`, `@retry(...)`, `retry(...)(fn)`, `Retrying(...)`,
`AsyncRetrying(...)`) that have no `wait=` (tenacity then retries immediately) or whose
wait has no randomness: `wait_fixed`, `wait_exponential` alone, `wait_incrementing`,
`wait_none`, or a `+`/`wait_combine`/`wait_chain` of those. A wait built with
`wait_exponential_jitter`, `wait_random_exponential` (`wait_full_jitter`) or `wait_random`,
alone or in a combination, is fine; a wait held in a variable is not checked.

## Why is this bad?
Retrying at once, or after the same delay on every client, multiplies the load on a
dependency at the moment it is failing: every caller comes back at the same instant, so a
brief overload becomes a retry storm that keeps the service down (guide: RF2, C1;
fault-tolerance rules §5: exponential backoff with jitter).

## Example
```python
import requests
from tenacity import retry, stop_after_attempt, wait_fixed

@retry(stop=stop_after_attempt(5), wait=wait_fixed(2))
def load_profile(user_id):
    resp = requests.get(f"https://profiles.internal/{user_id}", timeout=5)
    resp.raise_for_status()
    return resp.json()
```

## Use instead
```python
import requests
from tenacity import retry, stop_after_attempt, wait_exponential_jitter

@retry(stop=stop_after_attempt(5), wait=wait_exponential_jitter(initial=1, max=10))
def load_profile(user_id):
    resp = requests.get(f"https://profiles.internal/{user_id}", timeout=5)
    resp.raise_for_status()
    return resp.json()
```

## Fix safety
The fix sets `wait=wait_exponential_jitter(max=<retry.max-wait>)` (10 s unless configured),
spelled `wait_random_exponential` on tenacity releases without `wait_exponential_jitter`,
and adds the import. It is **unsafe**: it changes how long a failing call takes before it
gives up.

## References
- [tenacity: Waiting before retrying](https://tenacity.readthedocs.io/en/latest/#waiting-before-retrying)
- [AWS Architecture Blog: Exponential Backoff And Jitter](https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/)
- Guide: RF2, C1; fault-tolerance rules §5
"""

    valid = (
        'from tenacity import retry, wait_random_exponential\npolicy = retry(wait=wait_random_exponential(max=10))\n',
        "from tenacity import retry, wait_exponential_jitter\n@retry(wait=wait_exponential_jitter(max=10))\ndef f(): ...\n",
        "import tenacity as t\n@t.retry(wait=t.wait_random_exponential(multiplier=1, max=30))\ndef f(): ...\n",
        "from tenacity import retry, wait_fixed, wait_random\n@retry(wait=wait_fixed(3) + wait_random(0, 2))\ndef f(): ...\n",
        "from tenacity.wait import wait_full_jitter as jitter\nfrom tenacity import Retrying\nfor a in Retrying(wait=jitter()):\n    pass\n",
        "from tenacity import retry\n@retry(wait=WAIT_POLICY)\ndef f(): ...\n",
        "from tenacity import retry\n@retry(**policy)\ndef f(): ...\n",
        "import backoff\n@backoff.on_exception(backoff.expo, OSError, max_tries=3)\ndef f(): ...\n",
        "def retry(**kw): return lambda f: f\n@retry(stop=3)\ndef f(): ...\n",
    )
    invalid = (
        'from tenacity import retry, stop_after_attempt\npolicy = retry(stop=stop_after_attempt(3))\n',
        'from tenacity import Retrying\ndef make():\n    return Retrying(reraise=True)\n',
        "from tenacity import retry\n@retry\ndef f(): ...\n",
        "from tenacity import retry, stop_after_attempt\n@retry(stop=stop_after_attempt(3))\ndef f(): ...\n",
        "import tenacity as t\n@t.retry(stop=t.stop_after_attempt(3), wait=t.wait_fixed(2))\ndef f(): ...\n",
        "from tenacity import retry, wait_exponential as expo\n@retry(wait=expo(multiplier=1, max=10))\ndef f(): ...\n",
        "from tenacity import Retrying, wait_incrementing\nfor a in Retrying(wait=wait_incrementing(1, 2)):\n    pass\n",
        "from tenacity import retry, wait_fixed, wait_exponential\nsafe = retry(wait=wait_fixed(1) + wait_exponential())(fetch)\n",
        "from tenacity import AsyncRetrying\nasync def f():\n    async for a in AsyncRetrying(reraise=True):\n        pass\n",
    )

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for deco in node.decorator_list:
            if isinstance(deco, (ast.Name, ast.Attribute)) and self.ctx.qualname(deco) == TENACITY_RETRY:
                self._report(deco, TENACITY_RETRY, "has no `wait=` and retries immediately")

    visit_AsyncFunctionDef = visit_FunctionDef

    def check_call(self, call: ast.Call, callee: Binding) -> None:
        name = callee.qualname
        assert name is not None
        if policy_unknown(call, callee.qualname):
            return
        wait = kw(call, "wait")
        if wait is None:
            self._report(call.func, name, "has no `wait=` and retries immediately")
        elif classify_wait(self.ctx, wait.value) == FIXED:
            value = wait.value
            short = tenacity_short(self.ctx.qualname(value.func)) if isinstance(value, ast.Call) else None
            what = f"`{short}`" if short is not None else "a combination of waits"
            self._report(wait, name, f"waits with {what}, which has no jitter")

    def _report(self, node: ast.AST, name: str, problem: str) -> None:
        self.report(node, callee=shown(name), problem=problem, max_wait=self.ctx.settings.options.retry.max_wait)

    @classmethod
    def make_fix(cls, finding: Finding, doc: "FixDocument") -> Fix | None:
        from ..fixes.transforms import keyword_fix, number

        max_wait = number(doc.options.retry.max_wait)
        return keyword_fix(finding, doc, "wait", f"{{0}}(max={max_wait})", "unsafe",
                           f"Set `wait=wait_exponential_jitter(max={max_wait})`", [("tenacity", "wait_exponential_jitter")])
