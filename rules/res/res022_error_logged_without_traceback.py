"""RES022 error-logged-without-traceback."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ..model import Finding, Fix, Rule, Severity
from ._logging import is_logger

_METHODS = frozenset({"error", "critical"})
_SKIP = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.ExceptHandler)

if TYPE_CHECKING:
    from ..fixes.document import FixDocument


class ErrorLoggedWithoutTraceback(Rule):
    code = "RES022"
    name = "error-logged-without-traceback"
    message = "`{callee}` inside `except` without `exc_info`: the traceback of the caught exception is lost"
    severity = Severity.INFO
    refs = ("P10", "T§10")
    fix_applicability = "safe"
    fix_title = "Log the traceback: `.exception(...)` or `exc_info=True`"

    docs = """
## What it does
Checks for `.error(...)` and `.critical(...)` calls on a logger inside an `except` block
with no `exc_info=` argument. Loggers are the `logging` module, objects from
`logging.getLogger(...)`, structlog and loguru loggers, and — when the name cannot be
resolved to an import — receivers named `logger`, `log`, `_logger`, `LOGGER` or
`self.logger`.

## Why is this bad?
`logger.error("payment failed: %s", exc)` records only the exception's message. The type,
the stack and the chained cause — the parts that say *where* it failed — are gone, so the
log line cannot be acted on (guide: P10 observability; fault-tolerance rules §10).
`logger.exception(...)` (or `exc_info=True`) records the full traceback at the same level.

## Example
```python
import logging

logger = logging.getLogger(__name__)

def charge(order):
    try:
        gateway.charge(order)
    except GatewayError as exc:
        logger.error("charge failed for %s: %s", order.id, exc)
        raise
```

## Use instead
```python
import logging

logger = logging.getLogger(__name__)

def charge(order):
    try:
        gateway.charge(order)
    except GatewayError:
        logger.exception("charge failed for %s", order.id)
        raise
```

## Fix safety
The fix renames `.error(` to `.exception(` (for `.critical(`, it adds `exc_info=True`). It is
**safe**: the level and the message stay the same; only the traceback is added to the record.

## References
- [logging.Logger.exception](https://docs.python.org/3/library/logging.html#logging.Logger.exception)
- [structlog: exceptions](https://www.structlog.org/en/stable/exceptions.html)
- Guide: P10; fault-tolerance rules §10
"""

    valid = (
        "import logging\nlogger = logging.getLogger(__name__)\ntry:\n    x = 1\nexcept ValueError:\n"
        "    logger.exception('bad')\n",
        "import logging\ntry:\n    x = 1\nexcept ValueError:\n    logging.error('bad', exc_info=True)\n",
        "import logging\nlogger = logging.getLogger(__name__)\nlogger.error('not in an except')\n",
        "from math import log\ntry:\n    x = 1\nexcept ValueError:\n    log.error('x')\n",
        "import ui\ntry:\n    x = 1\nexcept ValueError:\n    ui.error('bad input')\n",
        "import logging\nlog = logging.getLogger()\ntry:\n    x = 1\nexcept ValueError:\n"
        "    def later():\n        log.error('runs later')\n",
        "def f(dialog):\n    try:\n        x = 1\n    except ValueError:\n        dialog.error('bad')\n",
        "import logging\nlogger = logging.getLogger()\ndef f(**kw):\n    try:\n        x = 1\n"
        "    except ValueError:\n        logger.error('bad', **kw)\n",
    )
    invalid = (
        "import logging\nlogger = logging.getLogger(__name__)\ntry:\n    x = 1\nexcept ValueError as e:\n"
        "    logger.error('bad: %s', e)\n",
        "import logging as lg\ntry:\n    x = 1\nexcept ValueError:\n    lg.critical('bad')\n",
        "from logging import getLogger as get\nlog = get('x')\ntry:\n    x = 1\nexcept ValueError:\n"
        "    log.error('bad')\n",
        "import structlog\nlogger = structlog.get_logger()\ntry:\n    x = 1\nexcept ValueError:\n"
        "    logger.error('bad')\n",
        "from loguru import logger\ntry:\n    x = 1\nexcept ValueError:\n    logger.error('bad')\n",
        "import logging\nclass S:\n    def __init__(self):\n        self.logger = logging.getLogger('s')\n"
        "    def go(self):\n        try:\n            x = 1\n        except ValueError:\n"
        "            self.logger.error('bad')\n",
        "def handle(logger):\n    try:\n        x = 1\n    except ValueError:\n        logger.error('bad')\n",
    )

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        # A bounded walk of this handler's body; nested handlers and defs are left to
        # their own visit (a def inside `except` runs later, outside it).
        stack: list[ast.AST] = list(reversed(node.body))
        while stack:
            current = stack.pop()
            if isinstance(current, _SKIP):
                continue
            if isinstance(current, ast.Call):
                self._check(current)
            stack.extend(ast.iter_child_nodes(current))

    def _check(self, call: ast.Call) -> None:
        func = call.func
        if not isinstance(func, ast.Attribute) or func.attr not in _METHODS:
            return
        for kw in call.keywords:
            if kw.arg is None or kw.arg == "exc_info":
                return
        if not is_logger(self.ctx, func.value):
            return
        receiver = ast.unparse(func.value)
        self.report(func, callee=f"{receiver}.{func.attr}", receiver=receiver)

    @classmethod
    def make_fix(cls, finding: Finding, doc: "FixDocument") -> Fix | None:
        from ..fixes.transforms import callee_rename_fix, keyword_fix

        if finding.data["callee"].endswith(".critical"):  # .exception() would lower the level to ERROR
            return keyword_fix(finding, doc, "exc_info", "True", "safe", "Add `exc_info=True`")
        return callee_rename_fix(finding, doc, "exception", "safe", f"Use `{finding.data['receiver']}.exception(...)`")
