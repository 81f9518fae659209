"""RES022 error-logged-without-traceback."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ..model import Confidence, Finding, Fix, Rule, Severity
from ._comments import handler_explained
from ._expected_failure import local_file_failure, only_fs_operations, says_input_invalid
from ._logging import is_logger

_METHODS = frozenset({"error", "critical"})
_SKIP = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.ExceptHandler)
_BROAD = frozenset({"builtins.Exception", "builtins.BaseException"})
_TRY = (ast.Try, getattr(ast, "TryStar", ast.Try))
#: Builtins that fail only on a bug of the caller's types (a `try` body of only these is defensive).
_SAFE_BUILTINS = frozenset(f"builtins.{n}" for n in ("len", "list", "tuple", "set", "dict", "sorted", "frozenset",
                                                      "isinstance", "hasattr", "bool", "min", "max", "sum")) | {
    # stdlib and library calls that do no I/O and do not fail on valid arguments: a named blinker
    # signal is a registry lookup, a clock read or a lock object cannot raise in a way worth a traceback
    "blinker.signal", "blinker.Signal", "blinker.NamedSignal", "time.time", "time.monotonic", "time.perf_counter",
    "uuid.uuid4", "threading.Lock", "threading.RLock", "threading.Event"}
#: Methods of in-memory containers and queues that do no I/O (`.get` is left out: HTTP clients
#: and caches have one too).
_IN_MEMORY_METHODS = frozenset({"clear", "empty", "qsize", "full", "get_nowait", "put_nowait", "append",
                                "appendleft", "extend", "popleft", "items", "keys", "values", "copy",
                                "discard", "setdefault", "count"})
#: Calls whose text already holds the traceback: logging it again with exc_info adds nothing.
_TRACEBACK_TEXT = frozenset({"traceback.format_exc", "traceback.format_exception", "traceback.format_tb",
                             "traceback.format_stack", "traceback.TracebackException"})
#: Calls that print the traceback themselves.
_TRACEBACK_PRINT = frozenset({"traceback.print_exc", "traceback.print_exception", "traceback.print_tb"})

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
handler: the traceback travels with the exception and is logged where it is handled), when
the logged text already holds the traceback (`traceback.format_exc()`, `format_exception(...)`),
when the same handler logs the traceback elsewhere — `logger.exception(...)`, a log line of `traceback.format_exc()`, a call with
`exc_info=`/`stack_info=` at any level (`logger.debug(e, exc_info=True)`), even in another branch,
or `traceback.print_exc()` — and when the handler hands the exception on (`return e`,
`yield e`), and when the `try` body only writes log lines (nothing there has a traceback worth
keeping). A log line inside a nested `try` of the handler that does not name the caught
exception (`queue size: ...`) is a diagnostic about other state, not the report of the error.

Default tier: a broad handler (bare, `Exception`, `BaseException`) that logs with `.error` or
`.critical` and goes on. A narrow handler (`except GatewayError`), a handler nested in another
handler, and one that opens with a comment explaining the decision are the review tier (below).

When a handler has several such lines and some of them name the caught exception, only those
are reported: they are the report of the error (`logger.error("shutting down")` after it is not).

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
  `Exception`/`BaseException`) that goes on, whether or not the message formats the exception:
  the class already says what failed;
- a broad handler nested inside another handler (a diagnostic that failed while the outer error
  was being reported: `except Exception as health_e` around a queue-health probe);
- a broad handler that opens with a comment (on the `except` line or before its first statement)
  explaining why it logs and goes on: the failure is an expected one, handled on purpose;
- a broad handler around a `try` body that calls nothing but a few builtins (and calls that do
  no I/O: a named blinker `signal(...)`, clock reads, `uuid4()`, a new lock), log lines and
  in-memory container or queue methods of the object's own state (`with self._lock: return
  len(self._items)`, `self._queue.qsize()`, `self._items.clear()`): defensive code around work
  that cannot fail in a way a traceback explains; a container the body checked with `isinstance`
  counts as in-memory too (`if isinstance(item.data, dict): uid = item.data.get("uuid")`);
- a broad handler whose message says the input was invalid (`"Invalid URL template for {url}: {e}"`,
  `"Error parsing x,y coordinates: {e}"`, `"... is not valid Jinja2?"`, `malformed`, `failed to
  parse`): a validation failure the code expects of data its user wrote, and the parse error's
  message is the report;
- a broad handler around file-system calls on a path and nothing else (`Path(p).unlink()`,
  `os.remove(p)`, `shutil.move(a, b)`, `if os.path.isdir(d): shutil.rmtree(d)`, log lines) whose
  message formats the caught exception: the `OSError` text names the path and the reason
  (`[Errno 13] Permission denied: 'p'`);
- a broad handler around a short `try` body (one or two statements) that opens or checks one local
  file (`open(p)`, `shelve.open(p)`, `if os.path.isfile(p): ...`), whose message names that path and
  formats the exception: a corrupt or unreadable data file, reported with the file and the reason.
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
        # a client held on `self`: its `.get` is I/O
        "import logging\nlogger = logging.getLogger()\nclass C:\n    def load(self, key):\n        try:\n"
        "            return self.cache.get(key)\n        except Exception as e:\n"
        "            logger.error(f'cache read failed: {e}')\n",
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
        "import logging\nlogger = logging.getLogger()\ndef fetch(get, url):\n    try:\n        return get(url)\n"
        "    except Exception as e:\n        logger.error(f'fetch failed for {url}: {e}')\n        return str(e)\n",
        # more than one file-system call, and a `.get` on an object nobody checked: the default tier
        "import os, logging\nlog = logging.getLogger()\ndef rotate(a, b):\n    try:\n        os.replace(a, b)\n"
        "        os.remove(a)\n    except Exception as e:\n        log.error(f'rotate failed: {e}')\n",
        "import logging\nlog = logging.getLogger()\ndef uid(item):\n    try:\n        return item.data.get('uuid')\n"
        "    except Exception as e:\n        log.critical(f'Failed to extract UUID: {e}')\n",
    )
    review_examples = (
        # changedetection.io: a named blinker signal is a registry lookup
        "import logging\nfrom blinker import signal\nlogger = logging.getLogger()\nclass Q:\n    def __init__(self):\n"
        "        try:\n            self.sig = signal('notification_event')\n        except Exception as e:\n"
        "            logger.critical(f'Exception creating signal: {e}')\n",
        # changedetection.io: in-memory queue state under a lock
        "import logging\nlogger = logging.getLogger()\nclass Q:\n    def qsize(self):\n        try:\n"
        "            with self._lock:\n                return self._queue.qsize()\n        except Exception as e:\n"
        "            logger.critical(f'Failed to get queue size: {e}')\n            return 0\n",
        "import logging\nlogger = logging.getLogger()\nclass Q:\n    def clear(self):\n        try:\n"
        "            with self._lock:\n                self._items.clear()\n                while not self._queue.empty():\n"
        "                    self._queue.get_nowait()\n                logger.debug('cleared')\n"
        "        except Exception as e:\n            logger.critical(f'Failed to clear: {e}')\n",
        "import logging\nlogger = logging.getLogger(__name__)\ntry:\n    x = 1\nexcept ValueError as e:\n"
        "    logger.error('bad: %s', e)\n",
        "import logging as lg\ntry:\n    x = 1\nexcept KeyError:\n    lg.critical('bad')\n",
        "import logging\nlog = logging.getLogger()\ndef put(q, item):\n    try:\n        q.put(item)\n"
        "    except Exception:\n        log.exception('put failed')\n        try:\n            n = q.qsize()\n"
        "        except Exception as health_e:\n            log.critical(f'health check failed: {health_e}')\n",
        "import logging\nlog = logging.getLogger()\ndef in_schedule(check, tz):\n    try:\n        return check(tz)\n"
        "    except Exception as e:\n        # a bad timezone only skips the immediate recheck\n"
        "        log.error(f'bad timezone {tz}: {e}')\n        return False\n",
        "import logging\nlog = logging.getLogger()\nclass Q:\n    def qsize(self):\n        try:\n"
        "            with self._lock:\n                return len(self._items)\n        except Exception as e:\n"
        "            log.critical(f'failed to get queue size: {e}')\n            return 0\n",
        # changedetection.io: expected failures of user input, and one unlink whose OSError names the file
        "from loguru import logger\ndef click(page, value):\n    try:\n        x, y = value.split(',')\n"
        "        page.click(int(x), int(y))\n    except Exception as e:\n"
        "        logger.error(f'Error parsing x,y coordinates: {e}')\n",
        "import logging\nlog = logging.getLogger()\ndef link(url, render):\n    try:\n        return render(url)\n"
        "    except Exception as e:\n        log.critical(f\"Invalid URL template for: '{url}' - {e}\")\n        return ''\n",
        "from pathlib import Path\nfrom loguru import logger\ndef trim(paths):\n    for p in paths:\n        try:\n"
        "            Path(p).unlink(missing_ok=True)\n        except Exception as e:\n            logger.critical(f'{e}')\n",
        "import os, shutil, logging\nlog = logging.getLogger()\ndef clean(d):\n    try:\n        if os.path.isdir(d):\n"
        "            shutil.rmtree(d)\n            log.debug('cleaned')\n    except Exception as e:\n"
        "        log.error(f'Failed cleaning {d}: {e}')\n",
        # flower: a corrupt state file, named with the error, is moved aside
        "import logging, shelve\nlog = logging.getLogger()\nclass S:\n    def load(self):\n        try:\n"
        "            with shelve.open(self.db) as state:\n                return state['events']\n"
        "        except Exception as e:\n            log.error(\"Failed to load state from '%s': %s\", self.db, e)\n",
        "import logging\nlog = logging.getLogger()\ndef uid(item):\n    try:\n"
        "        if hasattr(item, 'item') and isinstance(item.item, dict):\n            return item.item.get('uuid')\n"
        "    except Exception as e:\n        log.critical(f'Failed to extract UUID: {e}')\n",
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
        # The same handler logs the traceback elsewhere (any level, any branch).
        "import logging\nlogger = logging.getLogger()\ntry:\n    x = 1\nexcept Exception as e:\n"
        "    logger.error(f'failed: {e}')\n    logger.exception('details')\n",
        "import logging\nlogger = logging.getLogger()\ntry:\n    x = 1\nexcept Exception as e:\n"
        "    logger.error('failed: %s', e)\n    logger.debug(e, exc_info=True)\n",
        "import logging\nlogger = logging.getLogger()\ndef f(trace):\n    try:\n        x = 1\n    except Exception:\n"
        "        if trace:\n            logger.exception('failed')\n        else:\n            logger.error('failed')\n",
        "import logging, traceback\nlogger = logging.getLogger()\ntry:\n    x = 1\nexcept Exception:\n"
        "    logger.error('failed')\n    traceback.print_exc()\n",
        # changedetection.io: the traceback text logged on a line of its own, imported in the handler.
        "import logging\nlogger = logging.getLogger()\ndef f(get):\n    try:\n        return get()\n"
        "    except Exception as e:\n        logger.error(f'Failed: {e}')\n        import traceback\n"
        "        logger.error(traceback.format_exc())\n",
        # Handed on: the caller gets the exception and its traceback.
        "import logging\nlogger = logging.getLogger()\ndef check(render, v):\n    try:\n        render(v)\n"
        "    except Exception as e:\n        logger.error(e)\n        return e\n",
        # The try body only logs: nothing there has a traceback worth keeping.
        "import logging\nlogger = logging.getLogger()\ndef close():\n    try:\n        logger.debug('closed')\n"
        "    except Exception as e:\n        logger.critical(f'failed to close: {e}')\n",
        # A diagnostic about other state inside a nested try: not the report of `e`.
        "import logging\nlogger = logging.getLogger()\ndef put(q, item):\n    try:\n        q.put(item)\n"
        "    except Exception as e:\n        logger.critical('put failed', exc_info=e)\n        try:\n"
        "            logger.critical(f'queue size: {q.qsize()}')\n        except OSError:\n            pass\n",
    )

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        # A bounded walk of this handler's body; nested handlers and defs are left to
        # their own visit (a def inside `except` runs later, outside it).
        calls: list[ast.Call] = []
        # (node, inside a nested `try` body of this handler: a sub-operation of the report)
        stack: list[tuple[ast.AST, bool]] = [(stmt, False) for stmt in reversed(node.body)]
        caught = node.name
        local = _handler_imports(node)
        while stack:
            current, nested = stack.pop()
            if isinstance(current, _SKIP):
                continue
            if isinstance(current, ast.Raise):
                return  # re-raised: the traceback goes on with the exception
            if caught and isinstance(current, (ast.Return, ast.Yield)) and _is_the(current.value, caught):
                return  # handed on as the result: the caller gets the exception with its traceback
            if isinstance(current, ast.Call):
                if self._logs_traceback(current, local):
                    return  # `logger.exception(...)` / `exc_info=True` elsewhere in the handler
                # A line inside a nested `try` that does not name the caught exception is a
                # diagnostic about other state (`queue size: ...`), not the report of the error.
                if not nested or (caught and _holds_name(current, caught)):
                    calls.append(current)
            if isinstance(current, _TRY):
                stack.extend((child, True) for child in reversed(current.body))
                stack.extend((child, nested) for field in ("orelse", "finalbody")
                             for child in reversed(getattr(current, field)))
                continue
            stack.extend((child, nested) for child in ast.iter_child_nodes(current))
        reports = [c for c in calls if self._candidate(c)]
        if not reports or self._only_logs(self.ctx.parent):
            return
        if caught and any(_holds_name(c, caught) for c in reports):
            # `logger.error(f"monitor error: {e}")` then `logger.error("shutting down")`: the line that
            # names the exception is the report; the fix there makes the handler log the traceback
            reports = [c for c in reports if _holds_name(c, caught)]
        try_node = self.ctx.parent
        review = not self._broad(node.type) or self._on_error_path() or handler_explained(self.ctx, node, opening=True) \
            or self._defensive(try_node)
        fs_only: bool | None = None  # the try body's calls: computed once, for the first line that needs it
        for call in reports:
            func = call.func
            assert isinstance(func, ast.Attribute)
            receiver = ast.unparse(func.value)
            # An expected failure whose message is the report: the input declared invalid, or a
            # message naming the exception around file-system calls or one local file (review tier).
            expected = review or says_input_invalid(self.ctx, call)
            if not expected and caught and _holds_name(call, caught):
                if fs_only is None:
                    fs_only = only_fs_operations(self.ctx, try_node)
                expected = fs_only or local_file_failure(self.ctx, try_node, call)
            self.report(func, confidence=Confidence.MEDIUM if expected else None, callee=f"{receiver}.{func.attr}",
                        receiver=receiver)

    def _only_logs(self, try_node: ast.AST | None) -> bool:
        """The `try` body only writes log lines (`logger.debug("closed")`): whatever fails there
        has no traceback worth keeping."""
        body = getattr(try_node, "body", None)
        if not body:
            return False
        logs = False
        for stmt in body:
            if isinstance(stmt, ast.Pass) or (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)):
                continue
            call = stmt.value if isinstance(stmt, ast.Expr) else None
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                    and is_logger(self.ctx, call.func.value)):
                return False
            logs = True
        return logs

    def _defensive(self, try_node: ast.AST | None) -> bool:
        """The `try` body calls nothing but a few builtins (`with self._lock: return len(items)`):
        a defensive handler around code that cannot fail in a way a traceback explains."""
        body = getattr(try_node, "body", None)
        if not body:
            return False
        qualname = self.ctx.qualname
        calls = [n for stmt in body for n in ast.walk(stmt) if isinstance(n, ast.Call)]
        # `if isinstance(item.data, dict): uid = item.data.get("uuid")`: a container the body checked
        guarded = {ast.dump(c.args[0]) for c in calls if len(c.args) == 2 and qualname(c.func) == "builtins.isinstance"
                   and qualname(c.args[1]) in _CONTAINERS}
        return bool(calls) and all(qualname(c.func) in _SAFE_BUILTINS or self._in_memory(c)
                                   or _guarded_read(c, guarded) for c in calls)

    def _in_memory(self, call: ast.Call) -> bool:
        """A container or queue method on the object's own state (`self._items.clear()`,
        `self._queue.qsize()`, `self._queue.get_nowait()`), or a log line: no I/O, nothing a
        traceback would explain. Only on `self.<attr>` receivers that hold a stdlib container or
        queue, or resolve to no known API (an attribute holding a client keeps its methods' meaning)."""
        func = call.func
        if not isinstance(func, ast.Attribute):
            return False
        if is_logger(self.ctx, func.value):
            return True
        receiver = func.value
        return func.attr in _IN_MEMORY_METHODS and isinstance(receiver, ast.Attribute) \
            and isinstance(receiver.value, ast.Name) and receiver.value.id == "self" \
            and _in_memory_type(self.ctx.qualname(func))

    def _broad(self, kind: ast.expr | None) -> bool:
        if kind is None:
            return True
        kinds = kind.elts if isinstance(kind, ast.Tuple) else [kind]
        return any(self.ctx.qualname(k) in _BROAD for k in kinds)

    def _on_error_path(self) -> bool:
        """This `try` runs inside another handler: a diagnostic that failed while the outer error
        was being reported (review tier)."""
        for outer in reversed(self.ctx.parents[:-1]):
            if isinstance(outer, ast.ExceptHandler):
                return True
            if isinstance(outer, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                return False
        return False

    def _logs_traceback(self, call: ast.Call, local: dict[str, str] | None = None) -> bool:
        """The handler records the traceback with this call: a logger's `.exception(...)`, a log
        call with `exc_info=`/`stack_info=` (any level: `logger.debug(e, exc_info=True)`), or
        `traceback.print_exc()`."""
        ctx = self.ctx
        func = call.func
        if ctx.qualname(func) in _TRACEBACK_PRINT:
            return True
        if not isinstance(func, ast.Attribute) or not is_logger(ctx, func.value):
            return False
        if func.attr == "exception":
            return True
        if any(isinstance(inner, ast.Call) and _qualname(ctx, inner.func, local) in _TRACEBACK_TEXT
               for arg in call.args for inner in ast.walk(arg)):
            return True  # `logger.error(traceback.format_exc())` on a line of its own
        return any(kw.arg in ("exc_info", "stack_info") and not _false(kw.value) for kw in call.keywords)

    def _candidate(self, call: ast.Call) -> bool:
        """`.error`/`.critical` on a logger, with no `exc_info=`/`**kw`, not logging traceback text."""
        func = call.func
        if not isinstance(func, ast.Attribute) or func.attr not in _METHODS:
            return False
        for kw in call.keywords:
            if kw.arg in (None, "exc_info", "stack_info"):
                return False
        if not is_logger(self.ctx, func.value):
            return False
        for arg in call.args:
            for inner in ast.walk(arg):
                if isinstance(inner, ast.Call) and self.ctx.qualname(inner.func) in _TRACEBACK_TEXT:
                    return False
        return True

    @classmethod
    def make_fix(cls, finding: Finding, doc: "FixDocument") -> Fix | None:
        from ..fixes.transforms import callee_rename_fix, keyword_fix

        if finding.data["callee"].endswith(".critical"):  # .exception() would lower the level to ERROR
            return keyword_fix(finding, doc, "exc_info", "True", "safe", "Add `exc_info=True`")
        return callee_rename_fix(finding, doc, "exception", "safe", f"Use `{finding.data['receiver']}.exception(...)`")


#: Where an in-memory container's methods resolve (`self._q = queue.Queue()`): stdlib containers.
_IN_MEMORY_TYPES = ("builtins.", "queue.", "collections.", "asyncio.Queue()", "asyncio.PriorityQueue()",
                    "asyncio.LifoQueue()")


#: Builtin containers an `isinstance` check can prove, and the reads their methods do.
_CONTAINERS = frozenset({"builtins.dict", "builtins.list", "builtins.tuple", "builtins.set", "builtins.str"})
_CONTAINER_READS = frozenset({"get", "items", "keys", "values", "copy", "count", "index", "strip", "lower",
                              "startswith", "endswith", "split"})


def _guarded_read(call: ast.Call, guarded: set[str]) -> bool:
    func = call.func
    return isinstance(func, ast.Attribute) and func.attr in _CONTAINER_READS and ast.dump(func.value) in guarded


def _in_memory_type(qualname: str | None) -> bool:
    return qualname is None or qualname.startswith(_IN_MEMORY_TYPES)


def _handler_imports(handler: ast.ExceptHandler) -> dict[str, str]:
    """Names the handler imports itself (`import traceback` inside `except`): the walk binds them
    only after the handler is visited, so the rule reads them from the handler's statements."""
    out: dict[str, str] = {}
    for stmt in handler.body:
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                out[alias.asname or alias.name.split(".", 1)[0]] = alias.name if alias.asname else alias.name.split(".", 1)[0]
        elif isinstance(stmt, ast.ImportFrom) and stmt.module and not stmt.level:
            for alias in stmt.names:
                out[alias.asname or alias.name] = f"{stmt.module}.{alias.name}"
    return out


def _qualname(ctx, func: ast.expr, local: dict[str, str] | None) -> str | None:
    """The callee's qualified name, through the handler's own imports when the scope has none."""
    found = ctx.qualname(func)
    if found is not None or not local:
        return found
    if isinstance(func, ast.Name):
        return local.get(func.id)
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in local:
        return f"{local[func.value.id]}.{func.attr}"
    return None


def _holds_name(expr: ast.AST | None, name: str) -> bool:
    return expr is not None and any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(expr))


def _is_the(expr: ast.AST | None, name: str) -> bool:
    """`e`, or a tuple/list holding `e` (`return None, e`): the exception object itself."""
    if isinstance(expr, (ast.Tuple, ast.List)):
        return any(_is_the(e, name) for e in expr.elts)
    return isinstance(expr, ast.Name) and expr.id == name


def _false(expr: ast.expr) -> bool:
    return isinstance(expr, ast.Constant) and not expr.value
