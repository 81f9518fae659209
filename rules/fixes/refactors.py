"""Refactors offered on code with no finding (code actions of kind `refactor.rewrite`).

Each refactor has a cheap `offers(doc, line, col)` part (which ones apply at the cursor) and a
`compute(doc, name, span)` part (the edits, on `codeAction/resolve`):

- ``timeout``: "Add timeout" on an outbound call without `timeout=` whose API takes one;
- ``tenacity``: "Retry with tenacity": `@retry(stop=stop_after_attempt(retry.attempts),
  wait=wait_exponential_jitter(max=retry.max-wait), retry=retry_if_exception_type(<transport
  errors of the libraries called>), reraise=True)` on the function around the call;
- ``breaker``: "Protect with a circuit breaker": a module-level
  `<downstream>_breaker = pybreaker.CircuitBreaker(fail_max=..., reset_timeout=...)` (an
  `aiobreaker.CircuitBreaker(fail_max=..., timeout_duration=timedelta(seconds=...))` for an
  `async def`) and the decorator on the function;
- ``asyncio-timeout``: "Bound with asyncio.timeout" on an `await` statement:
  `async with asyncio.timeout(t):` around it (Python 3.11+), else `await asyncio.wait_for(x, t)`.

All are **unsafe** (they change behaviour: calls can now fail, be retried or be refused).
"""
from __future__ import annotations

import re
import sys
from functools import lru_cache
from typing import TYPE_CHECKING

import libcst as cst

from ..model import Fix, Span
from .imports import local_modules
from .transforms import add_decorator, add_keyword, errors_template, keyword_arg, number, transport_errors

if TYPE_CHECKING:
    from .document import FixDocument

_VERBS = ("get", "post", "put", "patch", "delete", "head", "options", "request")
#: outbound calls the refactors know (qualified names) -> whether the API takes `timeout=`.
OUTBOUND: frozenset[str] = frozenset(
    [f"requests.{v}" for v in _VERBS]
    + [f"httpx.{v}" for v in _VERBS]
    + ["httpx.stream", "urllib.request.urlopen", "socket.create_connection"]
)
TITLES = {
    "timeout": "Add timeout",
    "tenacity": "Retry with tenacity",
    "breaker": "Protect with a circuit breaker",
    "asyncio-timeout": "Bound with asyncio.timeout",
}


def _dotted(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr.value}" if base else None
    return None


def qualname(doc: "FixDocument", call: cst.Call) -> str | None:
    dotted = _dotted(call.func)
    if dotted is None:
        return None
    root, _, rest = dotted.partition(".")
    target = local_modules(doc.module).get(root)
    if target is None:
        return None
    return f"{target}.{rest}" if rest else target


def _containing(doc: "FixDocument", line: int, col: int, kind: type) -> list[cst.CSTNode]:
    """Nodes of `kind` whose range holds the position, innermost first."""
    index = doc._parsed.index_for(Span(line, col, line, col))
    found = [
        (span, node) for node, span in index.positions.items()
        if isinstance(node, kind) and span.contains(line, col)
    ]
    found.sort(key=lambda item: (item[0].line, item[0].col), reverse=True)
    return [node for _, node in found]


def outbound_call_at(doc: "FixDocument", line: int, col: int) -> tuple[cst.Call, str] | None:
    for call in _containing(doc, line, col, cst.Call):
        name = qualname(doc, call)  # type: ignore[arg-type]
        if name in OUTBOUND:
            return call, name  # type: ignore[return-value]
    return None


def _await_statement(doc: "FixDocument", line: int, col: int) -> tuple[cst.Await, cst.SimpleStatementLine] | None:
    for node in _containing(doc, line, col, cst.Await):
        stmt = doc.enclosing(node, cst.SimpleStatementLine)
        fn = doc.enclosing(node, (cst.FunctionDef, cst.Lambda))
        if stmt is None or not isinstance(fn, cst.FunctionDef) or fn.asynchronous is None:
            continue
        if len(stmt.body) != 1 or not isinstance(doc.parent(stmt), cst.IndentedBlock):
            continue
        inner = stmt.body[0]
        value = getattr(inner, "value", None)
        if value is node:
            return node, stmt  # type: ignore[return-value]
    return None


def _has_retry(fn: cst.FunctionDef) -> bool:
    return any(re.search(r"retry|backoff|stamina", cst.Module([]).code_for_node(d.decorator)) for d in fn.decorators)


def _has_breaker(fn: cst.FunctionDef) -> bool:
    return any("breaker" in cst.Module([]).code_for_node(d.decorator).lower() for d in fn.decorators)


