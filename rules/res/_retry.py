"""Shared helpers for the retry rules (RES010-RES014, RES040). Not a rule module.

Candidate for the engine: the "which decorator retries this function" table
(`retry_decorator_of`). `loop_header_span` moved to `context` (RES013 and LLM005 use it).
"""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING


if TYPE_CHECKING:
    from ..context import FileContext

# ----- tenacity ----------------------------------------------------------------------
TENACITY_RETRY = "tenacity.retry"
#: Calls whose keywords configure a tenacity retry policy.
TENACITY_POLICY_CALLS = frozenset(
    {
        "tenacity.retry",
        "tenacity.Retrying",
        "tenacity.AsyncRetrying",
        "tenacity.asyncio.AsyncRetrying",
        "tenacity.TornadoRetrying",
        "tenacity.tornadoweb.TornadoRetrying",
    }
)
BACKOFF_DECORATORS = frozenset({"backoff.on_exception", "backoff.on_predicate"})
STAMINA_DECORATORS = frozenset({"stamina.retry"})

TENACITY_RANDOM_WAITS = frozenset(
    {"wait_exponential_jitter", "wait_random_exponential", "wait_full_jitter", "wait_random"}
)
TENACITY_FIXED_WAITS = frozenset(
    {"wait_fixed", "wait_exponential", "wait_incrementing", "wait_none"}
)
TENACITY_COMBINERS = frozenset({"wait_combine", "wait_chain"})


def tenacity_short(qualname: str | None) -> str | None:
    """`tenacity.wait.wait_fixed` / `tenacity.wait_fixed` -> `wait_fixed`; other names -> None."""
    if qualname is None or not qualname.startswith("tenacity."):
        return None
    parts = qualname.split(".")
    if len(parts) == 2 or (len(parts) == 3 and parts[1] in ("wait", "stop", "retry")):
        return parts[-1]
    return None


def shown(qualname: str) -> str:
    """How a callee is named in messages (instances lose their `()`)."""
    return qualname.replace("()", "")


#: Three-valued answer for "is this wait random?"
RANDOM, FIXED, UNKNOWN = "random", "fixed", "unknown"


def classify_wait(ctx: "FileContext", expr: ast.expr) -> str:
    """RANDOM / FIXED / UNKNOWN for a tenacity `wait=` value (variables are UNKNOWN)."""
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        left, right = classify_wait(ctx, expr.left), classify_wait(ctx, expr.right)
        if RANDOM in (left, right):
            return RANDOM
        return FIXED if left == right == FIXED else UNKNOWN
    if isinstance(expr, ast.Call):
        name = tenacity_short(ctx.qualname(expr.func))
        if name in TENACITY_RANDOM_WAITS:
            return RANDOM
        if name in TENACITY_FIXED_WAITS:
            return FIXED
        if name in TENACITY_COMBINERS:
            if any(isinstance(a, ast.Starred) for a in expr.args) or not expr.args:
                return UNKNOWN
            kinds = [classify_wait(ctx, a) for a in expr.args]
            if RANDOM in kinds:
                return RANDOM
            return FIXED if all(k == FIXED for k in kinds) else UNKNOWN
        return UNKNOWN
    return UNKNOWN


# ----- which decorator retries a function ---------------------------------------
CELERY_TASK_DECORATORS = frozenset(
    {
        "celery.Celery().task",
        "celery.shared_task",
        "celery.task",
        "celery.app.shared_task",
        "celery.current_app.task",
    }
)


def celery_task_decorator(ctx: "FileContext", deco: ast.expr) -> ast.Call | None:
    """The `@app.task(...)` / `@shared_task(...)` call when `deco` is one (bare forms: None)."""
    if isinstance(deco, ast.Call) and ctx.qualname(deco.func) in CELERY_TASK_DECORATORS:
        return deco
    return None


def is_true(expr: ast.expr | None) -> bool | None:
    """True/False for literal truthiness, None for a non-literal (counts as set: don't guess)."""
    if expr is None:
        return False
    if isinstance(expr, ast.Constant):
        return bool(expr.value)
    return None


def kw(call: ast.Call, name: str) -> ast.keyword | None:
    for k in call.keywords:
        if k.arg == name:
            return k
    return None


def has_kwargs(call: ast.Call) -> bool:
    return any(k.arg is None for k in call.keywords)


def policy_unknown(call: ast.Call, qualname: str) -> bool:
    """True when a tenacity policy call's arguments cannot be read: `**kwargs`, `*args`, or
    positional arguments to `Retrying(...)` (its parameters are positional too)."""
    if has_kwargs(call) or any(isinstance(a, ast.Starred) for a in call.args):
        return True
    return qualname != TENACITY_RETRY and bool(call.args)


def first_param(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    args = fn.args.posonlyargs + fn.args.args
    return args[0].arg if args else None


def self_retry_calls(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.Call]:
    """`<first param>.retry(...)` calls in one task body, in source order (nested defs excluded)."""
    me = first_param(fn)
    if me is None:
        return []
    found: list[ast.Call] = []
    stack: list[ast.AST] = list(fn.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "retry"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == me
        ):
            found.append(node)
        stack.extend(ast.iter_child_nodes(node))
    found.sort(key=lambda c: (c.lineno, c.col_offset))
    return found


def retry_decorator_of(ctx: "FileContext", fn: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    """The retry decorator applied to `fn`, shown as in messages, or None.

    Must be called while the walk is at the scope defining `fn` (visit_FunctionDef).
    Recognises tenacity (`@retry`, `@retry(...)`, a decorator held in a variable built by
    `retry(...)`), backoff, stamina, Celery tasks with `autoretry_for=`, and Celery
    `bind=True` tasks that call `self.retry()`.
    """
    for deco in fn.decorator_list:
        target = deco.func if isinstance(deco, ast.Call) else deco
        name = ctx.qualname(target)
        if name is None:
            continue
        base = name[:-2] if name.endswith("()") and not isinstance(deco, ast.Call) else name
        if base == TENACITY_RETRY or base in BACKOFF_DECORATORS or base in STAMINA_DECORATORS:
            return shown(base)
        if isinstance(deco, ast.Call) and name in CELERY_TASK_DECORATORS:
            if kw(deco, "autoretry_for") is not None:
                return f"{shown(name)}(autoretry_for=...)"
            bind = kw(deco, "bind")
            if bind is not None and is_true(bind.value) and self_retry_calls(fn):
                return f"{shown(name)}(bind=True)"
    return None
