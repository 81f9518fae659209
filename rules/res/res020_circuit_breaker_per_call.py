"""RES020 circuit-breaker-per-call."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ..model import Finding, Fix, Rule, Severity
from ..names import Binding
from ._async import BREAKER_CLASSES, BREAKER_DECORATOR_FACTORIES, BREAKER_USE_METHODS

_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)
_MAX_NODES = 20000


def _parented(function: ast.AST) -> list[tuple[ast.AST, ast.AST]]:
    """(node, parent) pairs of one function (a bounded sub-walk)."""
    out: list[tuple[ast.AST, ast.AST]] = []
    stack: list[ast.AST] = [function]
    while stack and len(out) < _MAX_NODES:
        parent = stack.pop()
        for child in ast.iter_child_nodes(parent):
            out.append((child, parent))
            stack.append(child)
    return out


def _escapes(name: str, pairs: list[tuple[ast.AST, ast.AST]]) -> bool:
    """`name` leaves the function: returned, yielded, stored, passed on, or declared global."""
    for node, parent in pairs:
        if isinstance(node, (ast.Global, ast.Nonlocal)) and name in node.names:
            return True
        if not (isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load)):
            continue
        if isinstance(parent, (ast.Return, ast.Yield, ast.YieldFrom, ast.Assign, ast.AnnAssign,
                               ast.keyword, ast.Tuple, ast.List, ast.Set, ast.Dict, ast.NamedExpr)):
            return True
        if isinstance(parent, ast.Call) and node is not parent.func:
            return True  # handed to someone else: they may keep it
        if isinstance(parent, ast.Starred):
            return True
    return False


def _used(name: str, pairs: list[tuple[ast.AST, ast.AST]]) -> bool:
    """`name` is called, has `.call(...)`-like methods used, or decorates a def."""
    for node, parent in pairs:
        if not (isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load)):
            continue
        if isinstance(parent, ast.Call) and parent.func is node:
            return True
        if isinstance(parent, ast.Attribute) and parent.attr in BREAKER_USE_METHODS:
            return True
        if isinstance(parent, _DEFS) and node in parent.decorator_list:
            return True
    return False


def _decorated_escapes(fn: ast.AST, pairs: list[tuple[ast.AST, ast.AST]]) -> bool:
    return isinstance(fn, _DEFS) and _escapes(fn.name, pairs)


def _decorated_called(fn: ast.AST, pairs: list[tuple[ast.AST, ast.AST]]) -> bool:
    if not isinstance(fn, _DEFS):
        return False
    for node, parent in pairs:
        if isinstance(node, ast.Name) and node.id == fn.name and isinstance(parent, ast.Call) and parent.func is node:
            return True
    return False

if TYPE_CHECKING:
    from ..fixes.document import FixDocument


class CircuitBreakerPerCall(Rule):
    code = "RES020"
    name = "circuit-breaker-per-call"
    message = (
        "`{callee}` is created inside `{function}` and used there: every call gets a fresh "
        "breaker that forgets past failures, so it never opens"
    )
    severity = Severity.ERROR
    refs = ("T§3", "C1")
    fix_applicability = "unsafe"
    fix_title = "Hoist the breaker to module level"
    callees = BREAKER_CLASSES | BREAKER_DECORATOR_FACTORIES

    docs = """
## What it does
Checks for a circuit breaker (`pybreaker.CircuitBreaker`, `circuitbreaker.CircuitBreaker`,
`aiobreaker.CircuitBreaker`) constructed inside a function and used in that same function:
called, used through `.call(...)`/`.calling()`, or applied as a decorator to a nested
function; also `@circuitbreaker.circuit(...)` on a nested function that is then called.

## Why is this bad?
A breaker's whole value is its memory: it counts failures across calls and opens after too
many, so callers fail fast instead of piling onto a dead dependency. A breaker built per call
starts closed with zero failures every time: it can never open, and the dependency keeps
being hammered exactly when it is down (guide: C1 load amplification → cascading failure;
fault-tolerance rules §3). Breakers at module or class level, stored on `self` in
`__init__`, injected as parameters, or built by a factory that only returns them are not
flagged.

## Example
```python
import pybreaker
import requests

def get_rates():
    breaker = pybreaker.CircuitBreaker(fail_max=5, reset_timeout=60)
    return breaker.call(requests.get, "https://rates.internal", timeout=5)
```

## Use instead
```python
import pybreaker
import requests

rates_breaker = pybreaker.CircuitBreaker(fail_max=5, reset_timeout=60)

def get_rates():
    return rates_breaker.call(requests.get, "https://rates.internal", timeout=5)
```

## Fix safety
The fix moves the constructor to a module-level variable named after the function
(`<function>_breaker`) and uses that variable in the function. It is offered only when the
constructor's arguments use nothing local to the function. It is **unsafe**: the breaker
becomes shared state, so failures in one call now affect the next ones (that is the point).