# Any import statement, anywhere, continuation lines included (a superset of those that count).
_IMPORT_STATEMENT = re.compile(
    r"^[ \t]*(?:from[ \t]+[\w.]+[ \t]+)?import\b(?:\([^)]*\)|\\(?:\r\n|\r|\n)|[^\r\n\\(])*", re.MULTILINE
)
_OUTBOUND_ROOTS = frozenset(api.split(".")[0] for api in OUTBOUND)
_WORD = re.compile(r"[A-Za-z_]\w*")
_AWAIT = re.compile(r"\bawait\b")


@lru_cache(maxsize=16)
def _outbound_import_words(text: str) -> frozenset[str]:
    """Every identifier of the import statements naming an `OUTBOUND` root module: the names a
    binding of such an API can have, and more (a regex over the text: no chunk scan, no parse)."""
    words: set[str] = set()
    for m in _IMPORT_STATEMENT.finditer(text):
        found = _WORD.findall(m.group())
        if _OUTBOUND_ROOTS.intersection(found):
            words.update(found)
    return frozenset(words)


def may_mention_outbound(text: str, line_text: str) -> bool:
    """The quick half of `may_offer` (regexes only, cached per text): False means no refactor."""
    return bool(_AWAIT.search(line_text)) or not set(_WORD.findall(line_text)).isdisjoint(_outbound_import_words(text))


def may_offer(doc: "FixDocument", line_text: str) -> bool:
    """Whether `offers` can find anything on this line, without parsing the statement around it
    (in a big class that is thousands of lines, seconds of libcst): the line awaits, or names a
    top-level import binding of an `OUTBOUND` API (`qualname` resolves only those)."""
    if _AWAIT.search(line_text):
        return True
    names = set(_WORD.findall(line_text))
    if names.isdisjoint(_outbound_import_words(doc.text)):
        return False  # most lines of a file: decided without the chunk scan
    return any(
        local in names and any(api == full or api.startswith(full + ".") for api in OUTBOUND)
        for local, full in doc.import_bindings().items()
    )


def offers(doc: "FixDocument", line: int, col: int) -> list[tuple[str, Span]]:
    """(refactor, span of the node it works on) applicable at the position."""
    out: list[tuple[str, Span]] = []
    found = outbound_call_at(doc, line, col)
    if found is not None:
        call, name = found
        span = doc.span_of(call)
        assert span is not None
        if keyword_arg(call, "timeout") is None and not any(a.star == "**" for a in call.args):
            if not (name == "urllib.request.urlopen" and len([a for a in call.args if a.keyword is None]) > 2):
                out.append(("timeout", span))
        fn = doc.enclosing(call, cst.FunctionDef)
        if fn is not None and not _has_retry(fn):
            out.append(("tenacity", span))
        if fn is not None and not _has_breaker(fn):
            out.append(("breaker", span))
    awaited = _await_statement(doc, line, col)
    if awaited is not None:
        span = doc.span_of(awaited[0])
        assert span is not None
        out.append(("asyncio-timeout", span))
    return out


def compute(doc: "FixDocument", name: str, span: Span) -> Fix | None:
    doc.focus(span)
    if name == "timeout":
        return _timeout(doc, span)
    if name == "tenacity":
        return _tenacity(doc, span)
    if name == "breaker":
        return _breaker(doc, span)
    if name == "asyncio-timeout":
        return _asyncio_timeout(doc, span)
    return None


def _timeout(doc: "FixDocument", span: Span) -> Fix | None:
    call = doc.call_at(span)
    if call is None or keyword_arg(call, "timeout") is not None:
        return None
    value = number(doc.options.timeouts.default)
    return doc.replace(call, add_keyword(call, "timeout", value), f"Add `timeout={value}`", "unsafe")


def _tenacity(doc: "FixDocument", span: Span) -> Fix | None:
    call = doc.call_at(span)
    fn = doc.enclosing(call, cst.FunctionDef) if call is not None else None
    if fn is None or _has_retry(fn):
        return None
    imports: list[tuple[str, str | None]] = [
        ("tenacity", "retry"), ("tenacity", "stop_after_attempt"),
        ("tenacity", "wait_exponential_jitter"), ("tenacity", "retry_if_exception_type"),
    ]
    inner = errors_template(transport_errors(doc, fn), imports)
    attempts = doc.options.retry.attempts
    max_wait = number(doc.options.retry.max_wait)
    code = (
        "{0}(stop={1}(" + str(attempts) + "), wait={2}(max=" + max_wait + "), retry={3}(" + inner + "), reraise=True)"
    )
    return doc.replace(
        fn, lambda *names: add_decorator(fn, code.format(*names), outermost=True),
        f"Retry with tenacity ({attempts} attempts, exponential backoff with jitter)", "unsafe", imports,
    )


