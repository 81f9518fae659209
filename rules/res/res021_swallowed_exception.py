"""RES021 swallowed-exception."""
from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING

from ..apis.io import is_outbound_io
from ..model import Confidence, Finding, Fix, Rule, Severity, Span
from ._comments import handler_explained

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
_MAX_TEARDOWN_STMTS = 3
#: Words of a function name that say its work is best effort (review tier).
_BEST_EFFORT = frozenset({"best", "effort", "log", "logger", "cleanup", "telemetry", "analytics"})

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

Default tier — a swallow that hides a failure that matters, reported with the default selection
(a bare `except:` counts as broad, like `except BaseException`):
- a `try` with another handler that re-raises a specific error (`except HTTPException: raise`):
  the body's errors are signals, and every other one is dropped (a check that fails open);
- `continue` in a loop whose `try` body changes the loop's item (`watch["k"] = v`,
  `w.upgrade()`; not `del watch["k"]`, whose failure is the key already gone) and returns nothing: each item whose update fails is skipped
  without a trace;
- a `try` body that calls a network, database, subprocess or file-moving API (the HTTP, DB,
  cache, broker, mail, LLM and subprocess tables the timeout rules use) and returns nothing, with
  a handler that gives no fallback value (`pass`, `continue`, `break`, a bare `return`). A try
  body that returns is a search over alternatives (`try: subprocess.run([editor, path]); return`
  ... `continue`): the next one is tried (review tier).

Every other broad swallow is the review tier (below): most are deliberate — probes and parse
attempts, fallbacks returning a default, optional features and instrumentation.

## Why is this bad?
Such a handler turns every failure — a timeout, a bug such as `TypeError`, even
`KeyboardInterrupt` for a bare `except:` — into silence. Nothing reaches the logs or the
metrics, callers get a default value that looks like success, and an outage becomes a
mystery to debug (guide: H1 design to detect failure, P10 observability; fault-tolerance
rules §10). Narrow handlers (`except KeyError: pass`) and handlers that log or raise are not
flagged.

## Example
```python
import requests

def report_usage(session: requests.Session, stats):
    try:
        session.post("https://telemetry.example.com/v1", json=stats, timeout=5)
    except Exception:
        pass
```

## Use instead
```python
import logging

import requests

logger = logging.getLogger(__name__)

def report_usage(session: requests.Session, stats):
    try:
        session.post("https://telemetry.example.com/v1", json=stats, timeout=5)
    except requests.RequestException:
        logger.warning("usage report not sent", exc_info=True)
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
- any broad swallow that is not one of the default-tier cases above: a probe or parse attempt
  (`try: json.loads(body) except Exception: pass`), a fallback value (`return None`,
  `return 0.0`, `return []`), best-effort work with no outbound I/O (instrumentation, optional
  attributes, cosmetic copies), a search over candidates (`try: return parse(c)` ... `continue`),
  a bare `except:` around optional work (it swallows `KeyboardInterrupt` too: worth a look), an
  optional import under a broad handler (`except ImportError` says it; often a deliberate
  "missing or broken: do without");
- a handler with a comment saying why the error is dropped (`# readline is optional`), bare
  `except:` included;
- a bare `except:` answering with an error message (`return "cannot read the info"`);
- the I/O and loop-skip cases when the answer is a probe's (`return False`, a function named as a
  probe or parse attempt: `is_running`, `_parse_ref`, `try_convert`), on an error path (a `try`
  inside an outer `except` or `finally`), or in a function named for best effort, teardown or
  logging (`_rm_best_effort`, `_log_event`).
