"""RES032 unbounded-fan-out."""
from __future__ import annotations

import ast
from typing import Iterator

from ..model import Confidence, Rule, Severity
from ..names import Binding
from ._async import GATHER, SEMAPHORES, TASK_SPAWNERS

_SEMAPHORE_INSTANCES = frozenset(f"{s}()" for s in SEMAPHORES)
_NESTED_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_FIXED_WRAPPERS = frozenset({"builtins.enumerate", "builtins.zip", "builtins.reversed", "builtins.sorted"})
_MAX_NODES = 20000  # bound on any sub-walk
_FIXED, _REVIEW, _DEFAULT = 0, 1, 2  # how variable the number of awaitables is (and the tier)
#: Chunkers whose second argument is the chunk size.
_BATCHERS = frozenset({"itertools.batched", "more_itertools.chunked", "more_itertools.batched",
                       "more_itertools.ichunked"})
#: Views and copies of a collection: the same items.
_VIEWS = frozenset({"values", "keys", "items", "copy"})
_COPIES = frozenset({"builtins.list", "builtins.tuple", "builtins.sorted", "builtins.set", "builtins.reversed",
                     "builtins.enumerate", "builtins.frozenset"})


def _walk(node: ast.AST) -> Iterator[ast.AST]:
    """`ast.walk` with a size bound (sub-walks of one function only)."""
    count = 0
    for child in ast.walk(node):
        count += 1
        if count > _MAX_NODES:
            return
        yield child


def _drains_cancelled(call: ast.Call, function: ast.AST | None, starred: list[ast.expr]) -> bool:
    """`gather(*tasks, return_exceptions=True)` after `for t in tasks: t.cancel()`: it only waits
    for tasks that were just cancelled to finish; it starts no new work."""
    kw = next((k for k in call.keywords if k.arg == "return_exceptions"), None)
    if kw is None or not (isinstance(kw.value, ast.Constant) and kw.value.value is True) or function is None:
        return False
    names = {v.id for v in starred if isinstance(v, ast.Name)}
    if len(names) != len(starred):
        return False
    cancelled: set[str] = set()
    for loop in _walk(function):
        if (isinstance(loop, (ast.For, ast.AsyncFor)) and isinstance(loop.iter, ast.Name)
                and isinstance(loop.target, ast.Name) and loop.iter.id in names
                and (loop.lineno, loop.col_offset) < (call.lineno, call.col_offset)):
            var = loop.target.id
            if any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "cancel"
                   and isinstance(n.func.value, ast.Name) and n.func.value.id == var
                   for stmt in loop.body for n in _walk(stmt)):
                cancelled.add(loop.iter.id)
    return cancelled == names


