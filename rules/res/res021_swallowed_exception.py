"""RES021 swallowed-exception."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ..model import Finding, Fix, Rule, Severity, Span

_BROAD = frozenset({"builtins.Exception", "builtins.BaseException"})
_EMPTY_BUILTINS = frozenset(
    {"builtins.list", "builtins.dict", "builtins.set", "builtins.tuple", "builtins.frozenset", "builtins.str", "builtins.bytes"}
)
#: Best-effort teardown calls: a `try` body of only these is allowed to fail silently.
_TEARDOWN = frozenset(
    {"close", "kill", "terminate", "cancel", "shutdown", "cleanup", "unlink", "remove", "rmtree", "stop",
     "disconnect", "release", "join"}
)
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

    valid = (
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
    )

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if not node.body or not all(self._is_silent(stmt) for stmt in node.body):
            return
        if node.type is not None and not self._is_broad(node.type):
            return
        if self._guards_teardown() or self._guards_optional_fields():
            return
        span = self._clause_span(node)
        clause = "except:" if node.type is None else f"except {ast.unparse(node.type)}"
        self.report(span, clause=clause)

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
        if name in _TEARDOWN:
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