def _downstream(doc: "FixDocument", call: cst.Call, fn: cst.FunctionDef) -> str:
    for arg in call.args[:1]:
        if isinstance(arg.value, (cst.SimpleString, cst.FormattedString)):
            text = cst.Module([]).code_for_node(arg.value)
            m = re.search(r"://([A-Za-z0-9-]+)", text)
            if m and m.group(1) not in ("localhost", "www", "api"):
                return re.sub(r"\W", "_", m.group(1)).lower()
            m = re.search(r"://(?:www\.|api\.)?([A-Za-z0-9-]+)", text)
            if m:
                return re.sub(r"\W", "_", m.group(1)).lower()
    return re.sub(r"^(?:get|fetch|call|post|send|load)_", "", fn.name.value.lstrip("_")) or fn.name.value


def _breaker(doc: "FixDocument", span: Span) -> Fix | None:
    call = doc.call_at(span)
    fn = doc.enclosing(call, cst.FunctionDef) if call is not None else None
    if call is None or fn is None or _has_breaker(fn):
        return None
    top = fn
    for anc in doc.ancestors(fn):
        if isinstance(anc, cst.Module):
            break
        top = anc  # type: ignore[assignment]
    if not isinstance(doc.parent(top), cst.Module):
        return None
    from .imports import _scan

    taken = _scan(doc.module).bound | set(doc.other_bound_names())
    base = f"{_downstream(doc, call, fn)}_breaker"
    name, k = base, 2
    while name in taken:
        name, k = f"{base}_{k}", k + 1
    opts = doc.options.breaker
    is_async = fn.asynchronous is not None
    if is_async:
        imports: list[tuple[str, str | None]] = [("aiobreaker", None), ("datetime", "timedelta")]
        template = (f"{name} = {{0}}.CircuitBreaker(fail_max={opts.fail_max}, "
                    f"timeout_duration={{1}}(seconds={number(opts.reset_timeout)}))\n")
    else:
        imports = [("pybreaker", None)]
        template = f"{name} = {{0}}.CircuitBreaker(fail_max={opts.fail_max}, reset_timeout={number(opts.reset_timeout)})\n"
    spelled = doc.import_spellings(imports)
    index = next(i for i, s in enumerate(doc.module.body) if s is top)
    module = doc.replace_node(fn, add_decorator(fn, name))
    body = list(module.body)
    old = body[index]
    stmt = cst.parse_statement(template.format(*spelled), config=module.config_for_parsing)
    body[index] = old.with_changes(leading_lines=[cst.EmptyLine(), cst.EmptyLine()])
    body.insert(index, stmt.with_changes(leading_lines=old.leading_lines))
    module = doc.with_imports(module.with_changes(body=body), imports, spelled)
    if module is None:
        return None
    lib = "aiobreaker" if is_async else "pybreaker"
    return doc.fix(f"Protect with a circuit breaker (`{name}`, {lib})", "unsafe", module)


def _asyncio_timeout(doc: "FixDocument", span: Span) -> Fix | None:
    node = doc.node_at(span, cst.Await)
    if node is None:
        return None
    found = _await_statement(doc, span.line, span.col)
    if found is None or found[0] is not node:
        return None
    _, stmt = found
    seconds = number(doc.options.timeouts.default)
    if sys.version_info >= (3, 11):
        def build(aio: str) -> cst.CSTNode:
            return cst.With(
                items=[cst.WithItem(item=cst.parse_expression(f"{aio}.timeout({seconds})"))],
                body=cst.IndentedBlock(body=[stmt.with_changes(leading_lines=())]),
                asynchronous=cst.Asynchronous(),
                leading_lines=stmt.leading_lines,
            )

        return doc.replace(stmt, build, f"Bound with `async with asyncio.timeout({seconds})`", "unsafe", [("asyncio", None)])

    def build_wait_for(aio: str) -> cst.CSTNode:
        inner = cst.Call(
            func=cst.parse_expression(f"{aio}.wait_for"),
            args=[cst.Arg(node.expression, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
                  cst.Arg(cst.parse_expression(seconds))],
        )
        return node.with_changes(expression=inner)

    return doc.replace(node, build_wait_for, f"Bound with `asyncio.wait_for(..., {seconds})`", "unsafe", [("asyncio", None)])