def _param_names(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    a = fn.args
    names = {x.arg for x in (*a.posonlyargs, *a.args, *a.kwonlyargs)}
    if a.vararg:
        names.add(a.vararg.arg)
    if a.kwarg:
        names.add(a.kwarg.arg)
    return names


def _target_ids(target: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}


def _looks_like_semaphore_name(name: str) -> bool:
    lower = name.lower()
    return "semaphore" in lower or lower in ("sem", "limiter") or lower.endswith(("_sem", "_limiter"))


class UnboundedFanOut(Rule):
    code = "RES032"
    name = "unbounded-fan-out"
    message = (
        "`{callee}` runs one awaitable per item with no `Semaphore`: a large input starts them "
        "all at once and overloads the dependency"
    )
    severity = Severity.INFO
    refs = ("P5", "H6")
    fix_applicability = None
    fix_title = None
    callees = GATHER

    docs = """
## What it does
Checks for `asyncio.gather(*...)` over a variable number of awaitables — a comprehension,
`map(...)`, or a list built from a loop over a variable-length iterable, also through a local
variable — when no `asyncio.Semaphore`/`BoundedSemaphore` (or anyio/trio limiter) is created
or used in the enclosing function or in the helper the comprehension calls.

Not reported, as they start no fan-out of their own: tasks wrapped one to one around awaitables
the caller built (`[ensure_future(a) for a in awaitables]`, like `gather(*awaitables)`),
and `gather(*tasks, return_exceptions=True)` after a loop cancelling those `tasks` (it only
waits for the cancellations). `gather(*x)` over tasks the function did not create (an attribute,
a parameter, a collection filled elsewhere) starts nothing and is silent. Neither is a fan-out
already bounded by batching: a comprehension over a chunk of constant size
(`items[i : i + BATCH]`, `items[:50]`, the chunks of `itertools.batched(items, 50)` or
more_itertools' `chunked`).

Every finding is in the review tier (below): off by default, on with `--select RES032` or
`extend-select`. Whether a fan-out overloads its dependency depends on how many items the
iterable holds, which the code does not show: on real code (docs/precision.md) one awaitable per
row of a request's list and one per tool call of a single model answer, or per configured MCP
server, look the same, and 5 of 19 judged findings were real problems.

## Why is this bad?
`gather` starts everything at once. With 10 items that is fine; with 10 000 it opens
10 000 sockets, exhausts the connection pool and file descriptors, trips the dependency's
rate limit and turns a batch job into an outage (guide: P5 capacity is design — queues and
backpressure are features; H6 latency is a queue in disguise). A fixed number of awaitables (`gather(a(), b())`, or a
comprehension over a literal tuple) is not flagged.

## Example
```python
import asyncio

async def fetch_all(client, urls):
    return await asyncio.gather(*(client.get(u) for u in urls))
```

## Use instead
```python
import asyncio

async def fetch_all(client, urls, limit=20):
    semaphore = asyncio.Semaphore(limit)

    async def fetch(u):
        async with semaphore:
            return await client.get(u)

    return await asyncio.gather(*(fetch(u) for u in urls))
```

## Fix safety
No fix. Bounding the fan-out needs a concurrency limit that suits the downstream and a
rewrite of how the awaitables are built; resilint reports it and offers the
semaphore-bounded gather snippet instead.

## References
- [asyncio.gather](https://docs.python.org/3/library/asyncio-task.html#asyncio.gather)
- [asyncio.Semaphore](https://docs.python.org/3/library/asyncio-sync.html#asyncio.Semaphore)
- Guide: P5, H6
"""

    review_tier = """
- every finding: the number of awaitables is variable, but whether it is a handful (one per tool
  call of a model answer, per team of a user, per configured server) or thousands (one per row
  of a caller's list) is not in the code. The iterable may be the function's input or a value it
  computed (a parameter, a query result), or
- the awaitables are created per item of the object's or the module's own state: an attribute
  of `self`/`cls` (`self._batches.values()`, `tuple(self.servers)`) or a module-level collection
  (a registry of open scopes drained at shutdown). Its size is set by configuration or by what is
  open, not by a request's input, but the code does not show a bound.
"""

    review_examples = (
        "import asyncio\nclass W:\n    async def flush_all(self):\n"
        "        await asyncio.gather(*(b.flush() for b in self._batches.values() if b.pending))\n",
        "import asyncio\n_open = set()\nasync def drain():\n    await asyncio.gather(*(s.flush() for s in tuple(_open)))\n",
    )

    valid = (
        "import asyncio\nBATCH = 100\nasync def evict_all(users, evict):\n"
        "    for i in range(0, len(users), BATCH):\n"
        "        await asyncio.gather(*(evict(u) for u in users[i : i + BATCH]))\n",
        "import asyncio, itertools\nasync def evict_all(users, evict):\n"
        "    for chunk in itertools.batched(users, 50):\n        await asyncio.gather(*(evict(u) for u in chunk))\n",
        "import asyncio\nclass M:\n    async def wait_all(self):\n        return await asyncio.gather(*self._tasks)\n",
        "import asyncio\nasync def f(a, b):\n    return await asyncio.gather(a(), b())\n",
        "import asyncio\nasync def f(c):\n    return await asyncio.gather(*(c.get(u) for u in ('a', 'b')))\n",
        "import asyncio\nasync def f(c, urls):\n    sem = asyncio.Semaphore(10)\n"
        "    async def one(u):\n        async with sem:\n            return await c.get(u)\n"
        "    return await asyncio.gather(*(one(u) for u in urls))\n",
        "import asyncio\nfrom asyncio import BoundedSemaphore as BS\nLIMIT = BS(5)\n"
        "async def one(c, u):\n    async with LIMIT:\n        return await c.get(u)\n"
        "async def f(c, urls):\n    return await asyncio.gather(*[one(c, u) for u in urls])\n",
        "import asyncio\nasync def f(coros):\n    return await asyncio.gather(*coros)\n",
        "import asyncio\nasync def f(c):\n    return await asyncio.gather(*[c.get(i) for i in range(3)])\n",
        "def gather(*a): ...\nasync def f(c, urls):\n    return gather(*[c.get(u) for u in urls])\n",
    )
    invalid = (
        "import asyncio\nasync def f(c, urls):\n    return await asyncio.gather(*(c.get(u) for u in urls))\n",
        "import asyncio as aio\nasync def f(c, urls):\n    return await aio.gather(*[c.get(u) for u in urls])\n",
        "from asyncio import gather as all_of\nasync def f(c, urls):\n    return await all_of(*map(c.get, urls))\n",
        "import asyncio\nasync def f(c, urls):\n    tasks = [c.get(u) for u in urls]\n"
        "    return await asyncio.gather(*tasks)\n",
        "import asyncio\nasync def f(c, urls):\n    tasks = []\n    for u in urls:\n"
        "        tasks.append(asyncio.create_task(c.get(u)))\n    return await asyncio.gather(*tasks)\n",
        "import asyncio\nclass A:\n    async def f(self, urls):\n"
        "        return await asyncio.gather(*(self.one(u) for u in urls))\n"
        "    async def one(self, u):\n        return u\n",
    )

    def check_call(self, call: ast.Call, callee: Binding) -> None:
        starred = [a.value for a in call.args if isinstance(a, ast.Starred)]
        if not starred:
            return
        function = self.ctx.function
        tiers = [self._variable_length(v, function, 0) for v in starred]
        variable = [v for v, tier in zip(starred, tiers) if tier]
        if not variable:
            return
        if _drains_cancelled(call, function, variable):
            return
        if self._bounded(function, variable):
            return
        # Review tier always (docs): the code shows that the count varies, not how large it gets.
        self.report(call.func, confidence=Confidence.MEDIUM, callee=(callee.qualname or "asyncio.gather"))

    # ----- is the number of awaitables variable? -----------------------------------------
    def _fixed_iterable(self, expr: ast.expr, depth: int = 0) -> bool:
        """A literal collection, `range(<constants>)`, or a local list built only from those."""
        if depth > 3:
            return False
        if isinstance(expr, (ast.Tuple, ast.List, ast.Set)):
            return not any(isinstance(e, ast.Starred) for e in expr.elts)
        if isinstance(expr, ast.Dict):
            return None not in expr.keys
        if isinstance(expr, ast.Constant):
            return True
        if isinstance(expr, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
            return all(self._fixed_iterable(g.iter, depth + 1) for g in expr.generators)
        if isinstance(expr, ast.Call):
            name = self.ctx.qualname(expr.func)
            if name == "builtins.range":
                return bool(expr.args) and all(self._constant_int(a) for a in expr.args)
            if name in _FIXED_WRAPPERS:
                return bool(expr.args) and all(self._fixed_iterable(a, depth + 1) for a in expr.args)
            return False
        if isinstance(expr, ast.Name):
            return self._fixed_local(expr.id, depth)
        return False

    def _wraps_each(self, comp: ast.ListComp | ast.SetComp | ast.GeneratorExp) -> bool:
        """`[ensure_future(a) for a in awaitables]`: the element is the loop variable, as is or as a task."""
        if len(comp.generators) != 1 or comp.generators[0].ifs or not isinstance(comp.generators[0].target, ast.Name):
            return False
        var = comp.generators[0].target.id
        elt = comp.elt
        if isinstance(elt, ast.Call) and self.ctx.qualname(elt.func) in TASK_SPAWNERS and len(elt.args) == 1:
            elt = elt.args[0]
        return isinstance(elt, ast.Name) and elt.id == var

    def _constant_int(self, expr: ast.expr) -> bool:
        """An int literal, or a module-level name assigned one int literal (`TOTAL = 50`)."""
        if isinstance(expr, ast.Constant):
            return isinstance(expr.value, int)
        if isinstance(expr, ast.UnaryOp):
            return self._constant_int(expr.operand)
        if isinstance(expr, ast.BinOp):
            return self._constant_int(expr.left) and self._constant_int(expr.right)
        if not isinstance(expr, ast.Name):
            return False
        name = expr.id
        functions = self.ctx.functions
        if not all(isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) for f in functions):
            return False  # in a lambda
        if functions:
            # In a def's body: the engine's table of top-level statements binding `name` is
            # complete (and incremental analysis can track the lookup).
            statements: list[ast.AST] = self.ctx.module_statements(name)
        else:
            statements = list(self.ctx.tree.body)
        for function in functions:
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                return False
            if name in _param_names(function):
                return False
            statements.extend(_walk(function))
        values = []
        for stmt in statements:
            if isinstance(stmt, ast.Assign):
                if any(isinstance(t, ast.Name) and t.id == name for t in stmt.targets):
                    values.append(stmt.value)
                elif any(name in _target_ids(t) for t in stmt.targets):
                    return False
            elif isinstance(stmt, (ast.AnnAssign, ast.AugAssign)):
                if isinstance(stmt.target, ast.Name) and stmt.target.id == name:
                    values.append(stmt.value)
        return bool(values) and all(
            isinstance(v, ast.Constant) and isinstance(v.value, int) and not isinstance(v.value, bool)
            for v in values
        )

    def _fixed_local(self, name: str, depth: int) -> bool:
        """A local name assigned only fixed-length values and never appended to."""
        function = self.ctx.function
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return False
        if name in _param_names(function):
            return False
        values: list[ast.expr] = []
        for node in _walk(function):
            if isinstance(node, ast.Assign):
                if any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
                    values.append(node.value)
                elif any(name in _target_ids(t) for t in node.targets):
                    return False  # unpacked into: unknown
            elif isinstance(node, (ast.AnnAssign, ast.AugAssign, ast.NamedExpr)):
                if isinstance(node.target, ast.Name) and node.target.id == name:
                    if isinstance(node, ast.AugAssign) or node.value is None:
                        return False
                    values.append(node.value)
            elif isinstance(node, (ast.For, ast.AsyncFor, ast.With, ast.AsyncWith, ast.comprehension)):
                targets = [node.target] if not isinstance(node, (ast.With, ast.AsyncWith)) else [
                    i.optional_vars for i in node.items if i.optional_vars is not None
                ]
                if any(name in _target_ids(t) for t in targets):
                    return False
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("append", "extend", "add", "insert", "update")
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == name
            ):
                return False
        return bool(values) and all(self._fixed_iterable(v, depth + 1) for v in values)

    def _variable_length(self, expr: ast.expr, function: ast.AST | None, depth: int) -> int:
        """_FIXED, _REVIEW (one awaitable per item of the object's or module's own state) or
        _DEFAULT (per item of the function's input or of a value it computed)."""
        if depth > 3:
            return _FIXED
        if isinstance(expr, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
            if self._wraps_each(expr):
                # one task per awaitable the iterable already holds: that iterable is the fan-out
                return self._variable_length(expr.generators[0].iter, function, depth + 1)
            return max(self._iter_tier(g.iter, function) for g in expr.generators)
        if isinstance(expr, ast.Call):
            name = self.ctx.qualname(expr.func)
            if name == "builtins.map":
                return max((self._iter_tier(a, function) for a in expr.args[1:]), default=_FIXED)
            if name in ("builtins.list", "builtins.tuple") and len(expr.args) == 1:
                return self._variable_length(expr.args[0], function, depth + 1)
            return _FIXED
        if isinstance(expr, ast.Name) and isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return self._local_list_tier(expr.id, function, depth)
        return _FIXED

    def _iter_tier(self, expr: ast.expr, function: ast.AST | None) -> int:
        if self._fixed_iterable(expr) or self._batched(expr):
            return _FIXED
        return _REVIEW if self._state(expr, function) else _DEFAULT

    def _batched(self, expr: ast.expr) -> bool:
        """A chunk of constant size: `items[:N]`, `items[i : i + N]`, or the loop variable of an
        enclosing `for chunk in itertools.batched(items, N)` (more_itertools' chunked/batched)."""
        if not self.ctx.functions:
            return False  # module level: the constants' lookup would read the module's body
        if isinstance(expr, ast.Subscript) and isinstance(expr.slice, ast.Slice):
            lower, upper = expr.slice.lower, expr.slice.upper
            if upper is None or expr.slice.step is not None:
                return False
            if lower is None or (isinstance(lower, ast.Constant) and lower.value == 0):
                return self._constant_int(upper)
            if isinstance(upper, ast.BinOp) and isinstance(upper.op, ast.Add):
                low = ast.dump(lower)
                return (ast.dump(upper.left) == low and self._constant_int(upper.right)) or \
                    (ast.dump(upper.right) == low and self._constant_int(upper.left))
            return False
        if isinstance(expr, ast.Name):
            for parent in reversed(self.ctx.parents):
                if isinstance(parent, _NESTED_SCOPES):
                    return False
                if isinstance(parent, (ast.For, ast.AsyncFor)) and isinstance(parent.target, ast.Name) \
                        and parent.target.id == expr.id and isinstance(parent.iter, ast.Call):
                    size = parent.iter.args[1] if len(parent.iter.args) > 1 else None
                    return self.ctx.qualname(parent.iter.func) in _BATCHERS and size is not None \
                        and self._constant_int(size)
        return False

    def _state(self, expr: ast.expr, function: ast.AST | None) -> bool:
        """The iterable is the object's or the module's own state (`self._backends.values()`, a
        module-level registry): bounded by configuration or by what is open, not by a request."""
        while True:
            if isinstance(expr, ast.Call) and not expr.keywords:
                func = expr.func
                if isinstance(func, ast.Attribute) and func.attr in _VIEWS and not expr.args:
                    expr = func.value
                    continue
                if len(expr.args) == 1 and self.ctx.qualname(func) in _COPIES:
                    expr = expr.args[0]
                    continue
            break
        if isinstance(expr, ast.Attribute):
            root = expr
            while isinstance(root, ast.Attribute):
                root = root.value
            return isinstance(root, ast.Name) and root.id in ("self", "cls")
        if isinstance(expr, ast.Name) and isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if expr.id in _param_names(function) or self._assigned_in(expr.id, function):
                return False
            return bool(self.ctx.module_statements(expr.id))
        return False

    @staticmethod
    def _assigned_in(name: str, function: ast.AST) -> bool:
        for node in _walk(function):
            targets: list[ast.AST] = []
            if isinstance(node, ast.Assign):
                targets = list(node.targets)
            elif isinstance(node, (ast.AnnAssign, ast.AugAssign, ast.NamedExpr, ast.For, ast.AsyncFor,
                                   ast.comprehension)):
                targets = [node.target]
            elif isinstance(node, (ast.With, ast.AsyncWith)):
                targets = [i.optional_vars for i in node.items if i.optional_vars is not None]
            if any(name in _target_ids(t) for t in targets):
                return True
        return False

    def _local_list_tier(self, name: str, function: ast.AST, depth: int) -> int:
        """`name` is built in this function from a comprehension, or appended to in a loop."""
        empty_list = False
        tier = _FIXED
        for node in _walk(function):
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
                value = node.value
                if isinstance(value, ast.List) and not value.elts:
                    empty_list = True
                else:
                    tier = max(tier, self._variable_length(value, function, depth + 1))
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == name:
                if isinstance(node.value, ast.List) and not node.value.elts:
                    empty_list = True
                elif node.value is not None:
                    tier = max(tier, self._variable_length(node.value, function, depth + 1))
        if tier == _DEFAULT or not empty_list:
            return tier
        for loop in _walk(function):
            if isinstance(loop, (ast.For, ast.AsyncFor)):
                loop_tier = self._iter_tier(loop.iter, function)
                if loop_tier == _FIXED:
                    continue
            elif isinstance(loop, ast.While):
                loop_tier = _DEFAULT
            else:
                continue
            for node in _walk(loop):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("append", "extend", "add")
                    and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == name
                ):
                    tier = max(tier, loop_tier)
                    break
        return tier

    # ----- is there a semaphore? ------------------------------------------------------------
    def _bounded(self, function: ast.AST | None, starred: list[ast.expr]) -> bool:
        if function is None:
            return any(
                b.qualname in _SEMAPHORE_INSTANCES for b in self.ctx.module_scope.names.values()
            )
        if self._uses_semaphore(function):
            return True
        for helper in self._helpers(starred, function):
            if self._uses_semaphore(helper):
                return True
        return False

    def _uses_semaphore(self, root: ast.AST) -> bool:
        ctx = self.ctx
        for node in _walk(root):
            if isinstance(node, ast.Call):
                if ctx.qualname(node.func) in SEMAPHORES:
                    return True
            elif isinstance(node, ast.Name):
                if _looks_like_semaphore_name(node.id) or ctx.qualname(node) in _SEMAPHORE_INSTANCES:
                    return True
            elif isinstance(node, ast.Attribute):
                if _looks_like_semaphore_name(node.attr):
                    return True
                if isinstance(node.value, ast.Name) and ctx.qualname(node) in _SEMAPHORE_INSTANCES:
                    return True
            elif isinstance(node, ast.arg) and _looks_like_semaphore_name(node.arg):
                return True
        return False

    def _helpers(self, starred: list[ast.expr], function: ast.AST) -> list[ast.AST]:
        """Defs in this module (or methods of this class) called to build the awaitables."""
        names: set[str] = set()
        methods: set[str] = set()
        for expr in starred:
            for node in _walk(expr):
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                if isinstance(func, ast.Name):
                    names.add(func.id)
                elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
                    if func.value.id in ("self", "cls"):
                        methods.add(func.attr)
            for node in _walk(expr):
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                    names.add(node.id)  # map(helper, items)
        if not names and not methods:
            return []
        found: list[ast.AST] = []
        defs = (ast.FunctionDef, ast.AsyncFunctionDef)
        if any(isinstance(f, defs) for f in self.ctx.functions):
            # In a def's body the module-level walk is over: the engine's table of top-level
            # statements per name is complete (and incremental analysis can track the lookup).
            for name in names:
                found.extend(s for s in self.ctx.module_statements(name) if isinstance(s, defs))
        else:  # a module-level lambda: later top-level defs count too
            for stmt in self.ctx.tree.body:
                if isinstance(stmt, defs) and stmt.name in names:
                    found.append(stmt)
        if methods:
            cls = self.ctx.enclosing_class()
            if cls is not None:
                for stmt in cls.body:
                    if isinstance(stmt, defs) and stmt.name in methods:
                        found.append(stmt)
        return found
