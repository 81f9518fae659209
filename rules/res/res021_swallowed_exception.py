"""RES021 swallowed-exception."""
from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING

from ..model import Confidence, Finding, Fix, Rule, Severity, Span

_BROAD = frozenset({"builtins.Exception", "builtins.BaseException"})
_EMPTY_BUILTINS = frozenset(
    {"builtins.list", "builtins.dict", "builtins.set", "builtins.tuple", "builtins.frozenset", "builtins.str", "builtins.bytes"}
)
#: Best-effort teardown calls: a `try` body of only these is allowed to fail silently.
_TEARDOWN = frozenset(
    {"close", "kill", "terminate", "cancel", "shutdown", "cleanup", "unlink", "remove", "rmtree", "stop",
     "disconnect", "release", "join", "delete", "rm", "destroy", "dispose", "aclose", "teardown"}
)
#: pylint's own marker for this check: the team decided the handler for pylint (celery writes a reason).
_PYLINT_BROAD = re.compile(r"#\s*pylint:\s*disable\s*=\s*[\w\-, ]*"
                           r"\b(broad-except|broad-exception-caught|bare-except|W0703|W0718|W0702)\b")
#: Words of a function name that make it a probe or a parse attempt (RES021's review tier).
_PROBE_WORDS = frozenset({"is", "has", "can", "try", "maybe", "parse", "probe", "detect", "guess", "running",
                          "available", "supported", "convert", "coerce", "safe", "none"})
#: Comment markers that are tooling, not an explanation.
_TOOL_COMMENT = re.compile(r"#\s*(noqa|type:|pragma|pylint|nosec|fmt:)", re.IGNORECASE)
_MAX_TEARDOWN_STMTS = 3

if TYPE_CHECKING:
    from ..fixes.document import FixDocument


