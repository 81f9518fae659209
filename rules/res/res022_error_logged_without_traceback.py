"""RES022 error-logged-without-traceback."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ..model import Confidence, Finding, Fix, Rule, Severity
from ._logging import is_logger

_METHODS = frozenset({"error", "critical"})
_SKIP = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.ExceptHandler)
_BROAD = frozenset({"builtins.Exception", "builtins.BaseException"})
#: Calls whose text already holds the traceback: logging it again with exc_info adds nothing.
_TRACEBACK_TEXT = frozenset({"traceback.format_exc", "traceback.format_exception", "traceback.format_tb",
                             "traceback.format_stack", "traceback.TracebackException"})

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
Checks for `.error(...)` and `.critical(...)` calls on a logger inside a broad `except` block
(bare `except:`, `except Exception`, `except BaseException`) that goes on afterwards, with no
`exc_info=` or `stack_info=` argument. Loggers are the `logging` module, objects from
`logging.getLogger(...)`, structlog and loguru loggers, and — when the name cannot be
resolved to an import — receivers named `logger`, `log`, `_logger`, `LOGGER` or
`self.logger`.

It is silent when the handler re-raises (a bare `raise`, `raise X from e`, or any `raise` in the
handler: the traceback travels with the exception and is logged where it is handled), and when
the logged text already holds the traceback (`traceback.format_exc()`, `format_exception(...)`).
A narrow handler (`except GatewayError`) logging an error is the review tier (below): the
exception class already says what failed, and the traceback is often not wanted there.

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
    except Exception as exc:
        logger.error("charge failed for %s: %s", order.id, exc)
```

## Use instead
```python
import logging

logger = logging.getLogger(__name__)

def charge(order):
    try:
        gateway.charge(order)
    except Exception:
        logger.exception("charge failed for %s", order.id)
```

## Fix safety
The fix renames `.error(` to `.exception(` (for `.critical(`, it adds `exc_info=True`). It is
**safe**: the level and the message stay the same; only the traceback is added to the record.

## References
- [logging.Logger.exception](https://docs.python.org/3/library/logging.html#logging.Logger.exception)
- [structlog: exceptions](https://www.structlog.org/en/stable/exceptions.html)
- Guide: P10; fault-tolerance rules §10
"""
    review_tier = """
- `.error`/`.critical` without `exc_info=` in a narrow handler (a specific exception class, not
  `Exception`/`BaseException`) that goes on, whether or not the message formats the exception.
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
        "import logging\nlogger = logging.getLogger(__name__)\ntry:\n    x = 1\nexcept Exception as e:\n"
        "    logger.error('bad: %s', e)\n",
        "import logging as lg\ntry:\n    x = 1\nexcept:\n    lg.critical('bad')\n",
        "from logging import getLogger as get\nlog = get('x')\ntry:\n    x = 1\nexcept (OSError, BaseException):\n"
        "    log.error('bad')\n",
        "import structlog\nlogger = structlog.get_logger()\ntry:\n    x = 1\nexcept Exception:\n"
        "    logger.error('bad')\n",
        "from loguru import logger\ntry:\n    x = 1\nexcept Exception:\n    logger.error('bad')\n",
        "import logging\nclass S:\n    def __init__(self):\n        self.logger = logging.getLogger('s')\n"
        "    def go(self):\n        try:\n            x = 1\n        except Exception:\n"
        "            self.logger.error('bad')\n",
        "def handle(logger):\n    try:\n        x = 1\n    except Exception:\n        logger.error('bad')\n",
    )
    review_examples = (
        "import logging\nlogger = logging.getLogger(__name__)\ntry:\n    x = 1\nexcept ValueError as e:\n"
        "    logger.error('bad: %s', e)\n",
        "import logging as lg\ntry:\n    x = 1\nexcept KeyError:\n    lg.critical('bad')\n",
    )
    valid = valid + (
        # Re-raised: the traceback is logged where the exception is finally handled.
        "import logging\nlogger = logging.getLogger()\ntry:\n    x = 1\nexcept Exception as e:\n"
        "    logger.error('bad: %s', e)\n    raise\n",
        "import logging\nlogger = logging.getLogger()\ntry:\n    x = 1\nexcept Exception as e:\n"
        "    logger.error('bad: %s', e)\n    raise RuntimeError('x') from e\n",
        "import logging\nlogger = logging.getLogger()\ntry:\n    x = 1\nexcept Exception as e:\n"
        "    logger.error('bad')\n    if x:\n        raise ValueError('y')\n",
        # The text already holds the traceback.
        "import logging, traceback\nlogger = logging.getLogger()\ntry:\n    x = 1\nexcept Exception:\n"
        "    logger.error('bad: %s', traceback.format_exc())\n",
        "import logging\nfrom traceback import format_exception\nlogger = logging.getLogger()\ntry:\n    x = 1\n"
        "except Exception as e:\n    logger.error(''.join(format_exception(e)))\n",
        "import logging\nlogger = logging.getLogger()\ntry:\n    x = 1\nexcept Exception:\n"
        "    logger.error('bad', stack_info=True)\n",
    )

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        # A bounded walk of this handler's body; nested handlers and defs are left to
        # their own visit (a def inside `except` runs later, outside it).
        calls: list[ast.Call] = []
        stack: list[ast.AST] = list(reversed(node.body))
        while stack:
            current = stack.pop()
            if isinstance(current, _SKIP):
                continue
            if isinstance(current, ast.Raise):
                return  # re-raised: the traceback goes on with the exception
            if isinstance(current, ast.Call):
                calls.append(current)
            stack.extend(ast.iter_child_nodes(current))
        if not calls:
            return
        confidence = None if self._broad(node.type) else Confidence.MEDIUM
        for call in calls:
            self._check(call, confidence)

    def _broad(self, kind: ast.expr | None) -> bool:
        if kind is None:
            return True
        kinds = kind.elts if isinstance(kind, ast.Tuple) else [kind]
        return any(self.ctx.qualname(k) in _BROAD for k in kinds)

    def _check(self, call: ast.Call, confidence: Confidence | None) -> None:
        func = call.func
        if not isinstance(func, ast.Attribute) or func.attr not in _METHODS:
            return
        for kw in call.keywords:
            if kw.arg in (None, "exc_info", "stack_info"):
                return
        if not is_logger(self.ctx, func.value):
            return
        for arg in call.args:
            for inner in ast.walk(arg):
                if isinstance(inner, ast.Call) and self.ctx.qualname(inner.func) in _TRACEBACK_TEXT:
                    return
        receiver = ast.unparse(func.value)
        self.report(func, confidence=confidence, callee=f"{receiver}.{func.attr}", receiver=receiver)

    @classmethod
    def make_fix(cls, finding: Finding, doc: "FixDocument") -> Fix | None:
        from ..fixes.transforms import callee_rename_fix, keyword_fix

        if finding.data["callee"].endswith(".critical"):  # .exception() would lower the level to ERROR
            return keyword_fix(finding, doc, "exc_info", "True", "safe", "Add `exc_info=True`")
        return callee_rename_fix(finding, doc, "exception", "safe", f"Use `{finding.data['receiver']}.exception(...)`")
