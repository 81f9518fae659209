"""RES031 dangling-task."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ..model import Finding, Fix, Rule, Severity
from ..names import Binding
from ._async import TASK_SPAWNERS

if TYPE_CHECKING:
    from ..fixes.document import FixDocument


class DanglingTask(Rule):
    code = "RES031"
    name = "dangling-task"
    message = (
        "Result of `{callee}` is discarded: the loop keeps only a weak reference, so the task "
        "can vanish mid-flight and its exceptions go unseen"
    )
    severity = Severity.WARNING
    refs = ("H1",)
    fix_applicability = "unsafe"
    fix_title = "Keep a reference in a module-level set with `add_done_callback(discard)`"
    callees = TASK_SPAWNERS

    docs = """
## What it does
Checks for `asyncio.create_task(...)`, `asyncio.ensure_future(...)` and
`loop.create_task(...)` (the loop from `asyncio.get_event_loop()`/`get_running_loop()`)
used as a bare statement, so the returned task is thrown away.

## Why is this bad?
The event loop only keeps a weak reference to a task. A task nobody references can be
garbage-collected before it finishes, silently cancelling the work; and since nobody awaits
it, its exception is at best logged as "Task exception was never retrieved" at garbage
collection time (guide: H1, design to detect failure). A task that is assigned, awaited,
returned, added to a set or created by a `TaskGroup` (`tg.create_task`) is not flagged.

## Example
```python
import asyncio

async def handle(event):
    asyncio.create_task(send_audit_log(event))
    return "ok"
```

## Use instead
```python
import asyncio

_background_tasks: set[asyncio.Task] = set()

async def handle(event):
    task = asyncio.create_task(send_audit_log(event))
    _background_tasks.add(task)
    task.add_done_callback(_background_tasks.discard)
    return "ok"
```
or run the work inside an `async with asyncio.TaskGroup() as tg:` block.

## Fix safety
The fix assigns the task to `_task`, adds it to a module-level `_background_tasks: set` (created
when missing) and removes it with `_task.add_done_callback(_background_tasks.discard)`. It is
**unsafe**: the task now lives until it finishes instead of possibly being collected early,
which changes shutdown behaviour.

## References
- [asyncio.create_task: "Important: save a reference to the result"](https://docs.python.org/3/library/asyncio-task.html#asyncio.create_task)
- Guide: H1
"""

    valid = (
        "import asyncio\nasync def f(c):\n    t = asyncio.create_task(c)\n    await t\n",
        "import asyncio\nasync def f(c):\n    await asyncio.create_task(c)\n",
        "import asyncio\nasync def f(c):\n    return asyncio.ensure_future(c)\n",
        "import asyncio\ntasks = set()\nasync def f(c):\n    tasks.add(asyncio.create_task(c))\n",
        "import asyncio\nasync def f(c):\n    async with asyncio.TaskGroup() as tg:\n        tg.create_task(c)\n",
        "class Loop:\n    def create_task(self, c): ...\ndef f(c):\n    Loop().create_task(c)\n",
        "async def f(loop, c):\n    t = loop.create_task(c)\n    return t\n",
    )
    invalid = (
        "import asyncio\nasync def f(c):\n    asyncio.create_task(c)\n",
        "import asyncio as aio\nasync def f(c):\n    aio.ensure_future(c)\n",
        "from asyncio import create_task as spawn\nasync def f(c):\n    spawn(c)\n",
        "import asyncio\ndef f(c):\n    loop = asyncio.get_event_loop()\n    loop.create_task(c)\n",
        "import asyncio\nasync def f(c):\n    asyncio.get_running_loop().create_task(c)\n",
        "import asyncio\nclass A:\n    def __init__(self):\n        self.loop = asyncio.get_event_loop()\n"
        "    def go(self, c):\n        self.loop.create_task(c)\n",
    )

    def check_call(self, call: ast.Call, callee: Binding) -> None:
        if not isinstance(self.ctx.parent, ast.Expr):
            return
        name = callee.qualname
        assert name is not None
        if name.endswith(".create_task") and "()" in name:
            shown = "loop.create_task"
        else:
            shown = name
        self.report(call.func, callee=shown)

    @classmethod
    def make_fix(cls, finding: Finding, doc: "FixDocument") -> Fix | None:
        from ..fixes.statements import dangling_task_fix

        return dangling_task_fix(finding, doc)