class SwallowedException(Rule):
    code = "RES021"
    name = "swallowed-exception"
    message = "`{clause}` swallows every error without logging or re-raising: failures vanish without a trace"
    severity = Severity.WARNING
    refs = ("H1", "P10", "T§10")
    fix_applicability = "unsafe"
    fix_title = "Log the exception with `logger.exception(...)`"

    docs = """
## What it does
Checks for broad exception handlers — bare `except:`, `except Exception`,
`except BaseException`, or a tuple that contains one of them (`except (ValueError, Exception)`)
— whose body only does `pass`, `...`, `continue`, `break`, `return`, or returns a constant or
an empty literal (`return None`, `return False`, `return []`, `return {}`): no logging call
and no re-raise. A handler around best-effort teardown — a `try` body of one to three calls
such as `proc.kill()`, `sock.close()`, `await client.close()`, `os.unlink(path)` or
`shutil.rmtree(tmp)` (close, kill, terminate, cancel, shutdown, cleanup, unlink, remove,
rmtree, stop, disconnect, release, join) — is not flagged: there is nothing left to report to.
Nor is one around optional fields copied from an object into a dict — a `try` body of one to
three `props["key"] = user.attr` / `user.get_id()` assignments, possibly under an `if` reading
the object: on failure the field is simply left out (instrumentation libraries must not break
their host this way). Calls with arguments, and reads through `self`/`cls`, still count.
A handler whose `except` clause carries pylint's own disable for the check
(`# pylint: disable=broad-except`, `broad-exception-caught`, `W0703`/`W0718`) is not flagged
either: the team decided it for pylint (ruff's `BLE001`/`S110` are peers' suppressions).
Teardown names count by their parts: `force_close_all()`, `_rm_best_effort()`, `delete()`.

## Why is this bad?
Such a handler turns every failure — a timeout, a bug such as `TypeError`, even
`KeyboardInterrupt` for a bare `except:` — into silence. Nothing reaches the logs or the
metrics, callers get a default value that looks like success, and an outage becomes a
mystery to debug (guide: H1 design to detect failure, P10 observability; fault-tolerance
rules §10). Narrow handlers (`except KeyError: pass`) and handlers that log or raise are not
flagged.

## Example
```python
import json

def load_settings(path):
    try:
        with open(path) as f:
            return json.load(f)
    except Exception:
        return {}
```

## Use instead
```python
import json
import logging

logger = logging.getLogger(__name__)

def load_settings(path):
    try:
        with open(path) as f:
            return json.load(f)
    except FileNotFoundError:
        return {}
    except Exception:
        logger.exception("cannot read settings from %s", path)
        raise
```

## Fix safety
The fix replaces the handler's body with `logger.exception("unexpected error in <function>")`
followed by a bare `raise`, adding `import logging` and a module-level
`logger = logging.getLogger(__name__)` when the module has no logger. It is **unsafe**: the
exception now propagates to every caller (control flow changes) and is logged.

## References
- [Python tutorial: Handling exceptions](https://docs.python.org/3/tutorial/errors.html#handling-exceptions)
- [logging.Logger.exception](https://docs.python.org/3/library/logging.html#logging.Logger.exception)
- Guide: H1, P10; fault-tolerance rules §10
"""

    review_tier = """
- a broad handler with a comment saying why the error is dropped (`# readline is optional`);
- a probe's answer: `return False`/`True`, or a constant returned by a function named as a probe
  or parse attempt (`is_running`, `_parse_ref`, `try_convert`, `*_or_none`);
- a `try` inside an outer `except` or `finally` (cleanup that must not mask the original error);
- a handler in a function named for best effort, teardown or logging (`_rm_best_effort`, `_log_event`).

A bare `except:` stays in the default tier: it also swallows `KeyboardInterrupt` and `SystemExit`.
"""

    review_examples = (
        "try:\n    import readline\nexcept Exception:\n    pass  # readline is optional (missing on Windows)\n",
        "def is_reachable(client):\n    try:\n        return client.ping()\n    except Exception:\n        return False\n",
        "import json\ndef _parse_ref(text):\n    try:\n        return json.loads(text)['id']\n    except Exception:\n"
        "        return None\n",
        "def run(job, log):\n    try:\n        job()\n    except Exception:\n        try:\n            log.write('failed')\n"
        "        except Exception:\n            pass\n        raise\n",
        "def _rm_best_effort(client, name):\n    try:\n        client.api.prune(name)\n"
        "    except Exception:\n        pass\n",
    )

    valid = (
        "def resize(pool):\n    try:\n        pool.force_close_all()\n    except Exception:\n        pass\n",
        "def f(cb):\n    try:\n        cb()\n    except Exception:  # pylint: disable=broad-except\n        pass\n",
        "try:\n    x = 1\nexcept KeyError:\n    pass\n",
        "import logging\ntry:\n    x = 1\nexcept Exception:\n    logging.exception('x')\n",
        "try:\n    x = 1\nexcept Exception:\n    raise\n",
        "try:\n    x = 1\nexcept Exception as e:\n    raise RuntimeError('x') from e\n",
        "try:\n    x = 1\nexcept Exception:\n    x = None\n",
        "class Exception(Exception):\n    pass\ntry:\n    x = 1\nexcept Exception:\n    pass\n",
        "import requests\ntry:\n    x = 1\nexcept (requests.Timeout, requests.ConnectionError):\n    pass\n",
        "def f(d):\n    try:\n        return d['k']\n    except Exception as e:\n        return str(e)\n",
        "def f(proc):\n    try:\n        proc.kill()\n    except Exception:\n        pass\n",
    )
    invalid = (
        "try:\n    x = 1\nexcept:\n    pass\n",
        "try:\n    x = 1\nexcept Exception:\n    ...\n",
        "def f():\n    try:\n        return 1\n    except BaseException:\n        return None\n",
        "for i in range(3):\n    try:\n        x = 1\n    except Exception as exc:\n        continue\n",
        "def f():\n    try:\n        return [1]\n    except (ValueError, Exception):\n        return []\n",
        "import builtins\ntry:\n    x = 1\nexcept builtins.Exception:\n    pass\n",
        "def f():\n    try:\n        return 1\n    except Exception:\n        return -1\n",
        "try:\n    import readline\nexcept:\n    pass  # optional\n",
        "def migrate(watches):\n    for w in watches:\n        try:\n            w.upgrade()\n        except Exception:\n"
        "            continue\n",
    )

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if not node.body or not all(self._is_silent(stmt) for stmt in node.body):
            return
        if node.type is not None and not self._is_broad(node.type):
            return
        if self._guards_teardown() or self._guards_optional_fields() or self._pylint_decided(node):
            return
        span = self._clause_span(node)
        clause = "except:" if node.type is None else f"except {ast.unparse(node.type)}"
        self.report(span, confidence=self._review_reason(node) and Confidence.MEDIUM, clause=clause)

    # ----- review tier ---------------------------------------------------------------------
    def _review_reason(self, node: ast.ExceptHandler) -> str | None:
        """Why a broad swallow is likely deliberate (review tier), or None (default tier).
        A bare `except:` stays in the default tier: it also swallows KeyboardInterrupt/SystemExit."""
        if node.type is None:
            return None
        if self._explained(node):
            return "comment"
        if self._probe_answer(node):
            return "answer"
        if self._on_error_path():
            return "error path"
        func = self.ctx.function
        name = getattr(func, "name", "") or ""
        if any(part in _TEARDOWN or part in ("best", "effort", "log", "logger", "cleanup") for part in _words(name)):
            return "best-effort function"
        return None

    def _probe_answer(self, node: ast.ExceptHandler) -> bool:
        """A probe answering with the handler's constant: `return False` (a predicate's "no"), or a
        constant returned by a function named as a probe or a parse attempt (`is_running`,
        `_parse_ref`, `try_convert`): the exception is the answer, not a lost failure."""
        values = [s.value for s in node.body if isinstance(s, ast.Return) and s.value is not None]
        if not values:
            return False
        if any(isinstance(v, ast.Constant) and isinstance(v.value, bool) for v in values):
            return True
        name = getattr(self.ctx.function, "name", "") or ""
        return any(w in _PROBE_WORDS for w in _words(name))

    def _explained(self, node: ast.ExceptHandler) -> bool:
        """A comment in the handler (or on its `except` line) says why the error is dropped."""
        lines = self.ctx.index.lines
        end = node.end_lineno or node.lineno
        for row in range(node.lineno - 1, min(end, len(lines))):
            text = lines[row]
            at = text.find("#")
            if at == -1 or text.count('"', 0, at) % 2 or text.count("'", 0, at) % 2:
                continue
            if not _TOOL_COMMENT.match(text[at:]):
                return True
        return False

    def _on_error_path(self) -> bool:
        """The `try` runs inside an outer `except` or `finally`: it must not mask the original error."""
        parents = self.ctx.parents
        inner: ast.AST | None = parents[-1] if parents else None
        for outer in reversed(parents[:-1]):
            if isinstance(outer, ast.ExceptHandler):
                return True
            if isinstance(outer, ast.Try) and inner in outer.finalbody:
                return True
            if isinstance(outer, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                return False
            inner = outer
        return False

    def _pylint_decided(self, node: ast.ExceptHandler) -> bool:
        lines = self.ctx.index.lines
        end = node.type.end_lineno if node.type is not None else node.lineno
        return any(_PYLINT_BROAD.search(lines[r]) for r in range(node.lineno - 1, min(end or node.lineno, len(lines))))

    # ----- what counts -------------------------------------------------------------------
    def _guards_teardown(self) -> bool:
        """The `try` body is 1–3 best-effort teardown calls (`proc.kill()`, `await sock.close()`)."""
        parent = self.ctx.parent
        if not isinstance(parent, (ast.Try, getattr(ast, "TryStar", ast.Try))):
            return False
        body = parent.body
        return 0 < len(body) <= _MAX_TEARDOWN_STMTS and all(self._is_teardown_call(s) for s in body)

    def _guards_optional_fields(self) -> bool:
        """The `try` body only copies optional fields of an object into a dict
        (`props["id"] = user.get_id()`, under an `if`): on failure the field is simply left out."""
        parent = self.ctx.parent
        if not isinstance(parent, (ast.Try, getattr(ast, "TryStar", ast.Try))):
            return False
        body = parent.body
        return 0 < len(body) <= _MAX_TEARDOWN_STMTS and all(_copies_field(s) for s in body)

    def _is_teardown_call(self, stmt: ast.stmt) -> bool:
        if not isinstance(stmt, ast.Expr):
            return False
        call = stmt.value.value if isinstance(stmt.value, ast.Await) else stmt.value
        if not isinstance(call, ast.Call):
            return False
        func = call.func
        if isinstance(func, ast.Attribute):
            name = func.attr
        elif isinstance(func, ast.Name):
            name = func.id
        else:
            return False
        if name in _TEARDOWN or any(word in _TEARDOWN for word in _words(name)):
            return True
        qualname = self.ctx.qualname(func)
        return bool(qualname) and qualname.rsplit(".", 1)[-1] in _TEARDOWN

    def _is_broad(self, expr: ast.expr) -> bool:
        if isinstance(expr, ast.Tuple):
            return any(self._is_broad(e) for e in expr.elts)
        return self.ctx.qualname(expr) in _BROAD

    def _is_silent(self, stmt: ast.stmt) -> bool:
        if isinstance(stmt, (ast.Pass, ast.Continue, ast.Break)):
            return True
        if isinstance(stmt, ast.Expr):
            return isinstance(stmt.value, ast.Constant)  # `...` or a string used as a comment
        if isinstance(stmt, ast.Return):
            return stmt.value is None or self._is_constant(stmt.value)
        return False

    def _is_constant(self, expr: ast.expr) -> bool:
        if isinstance(expr, ast.Constant):
            return True
        if isinstance(expr, ast.UnaryOp) and isinstance(expr.operand, ast.Constant):
            return True
        if isinstance(expr, (ast.List, ast.Tuple, ast.Set)):
            return not expr.elts
        if isinstance(expr, ast.Dict):
            return not expr.keys
        if isinstance(expr, ast.Call) and not expr.args and not expr.keywords:
            return self.ctx.qualname(expr.func) in _EMPTY_BUILTINS
        return False

    # ----- range: `except ...:` up to the colon -------------------------------------
    def _clause_span(self, node: ast.ExceptHandler) -> Span:
        ctx = self.ctx
        index = ctx.index
        line = node.lineno - 1
        col = index.byte_to_char(line, node.col_offset)
        if node.type is not None:
            end_line = (node.type.end_lineno or node.type.lineno) - 1
            end_col = index.byte_to_char(end_line, node.type.end_col_offset or 0)
        else:
            end_line = line
            end_col = col + len("except")
        # Scan forward (past `)`, `as name`, spaces, line continuations) to the colon.
        lines = index.lines
        scan_line, scan_col = end_line, end_col
        limit = min(len(lines), end_line + 5)
        while scan_line < limit:
            text = lines[scan_line]
            pos = text.find(":", scan_col)
            hash_pos = text.find("#", scan_col)
            if pos != -1 and (hash_pos == -1 or pos < hash_pos):
                return Span(line, col, scan_line, pos + 1)
            scan_line += 1
            scan_col = 0
        return Span(line, col, end_line, end_col)

    @classmethod
    def make_fix(cls, finding: Finding, doc: "FixDocument") -> Fix | None:
        from ..fixes.statements import swallowed_exception_fix

        return swallowed_exception_fix(finding, doc)


def _words(name: str) -> list[str]:
    """`force_close_all` -> force, close, all (snake-case parts, lower case)."""
    return [w for w in name.lower().strip("_").split("_") if w]


def _copies_field(stmt: ast.stmt) -> bool:
    """`d["key"] = <field read>`, or an `if <field read>:` around such assignments."""
    if isinstance(stmt, ast.If):
        return _reads_fields(stmt.test) and not stmt.orelse and all(_copies_field(s) for s in stmt.body)
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1):
        return False
    target = stmt.targets[0]
    return (isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name)
            and isinstance(target.slice, ast.Constant) and _reads_fields(stmt.value))


def _reads_fields(expr: ast.expr) -> bool:
    """Attribute reads and argument-less method calls on a name (`user.username`,
    `user.get_id()`), compared or combined; not on `self`/`cls` (the code's own machinery)."""
    if isinstance(expr, ast.Constant):
        return True
    if isinstance(expr, (ast.Compare, ast.BoolOp)):
        parts = [expr.left, *expr.comparators] if isinstance(expr, ast.Compare) else expr.values
        return any(_field_of_name(p) for p in parts) and all(_reads_fields(p) for p in parts)
    if isinstance(expr, ast.UnaryOp):
        return _reads_fields(expr.operand)
    return _field_of_name(expr)


def _field_of_name(expr: ast.expr) -> bool:
    return isinstance(expr, (ast.Attribute, ast.Call)) and _rooted_read(expr)


def _rooted_read(expr: ast.expr) -> bool:
    if isinstance(expr, ast.Call):
        return not expr.args and not expr.keywords and isinstance(expr.func, ast.Attribute) \
            and _rooted_read(expr.func.value)
    if isinstance(expr, ast.Attribute):
        return _rooted_read(expr.value)
    return isinstance(expr, ast.Name) and expr.id not in ("self", "cls")