## References
- [pybreaker: usage](https://github.com/danielfm/pybreaker#usage)
- [circuitbreaker](https://github.com/fabfuel/circuitbreaker)
- Guide: C1; fault-tolerance rules §3
"""

    valid = (
        "import pybreaker\nbreaker = pybreaker.CircuitBreaker()\ndef f(g):\n    return breaker.call(g)\n",
        "import pybreaker\nclass C:\n    def __init__(self):\n        self.breaker = pybreaker.CircuitBreaker()\n"
        "    def go(self, g):\n        return self.breaker.call(g)\n",
        "import pybreaker\ndef make_breaker():\n    return pybreaker.CircuitBreaker(fail_max=3)\n",
        "import pybreaker\ndef make():\n    b = pybreaker.CircuitBreaker()\n    return b\n",
        "def f(breaker, g):\n    return breaker.call(g)\n",
        "import pybreaker\n_b = None\ndef get():\n    global _b\n    _b = pybreaker.CircuitBreaker()\n    return _b.call(int)\n",
        "from circuitbreaker import circuit\ndef factory(c):\n    @circuit(failure_threshold=3)\n"
        "    def call():\n        return c.get()\n    return call\n",
        "class CircuitBreaker:\n    def call(self, g): ...\ndef f(g):\n    return CircuitBreaker().call(g)\n",
        "import pybreaker\nclass S:\n    breaker = pybreaker.CircuitBreaker()\n    @breaker\n    def go(self): ...\n",
    )
    invalid = (
        "import pybreaker\ndef f(g):\n    breaker = pybreaker.CircuitBreaker()\n    return breaker.call(g)\n",
        "import pybreaker as pb\ndef f(g):\n    return pb.CircuitBreaker(fail_max=3).call(g)\n",
        "from circuitbreaker import CircuitBreaker as CB\ndef f(g):\n    b = CB()\n    return b(g)()\n",
        "import aiobreaker\nasync def f(g):\n    b = aiobreaker.CircuitBreaker()\n    return await b.call(g)\n",
        "import pybreaker\ndef f(c):\n    @pybreaker.CircuitBreaker(fail_max=2)\n    def inner():\n        return c.get()\n"
        "    return inner()\n",
        "from circuitbreaker import circuit\ndef f(c):\n    @circuit(failure_threshold=3)\n"
        "    def call():\n        return c.get()\n    return call()\n",
        "import pybreaker\nclass S:\n    def go(self, g):\n        b = pybreaker.CircuitBreaker()\n"
        "        with b.calling():\n            return g()\n",
    )

    def check_call(self, call: ast.Call, callee: Binding) -> None:
        ctx = self.ctx
        function = ctx.function
        if function is None:
            return
        parents = ctx.parents
        parent = parents[-1] if parents else None
        name = callee.qualname
        assert name is not None
        factory = name in BREAKER_DECORATOR_FACTORIES
        fn_name = getattr(function, "name", "<lambda>")
        shown = name.replace("()", "")

        # Decorating a nested def: `@CircuitBreaker(...)` / `@circuit(...)`.
        if isinstance(parent, _DEFS) and call in parent.decorator_list:
            grand = parents[-2] if len(parents) >= 2 else None
            if grand is not function:
                return  # a method of a class built in the function, or deeper: not settled
            pairs = _parented(function)
            if _decorated_escapes(parent, pairs):
                return  # a factory handing the decorated function out
            if factory and not _decorated_called(parent, pairs):
                return
            self.report(call.func, callee=shown, function=fn_name)
            return
        if factory:
            return

        # Used inline: `CircuitBreaker()(fn)`, `CircuitBreaker().call(fn)`.
        if isinstance(parent, ast.Call) and parent.func is call:
            self.report(call.func, callee=shown, function=fn_name)
            return
        if isinstance(parent, ast.Attribute) and parent.attr in BREAKER_USE_METHODS:
            self.report(call.func, callee=shown, function=fn_name)
            return

        # Bound to a local name and used in the same function.
        if isinstance(function, ast.Lambda):
            return
        if isinstance(parent, ast.Assign) and parent.value is call and len(parent.targets) == 1:
            target = parent.targets[0]
        elif isinstance(parent, ast.AnnAssign) and parent.value is call:
            target = parent.target
        else:
            return
        if not isinstance(target, ast.Name):
            return  # `self.breaker = ...`, `cache[key] = ...`: kept beyond this call
        pairs = _parented(function)
        if _escapes(target.id, pairs) or not _used(target.id, pairs):
            return
        for node, owner in pairs:
            # A decorated nested def that is itself handed out makes this a factory.
            if isinstance(owner, _DEFS) and isinstance(node, ast.Name) and node.id == target.id \
                    and node in owner.decorator_list and _decorated_escapes(owner, pairs):
                return
        self.report(call.func, callee=shown, function=fn_name)

    @classmethod
    def make_fix(cls, finding: Finding, doc: "FixDocument") -> Fix | None:
        from ..fixes.statements import hoist_breaker_fix

        return hoist_breaker_fix(finding, doc)
