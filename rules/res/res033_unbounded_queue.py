"""RES033 unbounded-queue (opt-in)."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ..context import keyword
from ..model import Finding, Fix, Rule, Severity
from ..names import Binding
from ._admission import puts_admitted_by_counter
from ._async import QUEUES


def _unbounded_value(expr: ast.expr) -> bool:
    """`0`, a negative number or `None`: the queue module treats them all as "no limit"."""
    if isinstance(expr, ast.Constant):
        value = expr.value
        if value is None:
            return True
        return isinstance(value, int) and not isinstance(value, bool) and value <= 0
    if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.USub):
        return isinstance(expr.operand, ast.Constant) and isinstance(expr.operand.value, (int, float))
    return False


def _problem(expr: ast.expr) -> str:
    return f"has `maxsize={ast.unparse(expr)}`, which means no limit"

if TYPE_CHECKING:
    from ..fixes.document import FixDocument


class UnboundedQueue(Rule):
    code = "RES033"
    name = "unbounded-queue"
    message = (
        "`{callee}` {problem}: producers never block, so a slow consumer lets it grow until "
        "memory runs out"
    )
    severity = Severity.INFO
    refs = ("P5",)
    default_enabled = False
    fix_applicability = "unsafe"
    fix_title = "Add `maxsize={maxsize}`"
    callees = frozenset(QUEUES)

    docs = """
## What it does
Checks for queues created without a bound: `asyncio.Queue()`, `asyncio.LifoQueue()`,
`asyncio.PriorityQueue()`, `queue.Queue()`, `queue.LifoQueue()`, `queue.PriorityQueue()` and
`multiprocessing.Queue()`/`JoinableQueue()` with no `maxsize`, or with `maxsize` `0`
(`Queue(0)`), a negative number or `None`, which all mean "no limit". The rule is opt-in.

A queue without `maxsize` held in `self.<attr>` is not reported when every `put` on it in its
class follows an admission check on a counter (`if self._backlog >= self._capacity: return`,
then `self._backlog += 1`) and the queue is not passed on: it cannot grow past the capacity.

## Why is this bad?
An unbounded queue hides overload instead of pushing back: when consumers fall behind,
producers keep adding, latency grows with the backlog and the process eventually runs out
of memory, losing everything queued (guide: P5, capacity is design: queues and
backpressure are features). A bounded queue makes producers wait (or fail fast with `put_nowait`),
which is the signal that the system is saturated. A `maxsize` given as a variable or
through `**kwargs` is trusted.

## Example
```python
import asyncio

jobs = asyncio.Queue()

async def submit(job):
    await jobs.put(job)
```

## Use instead
```python
import asyncio

jobs = asyncio.Queue(maxsize=1000)

async def submit(job):
    await jobs.put(job)  # waits while 1000 jobs are pending
```

## Fix safety
The fix adds `maxsize=<queue-maxsize>` (1000 unless configured) (or replaces the `0`). It is **unsafe**: `put()`
now blocks and `put_nowait()` raises `QueueFull` when the queue is full, which changes
behaviour under load (that is the point, but callers may need to handle it).

## References
- [asyncio.Queue](https://docs.python.org/3/library/asyncio-queue.html#asyncio.Queue)
- [queue.Queue](https://docs.python.org/3/library/queue.html#queue.Queue)
- Guide: P5
"""

    valid = (
        "import asyncio\nq = asyncio.Queue(maxsize=100)\n",
        "import queue\nq = queue.Queue(100)\n",
        "import asyncio\ndef f(n):\n    return asyncio.Queue(maxsize=n)\n",
        "import asyncio\ndef f(**kw):\n    return asyncio.Queue(**kw)\n",
        "class Queue:\n    pass\nq = Queue()\n",
        "import collections\nq = collections.deque(maxlen=10)\n",
    )
    invalid = (
        "import asyncio\nq = asyncio.Queue()\n",
        "import queue as Q\nq = Q.LifoQueue()\n",
        "from queue import PriorityQueue as PQ\nq = PQ(0)\n",
        "import asyncio\nq = asyncio.Queue(maxsize=0)\n",
        "import multiprocessing\nq = multiprocessing.Queue()\n",
        "from asyncio import Queue\nclass W:\n    def __init__(self):\n        self.inbox = Queue()\n",
    )

    def check_call(self, call: ast.Call, callee: Binding) -> None:
        name = callee.qualname
        assert name is not None
        shown = name.replace("()", "")
        if name.startswith("multiprocessing.get_context()."):
            shown = "multiprocessing." + name.rsplit(".", 1)[-1]
        maxsize = self._maxsize_default()
        kw = keyword(call, "maxsize")
        if kw is not None:
            if _unbounded_value(kw.value):
                self.report(kw, callee=shown, problem=_problem(kw.value), maxsize=maxsize)
            return
        if any(k.arg is None for k in call.keywords):
            return  # **kwargs may carry maxsize
        position = QUEUES[name]
        if any(isinstance(a, ast.Starred) for a in call.args[: position + 1]):
            return
        if len(call.args) > position:
            if _unbounded_value(call.args[position]):
                self.report(call.func, callee=shown, problem=_problem(call.args[position]), maxsize=maxsize)
            return
        if puts_admitted_by_counter(self.ctx, call):
            return  # a capacity counter admits every put
        self.report(call.func, callee=shown, problem="has no `maxsize`", maxsize=maxsize)

    def _maxsize_default(self) -> int:
        value = getattr(self.ctx.settings.options, "queue_maxsize", None)
        return value if isinstance(value, int) and value > 0 else 1000

    @classmethod
    def make_fix(cls, finding: Finding, doc: "FixDocument") -> Fix | None:
        from ..fixes.transforms import parameter_fix

        return parameter_fix(finding, doc, "maxsize", 0, str(finding.data["maxsize"]), "unsafe")