"""

    review_examples = (
        "try:\n    import readline\nexcept Exception:\n    pass  # readline is optional (missing on Windows)\n",
        "try:\n    import readline\nexcept:\n    pass  # optional\n",
        "def is_reachable(client):\n    try:\n        return client.ping()\n    except Exception:\n        return False\n",
        "import json\ndef _parse_ref(text):\n    try:\n        return json.loads(text)['id']\n    except Exception:\n"
        "        return None\n",
        "def run(job, log):\n    try:\n        job()\n    except Exception:\n        try:\n            log.write('failed')\n"
        "        except Exception:\n            pass\n        raise\n",
        "def _rm_best_effort(client, name):\n    try:\n        client.api.prune(name)\n"
        "    except Exception:\n        pass\n",
        "import json\ndef guess(body, headers):\n    try:\n        json.loads(body)\n        headers['type'] = 'json'\n"
        "    except Exception:\n        pass\n",
        "def cost(model, calc):\n    try:\n        return float(calc(model))\n    except Exception:\n        return 0.0\n",
        "def info(i):\n    try:\n        return f'model: {i.model}'\n    except:\n        return 'cannot read the info'\n",
        "import json\ndef code_of(text):\n    try:\n        text = json.loads(text)['code']\n    except:\n        pass\n"
        "    return text\n",
        "import json\ndef first(candidates):\n    for c in candidates:\n        try:\n            return json.loads(c)\n"
        "        except Exception:\n            continue\n",
        "import requests\ndef latest(url):\n    try:\n        return requests.get(url, timeout=5).json()\n"
        "    except Exception:\n        return None\n",
        "try:\n    x = 1\nexcept Exception:\n    ...\n",
        "try:\n    x = 1\nexcept:\n    pass\n",
        "def f():\n    try:\n        return [1]\n    except (ValueError, Exception):\n        return []\n",
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
        "import requests\ndef ping(url):\n    try:\n        requests.get(url, timeout=3)\n    except:\n        pass\n",
        "import requests\ndef ping_home(version):\n    try:\n        requests.post('https://example.com/v', data=version, timeout=5)\n"
        "    except Exception:\n        pass\n",
        "import subprocess\ndef notify(cmd):\n    try:\n        subprocess.run(cmd, timeout=5, check=True)\n"
        "    except (ValueError, Exception):\n        return\n",
        "import builtins, redis\nr = redis.Redis(socket_timeout=3)\ndef save(k, v):\n    try:\n        r.set(k, v)\n"
        "    except builtins.Exception:\n        pass\n",
        "def migrate(watches):\n    for w in watches:\n        try:\n            w.upgrade()\n        except Exception:\n"
        "            continue\n",
        "def allowed(checks, route):\n    try:\n        checks.should_call_route(route)\n    except PermissionError:\n"
        "        raise\n    except Exception:\n        pass\n",
        "import http.client\ndef ask(host, body):\n    for uid in range(3):\n        try:\n"
        "            conn = http.client.HTTPConnection(host, timeout=5)\n            conn.request('POST', '/chat', body)\n"
        "        except BaseException:\n            continue\n",
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

    # ----- tiers -----------------------------------------------------------------------------
    def _review_reason(self, node: ast.ExceptHandler) -> str | None:
        """None when the swallow hides a failure that matters (default tier); otherwise why it is
        likely deliberate (review tier). The default tier is kept to what a maintainer accepts
        without argument (RULES.md "Decisions, second round"); see `review_tier` in the docs."""
        if handler_explained(self.ctx, node):
            return "comment"
        func = self.ctx.function
        name = getattr(func, "name", "") or ""
        best_effort = any(part in _TEARDOWN or part in _BEST_EFFORT for part in _words(name))
        if node.type is None and _returns_message(node):
            return "message answer"  # `return "cannot read info"`: a report, not silence
        try_node = self.ctx.parent
        body = list(getattr(try_node, "body", ()))
        if body and all(isinstance(s, (ast.Import, ast.ImportFrom)) for s in body):
            # An optional import: `except ImportError` would say it, but on real code the broad
            # form is as often a deliberate "missing or broken: do without" (review tier).
            return "optional import"
        if self._probe_answer(node):
            return "answer"
        if self._on_error_path():
            return "error path"
        if best_effort:
            return "best-effort function"
        if _sibling_reraises(try_node, node):
            return None  # the try's errors are signals (one kind is re-raised): the rest are dropped
        if self._skips_item(node, body):
            return None
        if not _gives_fallback(node) and self._does_io(body) and not _returns_in(body):
            return None  # (a try body that returns is a search over alternatives: the next is tried)
        return "no failure that matters"

    def _skips_item(self, node: ast.ExceptHandler, body: list[ast.stmt]) -> bool:
        """`continue` in a loop whose try body changes the loop's item (`watch["k"] = v`,
        `del watch["k"]`, `w.upgrade()`) and returns nothing: each item whose update fails is
        skipped without a trace. A try body that returns is a search over candidates (the next one
        is tried); one that only collects into a local list is best-effort formatting."""
        if not any(isinstance(s, ast.Continue) for s in node.body):
            return False
        items = self._loop_targets()
        if not items:
            return False
        changes = False
        for sub in _walk_body(body):
            if isinstance(sub, ast.Return):
                return False
            if isinstance(sub, ast.Expr):
                call = _awaited(sub.value)
                changes = changes or (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                                      and _root_name(call.func.value) in items)
            elif isinstance(sub, (ast.Assign, ast.AugAssign)):  # not `del item[k]`: a missing key is a no-op
                targets = sub.targets if isinstance(sub, ast.Assign) else [sub.target]
                changes = changes or any(isinstance(t, (ast.Subscript, ast.Attribute)) and _root_name(t) in items
                                         for t in targets)
        return changes

    def _loop_targets(self) -> set[str]:
        """The names bound by the innermost `for` around this `try` (in the same function)."""
        for outer in reversed(self.ctx.parents):
            if isinstance(outer, (ast.For, ast.AsyncFor)):
                return {n.id for n in ast.walk(outer.target) if isinstance(n, ast.Name)}
            if isinstance(outer, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.While)):
                return set()
        return set()

    def _does_io(self, body: list[ast.stmt]) -> bool:
        """The try body calls a network / database / subprocess / file-moving API (rules/apis/io)."""
        qualname = self.ctx.qualname
        return any(isinstance(n, ast.Call) and is_outbound_io(qualname(n.func)) for n in _walk_body(body))

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


_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def _walk_body(body: list[ast.stmt]):
    """Every node of a try body, not entering nested defs, lambdas or classes (they run later):
    a bounded walk of one statement list."""
    stack: list[ast.AST] = list(body)
    while stack:
        current = stack.pop()
        if isinstance(current, _DEFS):
            continue
        yield current
        stack.extend(ast.iter_child_nodes(current))


def _root_name(expr: ast.expr) -> str | None:
    while isinstance(expr, (ast.Attribute, ast.Subscript)):
        expr = expr.value
    return expr.id if isinstance(expr, ast.Name) else None


def _awaited(expr: ast.expr) -> ast.expr:
    return expr.value if isinstance(expr, ast.Await) else expr


def _returns_in(body: list[ast.stmt]) -> bool:
    return any(isinstance(n, ast.Return) for n in _walk_body(body))


def _gives_fallback(node: ast.ExceptHandler) -> bool:
    """The handler answers with a value (`return None`, `return 0.0`, `return []`): a fallback the
    caller is meant to get. `pass`, `continue`, `break` and a bare `return` give none."""
    return any(isinstance(s, ast.Return) and s.value is not None for s in node.body)


def _returns_message(node: ast.ExceptHandler) -> bool:
    return any(isinstance(s, ast.Return) and isinstance(s.value, ast.Constant) and isinstance(s.value.value, str)
               and s.value.value.strip() for s in node.body)


def _sibling_reraises(try_node: ast.AST | None, handler: ast.ExceptHandler) -> bool:
    """Another handler of the same `try` re-raises (`except HTTPException as e: raise e`)."""
    for other in getattr(try_node, "handlers", ()):
        if other is not handler and other.type is not None and any(isinstance(s, ast.Raise) for s in other.body):
            return True
    return False


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
