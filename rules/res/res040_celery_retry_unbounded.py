"""RES040 celery-retry-unbounded."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ..context import is_none
from ..model import Finding, Fix, Rule, Severity
from ..names import Binding
from ._retry import CELERY_TASK_DECORATORS, has_kwargs, is_true, kw, self_retry_calls, shown

if TYPE_CHECKING:
    from ..fixes.document import FixDocument


class CeleryRetryUnbounded(Rule):
    code = "RES040"
    name = "celery-retry-unbounded"
    message = "{subject} {problem}: failing tasks come back {consequence}, flooding the broker and the dependency they retry against"
    severity = Severity.WARNING
    refs = ("RF2", "T§8")
    fix_applicability = "unsafe"
    fix_title = "Add `retry_backoff=True, retry_jitter=True, max_retries=5`"
    callees = CELERY_TASK_DECORATORS

    docs = """
## What it does
Checks Celery tasks (`@app.task(...)` on a `Celery(...)` app, `@shared_task(...)`) that retry
without a bound or without backoff: `autoretry_for=` with `retry_backoff` absent or false,
`max_retries=None`, and `self.retry()` calls with neither `countdown=` nor `eta=` in a
`bind=True` task that has no `retry_backoff`. A missing `max_retries` is Celery's finite
default (3) and is not flagged; values held in variables count as set.

## Why is this bad?
Without `retry_backoff`, an auto-retried task is re-queued after the same fixed
`default_retry_delay` every time (`self.retry()` likewise), so a failing dependency receives
waves of retries from every worker in step; with `max_retries=None` a task that can never
succeed circulates through the broker forever, occupying workers and hiding the failure
(guide: RF2 "retries without a bound"; fault-tolerance rules §8).

## Example
```python
import requests
from celery import shared_task

@shared_task(autoretry_for=(requests.RequestException,), max_retries=None)
def sync_customer(customer_id):
    requests.post("https://crm.internal/sync", json={"id": customer_id}, timeout=10)
```

## Use instead
```python
import requests
from celery import shared_task

@shared_task(
    autoretry_for=(requests.RequestException,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def sync_customer(customer_id):
    requests.post("https://crm.internal/sync", json={"id": customer_id}, timeout=10)
```

## Fix safety
The fix sets `retry_backoff=True, retry_jitter=True` on the task decorator and `max_retries=5`
when it is missing or `None`; for `self.retry()` without `countdown` it does the same on the
task decorator (`max_retries=None` passed to `self.retry()` becomes `5`). It is **unsafe**:
tasks now give up after the last attempt and later retries are spaced out.

## References
- [Celery: Automatic retry for known exceptions](https://docs.celeryq.dev/en/stable/userguide/tasks.html#automatic-retry-for-known-exceptions)
- [Celery: Task.retry](https://docs.celeryq.dev/en/stable/reference/celery.app.task.html#celery.app.task.Task.retry)
- Guide: RF2; fault-tolerance rules §8
"""

    valid = (
        "from celery import shared_task\n@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)\ndef t(): ...\n",
        "from celery import Celery\napp = Celery('w')\n@app.task(autoretry_for=(OSError,), retry_backoff=True)\ndef t(): ...\n",
        "from celery import shared_task as st\n@st(autoretry_for=(OSError,), retry_backoff=BACKOFF)\ndef t(): ...\n",
        "from celery import Celery\napp = Celery('w')\n@app.task(bind=True)\ndef t(self):\n    try:\n        work()\n"
        "    except OSError as exc:\n        raise self.retry(exc=exc, countdown=2 ** self.request.retries)\n",
        "from celery import Celery\napp = Celery('w')\n@app.task(bind=True, retry_backoff=True)\ndef t(self):\n    raise self.retry()\n",
        "from celery import shared_task\n@shared_task\ndef t(): ...\n",
        "from celery import shared_task\n@shared_task(**TASK_OPTIONS)\ndef t(): ...\n",
        "class Job:\n    def retry(self): ...\n    def run(self):\n        self.retry()\n",
    )
    invalid = (
        "from celery import shared_task\n@shared_task(autoretry_for=(OSError,))\ndef t(): ...\n",
        "from celery import Celery\napp = Celery('w')\n@app.task(autoretry_for=(OSError,), retry_backoff=False)\ndef t(): ...\n",
        "import celery\napp = celery.Celery('w')\n@app.task(max_retries=None)\ndef t(): ...\n",
        "from celery import shared_task as st\n@st(autoretry_for=(OSError,), retry_backoff=True, max_retries=None)\ndef t(): ...\n",
        "from celery import Celery\ncelery = Celery(__name__)\n@celery.task(bind=True)\ndef t(self, x):\n    try:\n        work(x)\n"
        "    except OSError as exc:\n        raise self.retry(exc=exc)\n",
        "from celery import shared_task\n@shared_task(bind=True, max_retries=10)\nasync def t(task):\n    task.retry()\n",
    )

    def check_call(self, call: ast.Call, callee: Binding) -> None:
        if has_kwargs(call):
            return
        name = shown(callee.qualname or "")
        backoff = kw(call, "retry_backoff")
        backoff_on = backoff is not None and is_true(backoff.value) is not False
        autoretry = kw(call, "autoretry_for")
        if autoretry is not None and not backoff_on:
            node = backoff if backoff is not None else call.func
            self.report(node, subject=f"`{name}`", problem="sets `autoretry_for=` without `retry_backoff=True`",
                        consequence="after the same fixed delay")
        max_retries = kw(call, "max_retries")
        if max_retries is not None and is_none(max_retries.value):
            self.report(max_retries, subject=f"`{name}`", problem="sets `max_retries=None`", consequence="forever")
        bind = kw(call, "bind")
        parent = self.ctx.parent
        if (
            bind is not None
            and is_true(bind.value)
            and not backoff_on
            and isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef))
            and any(d is call for d in parent.decorator_list)
        ):
            for retry_call in self_retry_calls(parent):
                self._check_self_retry(retry_call)

    def _check_self_retry(self, node: ast.Call) -> None:
        if has_kwargs(node):
            return
        func = node.func
        assert isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
        me = func.value.id
        max_retries = kw(node, "max_retries")
        if max_retries is not None and is_none(max_retries.value):
            self.report(max_retries, subject=f"`{me}.retry()`", problem="sets `max_retries=None`", consequence="forever")
        if kw(node, "countdown") is None and kw(node, "eta") is None:
            self.report(func, subject=f"`{me}.retry()`", problem="has no `countdown` or `eta` and the task has no `retry_backoff`",
                        consequence="after the same fixed delay")

    @classmethod
    def make_fix(cls, finding: Finding, doc: "FixDocument") -> Fix | None:
        from ..fixes.statements import celery_retry_fix

        return celery_retry_fix(finding, doc)
