"""Reusable libcst rewrites for fixes; each returns a new node and keeps the code's layout.

Arguments are inserted the way a person would: `f(a)` → `f(a, timeout=10)`; a trailing
comma stays trailing; in a call laid out one argument per line the new argument gets its own
line with the same indentation; comments stay on the line (and with the argument) they were
on. The same list logic serves `from x import (a, b)` (see `insert_element`).

The `*_fix` helpers at the bottom bundle "find the node behind the finding, rewrite it, add
imports, diff" so that a rule's `make_fix` is a few lines (docs/fixes.md).
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Sequence

import libcst as cst

from ..model import Applicability, Finding, Fix
from .elements import NONE as _NONE, insert_element, remove_element
from .imports import local_modules

if TYPE_CHECKING:
    from .document import FixDocument

_COMPREHENSIONS = (cst.GeneratorExp, cst.ListComp, cst.SetComp, cst.DictComp)


# ----- values ------------------------------------------------------------------------------
def number(value: float | int) -> str:
    """Render a configured number as code: 10.0 → `10`, 2.5 → `2.5`."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value)


_FLOAT_INT = re.compile(r"(?<![\w.])(\d+)\.0(?![\w.])")
_KEYWORD = re.compile(r"([A-Za-z_]\w*)=(?!=)(.*)", re.S)


def code_numbers(text: str) -> str:
    """`10.0` → `10` inside a code snippet (rules format settings floats with `str`)."""
    return _FLOAT_INT.sub(r"\1", text)


def split_keyword(text: str) -> tuple[str | None, str]:
    """`"timeout=10.0"` → `("timeout", "10")`; `"10.0"` → `(None, "10")`."""
    m = _KEYWORD.fullmatch(text.strip())
    if m:
        return m.group(1), code_numbers(m.group(2))
    return None, code_numbers(text.strip())


def expr(value: str | cst.BaseExpression) -> cst.BaseExpression:
    return cst.parse_expression(value) if isinstance(value, str) else value


def replace_code(node: cst.BaseExpression, code: str) -> cst.BaseExpression:
    """A new expression from `code`, keeping the parentheses around the old one."""
    new = cst.parse_expression(code)
    lpar = getattr(node, "lpar", ())
    if lpar:
        new = new.with_changes(lpar=lpar, rpar=node.rpar)  # type: ignore[attr-defined]
    return new


def keyword_arg(call: cst.Call, name: str) -> cst.Arg | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None


def _parenthesize_generator(args: Sequence[cst.Arg]) -> list[cst.Arg]:
    """`f(x for x in y)` needs parentheses around the generator once `f` gets a second argument."""
    items = list(args)
    if len(items) == 1 and isinstance(items[0].value, cst.GeneratorExp) and not items[0].value.lpar:
        gen = items[0].value
        items[0] = items[0].with_changes(value=gen.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()]))
    return items


def add_keyword(call: cst.Call, name: str, value: str | cst.BaseExpression) -> cst.Call:
    """`f(a)` → `f(a, name=value)`; placed before a `**kwargs`, in the call's layout."""
    args = _parenthesize_generator(call.args)
    k = next((i for i, a in enumerate(args) if a.star == "**"), len(args))
    new = cst.Arg(
        value=expr(value),
        keyword=cst.Name(name),
        equal=cst.AssignEqual(whitespace_before=_NONE, whitespace_after=_NONE),
    )
    items, _ = insert_element(args, k, new, call.whitespace_before_args)
    return call.with_changes(args=items)


def replace_keyword_value(call: cst.Call, name: str, value: str | cst.BaseExpression) -> cst.Call:
    arg = keyword_arg(call, name)
    if arg is None:
        raise KeyError(name)
    new_value = replace_code(arg.value, value) if isinstance(value, str) else value
    return call.with_changes(args=[a.with_changes(value=new_value) if a is arg else a for a in call.args])


def set_keyword(call: cst.Call, name: str, value: str | cst.BaseExpression) -> cst.Call:
    """Replace the keyword's value when present, add it otherwise."""
    if keyword_arg(call, name) is not None:
        return replace_keyword_value(call, name, value)
    return add_keyword(call, name, value)


def remove_keyword(call: cst.Call, name: str) -> cst.Call:
    arg = keyword_arg(call, name)
    if arg is None:
        return call
    items, _ = remove_element(call.args, list(call.args).index(arg))
    if not items:
        return call.with_changes(args=(), whitespace_before_args=_NONE)
    return call.with_changes(args=items)


