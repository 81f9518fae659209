"""RES024 sync-breaker-on-async-function."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ..model import Finding, Fix, Rule, Severity
from ..names import Binding
from ._async import PYBREAKER_INSTANCES

if TYPE_CHECKING:
    from ..fixes.document import FixDocument


class SyncBreakerOnAsyncFunction(Rule):
    code = "RES024"
    name = "sync-breaker-on-async-function"
    message = (
        "`{breaker}` is a `pybreaker` breaker wrapping `async def {function}`: it only sees the "
        "coroutine being created, never its failures, so it never opens"
    )
    severity = Severity.WARNING
    refs = ("T§3",)
    fix_applicability = "unsafe"
    fix_title = "Switch to `aiobreaker.CircuitBreaker` (same arguments)"
    callees = PYBREAKER_INSTANCES

    docs = """
## What it does
Checks for a `pybreaker.CircuitBreaker` instance applied to an `async def`: as a decorator
(`@breaker`, `@pybreaker.CircuitBreaker(...)`, a class-level breaker on an async method) or
in the call form `breaker(async_fn)`.

## Why is this bad?
pybreaker wraps the *call* of the function. Calling an `async def` only creates a coroutine,
which always succeeds; the request runs later, when the coroutine is awaited, outside the
breaker. Failures are never counted, the breaker never opens, and the service keeps
hammering a dead dependency while its dashboards show a healthy breaker (fault-tolerance
rules §3). Async-native breakers (`aiobreaker`, `purgatory`) and pybreaker on sync functions
are not flagged.

## Example
```python
import httpx
import pybreaker

breaker = pybreaker.CircuitBreaker(fail_max=5, reset_timeout=60)

@breaker
async def get_profile(client: httpx.AsyncClient, user_id):
    return (await client.get(f"/users/{user_id}")).json()
```

## Use instead
```python
from datetime import timedelta

import aiobreaker
import httpx

breaker = aiobreaker.CircuitBreaker(fail_max=5, timeout_duration=timedelta(seconds=60))

@breaker
async def get_profile(client: httpx.AsyncClient, user_id):
    return (await client.get(f"/users/{user_id}")).json()
```

## Fix safety
The fix replaces the breaker's constructor (a module-level `pybreaker.CircuitBreaker(...)`
with keyword arguments) with `aiobreaker.CircuitBreaker` (same `fail_max`, `exclude`,
`listeners`, `name`; `reset_timeout=s` becomes `timeout_duration=timedelta(seconds=s)`) and adds
the imports. It is **unsafe**: the breaker now actually opens, pybreaker's storage backends have
no one-to-one equivalent, and sync functions sharing the breaker must move to `aiobreaker`'s
sync call form.

## References
- [pybreaker issue #7: async support ("Coroutines are not supported")](https://github.com/danielfm/pybreaker/issues/7)
- [aiobreaker](https://github.com/arlyon/aiobreaker)
- Guide: fault-tolerance rules §3
"""

    valid = (
        "import pybreaker\nbreaker = pybreaker.CircuitBreaker()\n@breaker\ndef f():\n    return 1\n",
        "import aiobreaker\nbreaker = aiobreaker.CircuitBreaker()\n@breaker\nasync def f():\n    return 1\n",
        "from purgatory import AsyncCircuitBreakerFactory\nbreakers = AsyncCircuitBreakerFactory()\n"
        "@breakers('svc')\nasync def f():\n    return 1\n",
        "import pybreaker\nbreaker = pybreaker.CircuitBreaker()\ndef sync():\n    return 1\nwrapped = breaker(sync)\n",
        "from .resilience import breaker\n@breaker\nasync def f():\n    return 1\n",
        "def breaker(fn):\n    return fn\n@breaker\nasync def f():\n    return 1\n",
    )
    invalid = (
        "import pybreaker\nbreaker = pybreaker.CircuitBreaker()\n@breaker\nasync def f():\n    return 1\n",
        "import pybreaker as pb\n@pb.CircuitBreaker(fail_max=3)\nasync def f():\n    return 1\n",
        "from pybreaker import CircuitBreaker as CB\nb = CB()\n@b\nasync def f():\n    return 1\n",
        "import pybreaker\nclass S:\n    breaker = pybreaker.CircuitBreaker()\n    @breaker\n"
        "    async def go(self):\n        return 1\n",
        "import pybreaker\nbreaker = pybreaker.CircuitBreaker()\nasync def f():\n    return 1\nsafe_f = breaker(f)\n",
    )

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        for dec in node.decorator_list:
            binding = self.ctx.resolve(dec)
            if binding is not None and binding.qualname in PYBREAKER_INSTANCES:
                self.report(dec, breaker=_shown(dec), function=node.name)

    def check_call(self, call: ast.Call, callee: Binding) -> None:
        if len(call.args) != 1 or call.keywords:
            return
        arg = call.args[0]
        if not isinstance(arg, ast.Name) or not self._is_async_def(arg.id):
            return
        self.report(call.func, breaker=_shown(call.func), function=arg.id)

    def _is_async_def(self, name: str) -> bool:
        # The last def/class statement of the scope the name resolves in (the engine's table).
        return isinstance(self.ctx.local_def(name), ast.AsyncFunctionDef)

    @classmethod
    def make_fix(cls, finding: Finding, doc: "FixDocument") -> Fix | None:
        from ..fixes.statements import async_breaker_fix

        return async_breaker_fix(finding, doc)


def _shown(expr: ast.expr) -> str:
    text = ast.unparse(expr)
    return text if len(text) <= 40 else text[:37] + "..."