def rename_callee(call: cst.Call, new: str) -> cst.Call:
    """`yaml.load(x)` → `yaml.safe_load(x)` with `new="safe_load"` (a plain name renames the
    last part of the callee); a dotted `new` replaces the whole callee expression."""
    func = call.func
    if "." not in new:
        if isinstance(func, cst.Attribute):
            return call.with_changes(func=func.with_changes(attr=cst.Name(new)))
        if isinstance(func, cst.Name):
            return call.with_changes(func=func.with_changes(value=new))
    return call.with_changes(func=replace_code(func, new))  # type: ignore[arg-type]


def to_thread(call: cst.Call, to_thread_expr: str = "asyncio.to_thread") -> cst.Await:
    """`f(a, k=1)` → `await asyncio.to_thread(f, a, k=1)`."""
    func_arg = cst.Arg(value=call.func.with_changes(lpar=(), rpar=()) if isinstance(call.func, (cst.Name, cst.Attribute)) else call.func)
    items, _ = insert_element(_parenthesize_generator(call.args), 0, func_arg, call.whitespace_before_args)
    inner = call.with_changes(func=cst.parse_expression(to_thread_expr), args=items, lpar=(), rpar=())
    return cst.Await(expression=inner, lpar=call.lpar, rpar=call.rpar)


def awaited(node: cst.BaseExpression, code: str) -> cst.Await:
    """`time.sleep(x)` → `await asyncio.sleep(x)` with `code="asyncio.sleep"` (callee swapped)."""
    if isinstance(node, cst.Call):
        inner: cst.BaseExpression = node.with_changes(func=cst.parse_expression(code), lpar=(), rpar=())
    else:
        inner = cst.parse_expression(code)
    return cst.Await(expression=inner, lpar=getattr(node, "lpar", ()), rpar=getattr(node, "rpar", ()))


# ----- decorators -----------------------------------------------------------------------------
def decorator_add_keyword(decorator: cst.Decorator, name: str, value: str | cst.BaseExpression) -> cst.Decorator:
    """`@retry` / `@retry()` / `@retry(x=1)` → the same with `name=value` added."""
    dec = decorator.decorator
    if isinstance(dec, cst.Call):
        return decorator.with_changes(decorator=add_keyword(dec, name, value))
    return decorator.with_changes(decorator=add_keyword(cst.Call(func=dec), name, value))


def decorator_set_keyword(decorator: cst.Decorator, name: str, value: str | cst.BaseExpression) -> cst.Decorator:
    dec = decorator.decorator
    if isinstance(dec, cst.Call):
        return decorator.with_changes(decorator=set_keyword(dec, name, value))
    return decorator_add_keyword(decorator, name, value)


def add_decorator(node: cst.FunctionDef | cst.ClassDef, code: str, *, outermost: bool = False) -> cst.FunctionDef | cst.ClassDef:
    """Add `@code` closest to the `def` (or on top with `outermost=True`)."""
    new = cst.Decorator(decorator=cst.parse_expression(code))
    decorators = list(node.decorators)
    if outermost and decorators:
        new = new.with_changes(leading_lines=decorators[0].leading_lines)
        decorators[0] = decorators[0].with_changes(leading_lines=())
        decorators.insert(0, new)
    elif outermost or not decorators:
        decorators.insert(0 if outermost else len(decorators), new)
    else:
        decorators.append(new)
    return node.with_changes(decorators=decorators)


# ----- one-call fixes for the common shapes (a rule's make_fix is then a few lines) -----------
def call_fix(
    finding: Finding,
    doc: "FixDocument",
    rewrite,
    message: str,
    applicability: Applicability,
    imports: Sequence[tuple[str, str | None]] = (),
) -> Fix | None:
    """Rewrite the call behind `finding` (its span is the call or its callee).

    `rewrite(call, *import_exprs)` returns the replacement node; `imports` are
    `(module, name)` pairs added with `ensure_import`, whose local spellings are passed on.
    """
    call = doc.call_at(finding.span)
    if call is None:
        return None
    return doc.replace(call, lambda *names: rewrite(call, *names), message, applicability, imports)


def _imports_shown(value: str, imports: Sequence[tuple[str, str | None]]) -> str:
    return value.format(*[n or m for m, n in imports])


def keyword_fix(
    finding: Finding,
    doc: "FixDocument",
    name: str,
    value: str,
    applicability: Applicability,
    message: str | None = None,
    imports: Sequence[tuple[str, str | None]] = (),
) -> Fix | None:
    """Set `name=value` on what the finding covers, whichever of the usual ranges it is:

    - a keyword argument (`stop=None`): `name` replaces that argument's value when it is the
      same keyword, else is set on the call holding it;
    - a call or its callee (`requests.get`, `Retrying`): added, or its value replaced;
    - a bare decorator (`@retry`): becomes `@retry(name=value)`.

    `value` may use `{0}`, `{1}`… for the local spelling of each import, e.g.
    `keyword_fix(f, doc, "stop", "{0}(3)", "unsafe", imports=[("tenacity", "stop_after_attempt")])`.
    """
    title = message or f"Set `{name}={_imports_shown(value, imports)}`"
    arg = doc.node_at(finding.span, cst.Arg)
    if arg is not None and arg.keyword is not None:
        call = doc.parent(arg)
        if not isinstance(call, cst.Call):
            return None
        target: cst.CSTNode = call
        rewrite = lambda *names: set_keyword(call, name, value.format(*names))  # noqa: E731
    elif (call := doc.call_at(finding.span)) is not None:
        target = call
        rewrite = lambda *names: set_keyword(call, name, value.format(*names))  # noqa: E731
    elif (decorator := doc.decorator_at(finding.span)) is not None:
        target = decorator
        rewrite = lambda *names: decorator_set_keyword(decorator, name, value.format(*names))  # noqa: E731
    else:
        return None
    return doc.replace(target, rewrite, title, applicability, imports)


def value_fix(
    finding: Finding,
    doc: "FixDocument",
    value: str,
    applicability: Applicability,
    message: str | None = None,
    imports: Sequence[tuple[str, str | None]] = (),
) -> Fix | None:
    """Replace the argument value the finding covers: a keyword (`timeout=None` → `timeout=10`)
    or a positional value (the `None` of `urlopen(url, None, None)`)."""
    arg = doc.node_at(finding.span, cst.Arg)
    if arg is not None and arg.keyword is not None:
        node: cst.BaseExpression = arg.value
        shown = f"{arg.keyword.value}={_imports_shown(value, imports)}"
    else:
        found = doc.node_at(finding.span, cst.BaseExpression)
        if found is None or not isinstance(doc.parent(found), cst.Arg):
            return None
        node = found
        shown = _imports_shown(value, imports)
    return doc.replace(
        node, lambda *names: replace_code(node, value.format(*names)), message or f"Use `{shown}`", applicability, imports
    )


def callee_rename_fix(
    finding: Finding, doc: "FixDocument", new: str, applicability: Applicability, message: str | None = None
) -> Fix | None:
    """Rename the callee of the call behind the finding (`yaml.load` → `yaml.safe_load`)."""
    return call_fix(finding, doc, lambda call: rename_callee(call, new), message or f"Use `{new}`", applicability)


def await_fix(
    finding: Finding,
    doc: "FixDocument",
    module: str,
    name: str,
    applicability: Applicability,
    message: str | None = None,
    *,
    thread: bool = False,
) -> Fix | None:
    """`time.sleep(x)` → `await asyncio.sleep(x)` (`module="asyncio", name="sleep"`), or with
    `thread=True`: `f(a)` → `await asyncio.to_thread(f, a)` (`name="to_thread"`).

    Only offered inside an `async def` whose call is not already awaited.
    """
    call = doc.call_at(finding.span)
    if call is None or isinstance(doc.parent(call), cst.Await):
        return None
    fn = doc.enclosing(call, (cst.FunctionDef, cst.Lambda, *_COMPREHENSIONS))
    if not isinstance(fn, cst.FunctionDef) or fn.asynchronous is None:
        return None
    parent = doc.parent(call)
    # `f().x`, `f()[0]`, `f()()`: `await` binds looser than these, so parenthesize.
    tight = (
        (isinstance(parent, (cst.Attribute, cst.Subscript)) and parent.value is call)
        or (isinstance(parent, cst.Call) and parent.func is call)
    ) and not call.lpar

    def rewrite(c: cst.Call, local: str) -> cst.Await:
        # `asyncio.sleep` rather than a bare `sleep`: the module is imported (or reused) as such
        node = to_thread(c, f"{local}.{name}") if thread else awaited(c, f"{local}.{name}")
        return node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()]) if tight else node

    title = message or (f"Run in a thread with `await {module}.{name}(...)`" if thread else f"Use `await {module}.{name}(...)`")
    return call_fix(finding, doc, rewrite, title, applicability, [(module, None)])


def parameter_fix(
    finding: Finding,
    doc: "FixDocument",
    name: str,
    position: int | None,
    value: str,
    applicability: Applicability,
    message: str | None = None,
    imports: Sequence[tuple[str, str | None]] = (),
) -> Fix | None:
    """Like `keyword_fix`, but when the call passes the parameter by position (`Queue(0)`),
    that positional value is replaced instead of adding a duplicate keyword."""
    call = doc.call_at(finding.span)
    if call is not None and position is not None:
        positional = [a for a in call.args if a.keyword is None]
        if any(a.star for a in positional[: position + 1]):
            return None
        if len(positional) > position and not positional[position].star:
            node = positional[position].value
            title = message or f"Use `{name}={_imports_shown(value, imports)}`"
            return doc.replace(node, lambda *names: replace_code(node, value.format(*names)), title, applicability, imports)
    return keyword_fix(finding, doc, name, value, applicability, message, imports)


# ----- RES012: which exceptions are "transport errors" of the libraries a function calls -----
#: top-level module called -> (module to import, attribute) exception classes worth retrying.
TRANSPORT_ERRORS: dict[str, tuple[tuple[str, str], ...]] = {
    "requests": (("requests", "ConnectionError"), ("requests", "Timeout")),
    "httpx": (("httpx", "TransportError"),),
    "aiohttp": (("aiohttp", "ClientConnectionError"), ("", "TimeoutError")),
    "urllib": (("urllib.error", "URLError"), ("", "TimeoutError")),
    "urllib3": (("urllib3.exceptions", "HTTPError"),),
    "redis": (("redis", "ConnectionError"), ("redis", "TimeoutError")),
    "psycopg": (("psycopg", "OperationalError"),),
    "psycopg2": (("psycopg2", "OperationalError"),),
    "openai": (("openai", "APIConnectionError"), ("openai", "APITimeoutError")),
    "anthropic": (("anthropic", "APIConnectionError"), ("anthropic", "APITimeoutError")),
    "botocore": (("botocore.exceptions", "ConnectionError"),),
    "boto3": (("botocore.exceptions", "ConnectionError"),),
}
DEFAULT_TRANSPORT_ERRORS: tuple[tuple[str, str], ...] = (("", "ConnectionError"), ("", "TimeoutError"))


class _Roots(cst.CSTVisitor):
    def __init__(self) -> None:
        self.roots: list[str] = []

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        while isinstance(func, (cst.Attribute, cst.Call, cst.Subscript)):
            func = func.value if not isinstance(func, cst.Call) else func.func
        if isinstance(func, cst.Name) and func.value not in self.roots:
            self.roots.append(func.value)


def _wrapped_function(doc: "FixDocument", node: cst.CSTNode) -> cst.CSTNode | None:
    """`retry(...)(fetch)` at module level: the module-level `def fetch`."""
    parent = doc.parent(node)
    if isinstance(parent, cst.Call) and parent.func is node and parent.args:
        target = parent.args[0].value
        if isinstance(target, cst.Name):
            stmt = doc.top_level_def(target.value)
            if isinstance(stmt, cst.FunctionDef):
                return stmt.body
    return None


def transport_errors(doc: "FixDocument", node: cst.CSTNode) -> list[tuple[str, str]]:
    """The transport exceptions of the libraries called in the function `node` retries
    (the decorated function, or the function around a `Retrying(...)` call)."""

    body: cst.CSTNode | None = node if isinstance(node, cst.FunctionDef) else None
    if body is None:
        parent = doc.parent(node)
        if isinstance(parent, cst.FunctionDef) and isinstance(node, cst.Decorator):
            body = parent.body
        else:
            body = doc.enclosing(node, cst.FunctionDef) or _wrapped_function(doc, node)
    if body is None:
        return list(DEFAULT_TRANSPORT_ERRORS)
    visitor = _Roots()
    body.visit(visitor)
    where = local_modules(doc.module)
    out: list[tuple[str, str]] = []
    for root in visitor.roots:
        top = where.get(root, "").split(".")[0]
        for err in TRANSPORT_ERRORS.get(top, ()):
            if err not in out:
                out.append(err)
    return out or list(DEFAULT_TRANSPORT_ERRORS)


def errors_template(errors: list[tuple[str, str]], imports: list[tuple[str, str | None]]) -> str:
    """The exception type (or tuple of types) as a template whose `{i}` placeholders name
    `imports[i]`; the modules the types live in are appended to `imports`."""
    parts = []
    for module, attr in errors:
        if not module:
            parts.append(attr)
            continue
        if (module, None) not in imports:
            imports.append((module, None))
        parts.append(f"{{{imports.index((module, None))}}}.{attr}")
    return parts[0] if len(parts) == 1 else "(" + ", ".join(parts) + ")"


def retry_predicate_fix(finding: Finding, doc: "FixDocument", applicability: Applicability, message: str | None = None) -> Fix | None:
    """Add `retry=retry_if_exception_type((<transport errors>,))` to the tenacity policy the
    finding covers (a bare `@retry`, `@retry(...)`, `Retrying(...)`)."""
    target: cst.CSTNode | None = doc.decorator_at(finding.span) or doc.call_at(finding.span)
    if target is None:
        return None
    imports: list[tuple[str, str | None]] = [("tenacity", "retry_if_exception_type")]
    inner = errors_template(transport_errors(doc, target), imports)
    return keyword_fix(finding, doc, "retry", "{0}(" + inner + ")", applicability, message, imports)
