"""Statement-level fixes: module-level helpers (a logger, a task set, a hoisted breaker),
suppression comments, and the fixes of the rules that need them (RES020/021/024/031/040/900).

Each `*_fix(finding, doc)` is the body of a rule's `make_fix`; they return None when the
occurrence cannot be fixed safely.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Sequence

import libcst as cst

from ..model import Edit, Finding, Fix, Span
from .transforms import add_keyword, keyword_arg, set_keyword

if TYPE_CHECKING:
    from .document import FixDocument

_CODE = re.compile(r"[A-Z]+[0-9]+")


# ----- module-level statements ------------------------------------------------------------------
def top_level_of(doc: "FixDocument", node: cst.CSTNode) -> cst.CSTNode | None:
    """The module-level statement holding `node`."""
    top: cst.CSTNode | None = node
    for anc in doc.ancestors(node):
        if isinstance(anc, cst.Module):
            return top
        top = anc
    return None


def module_names(doc: "FixDocument", module: cst.Module | None = None) -> set[str]:
    from .imports import _scan

    return _scan(module or doc.module).bound | set(doc.other_bound_names())


def free_name(doc: "FixDocument", base: str) -> str:
    taken = module_names(doc)
    name, k = base, 2
    while name in taken:
        name, k = f"{base}_{k}", k + 1
    return name


def insert_before(module: cst.Module, anchor: cst.CSTNode, code: str) -> cst.Module:
    """`code` (one statement) as a module-level statement just above `anchor` (a statement
    of `module.body`), taking over its leading lines; two blank lines before `anchor` when it
    is a def or class, else one."""
    body = list(module.body)
    index = next(i for i, s in enumerate(body) if s is anchor)
    stmt = cst.parse_statement(code, config=module.config_for_parsing)
    old = body[index]
    blanks = 2 if isinstance(old, (cst.FunctionDef, cst.ClassDef)) else 1
    body[index] = old.with_changes(leading_lines=[cst.EmptyLine()] * blanks)
    body.insert(index, stmt.with_changes(leading_lines=old.leading_lines))
    return module.with_changes(body=body)


def rewrite_with_module_statement(
    doc: "FixDocument",
    node: cst.CSTNode,
    new_node: cst.CSTNode,
    statement: str | None,
    imports: Sequence[tuple[str, str | None]],
) -> cst.Module | None:
    """`doc.module` with `node` replaced, `statement` (formatted with the imports' local
    spellings) added above the module-level statement holding it, and the imports added."""
    top = top_level_of(doc, node)
    if top is None:
        return None
    spelled = doc.import_spellings(imports)
    index = next(i for i, s in enumerate(doc.module.body) if s is top)
    module = doc.replace_node(node, new_node)
    if statement is not None:
        module = insert_before(module, module.body[index], statement.format(*spelled))
    return doc.with_imports(module, imports, spelled)


# ----- RES900: unused suppressions -----------------------------------------------------------------
def unused_suppression_fix(finding: Finding, doc: "FixDocument") -> Fix | None:
    """Remove the directive, or only its unused codes. Text-level: no parsing."""
    from .chunks import lines_keepends

    s = finding.span
    if s.line != s.end_line:
        return None
    lines = lines_keepends(doc.text)
    if s.line >= len(lines):
        return None
    raw = lines[s.line]
    content = raw.rstrip("\r\n")
    directive = content[s.col:s.end_col]
    unused = finding.data.get("unused")
    codes = _CODE.findall(directive.split("[", 1)[1] if "[" in directive else directive.split(":", 1)[-1]) \
        if not re.match(r"#\s*resilint\s*:\s*ignore(-file)?\s*$", directive) else []
    keep = [c for c in codes if unused is not None and c not in unused]
    if keep:
        if "[" in directive:
            new = directive[: directive.index("[")] + "[" + ", ".join(keep) + "]"
        else:
            new = directive[: directive.index(":") + 1] + " " + ", ".join(keep)
        return Fix(f"Remove the unused {', '.join(unused or [])} from the suppression", "safe",
                   (Edit(Span(s.line, s.col, s.line, s.end_col), new),))
    before, after = content[: s.col], content[s.end_col:]
    title = "Remove the unused suppression"
    if not before.strip() and not after.strip():  # a comment line of its own: drop the line
        if s.line + 1 < len(lines):
            return Fix(title, "safe", (Edit(Span(s.line, 0, s.line + 1, 0), ""),))
        if s.line > 0:
            prev = lines[s.line - 1].rstrip("\r\n")
            return Fix(title, "safe", (Edit(Span(s.line - 1, len(prev), s.line, len(content)), ""),))
        return Fix(title, "safe", (Edit(Span(s.line, 0, s.line, len(content)), ""),))
    if after.strip():  # `x  # noqa: RES001  # why` -> `x  # why`
        end = s.end_col + (len(after) - len(after.lstrip()))
        return Fix(title, "safe", (Edit(Span(s.line, s.col, s.line, end), ""),))
    start = len(before.rstrip())
    return Fix(title, "safe", (Edit(Span(s.line, start, s.line, len(content)), ""),))


# ----- RES040: Celery retries --------------------------------------------------------------------
def celery_retry_fix(finding: Finding, doc: "FixDocument") -> Fix | None:
    title = "Add `retry_backoff=True, retry_jitter=True, max_retries=5`"
    arg = doc.node_at(finding.span, cst.Arg)
    call: cst.CSTNode | None = doc.parent(arg) if arg is not None else doc.call_at(finding.span)
    if not isinstance(call, cst.Call):
        return None
    subject = str(finding.data.get("subject", ""))
    if subject.endswith(".retry()`"):  # `self.retry()`: bound the task's own policy
        if arg is not None and arg.keyword is not None and arg.keyword.value == "max_retries":
            return doc.replace(arg.value, cst.parse_expression("5"), "Use `max_retries=5`", "unsafe")
        fn = doc.enclosing(call, cst.FunctionDef)
        decorators = [d for d in (fn.decorators if fn else ()) if isinstance(d.decorator, cst.Call)
                      and keyword_arg(d.decorator, "bind") is not None]
        if len(decorators) != 1:
            return None
        call = decorators[0].decorator
        assert isinstance(call, cst.Call)

    def rewrite(c: cst.Call) -> cst.Call:
        c = set_keyword(c, "retry_backoff", "True")
        if keyword_arg(c, "retry_jitter") is None:
            c = add_keyword(c, "retry_jitter", "True")
        else:
            c = set_keyword(c, "retry_jitter", "True")
        max_retries = keyword_arg(c, "max_retries")
        if max_retries is None or (isinstance(max_retries.value, cst.Name) and max_retries.value.value == "None"):
            c = set_keyword(c, "max_retries", "5")
        return c

    return doc.replace(call, rewrite(call), title, "unsafe")


# ----- RES024: pybreaker on async functions -------------------------------------------------------
_PYBREAKER_ARGS = ("fail_max", "reset_timeout", "exclude", "listeners", "state_storage", "name")


def async_breaker_fix(finding: Finding, doc: "FixDocument") -> Fix | None:
    """`b = pybreaker.CircuitBreaker(fail_max=5, reset_timeout=60)` (module level) →
    `b = aiobreaker.CircuitBreaker(fail_max=5, timeout_duration=timedelta(seconds=60))`."""
    name = finding.data.get("breaker", "")
    if not isinstance(name, str) or not name.isidentifier():
        return None
    from .chunks import chunks_of, lines_keepends

    chunks = chunks_of(doc.text) or []
    lines = lines_keepends(doc.text)
    defining = [c for c in chunks if re.match(rf"{re.escape(name)}\s*(?::[^=]*)?=(?!=)", lines[c.code_line])]
    if len(defining) != 1:
        return None
    line = defining[0].code_line
    doc.focus(finding.span, also=(line,))
    used = doc.node_at(finding.span)
    cls = doc.enclosing(used, cst.ClassDef) if used is not None else None
    if cls is not None and re.search(rf"^\s+{re.escape(name)}\s*(?::[^=]*)?=(?!=)", doc.code_for(cls), re.M):
        return None  # a class-level breaker of that name: not the module-level one
    stmt = doc.statement_at(line)
    if not isinstance(stmt, cst.SimpleStatementLine):
        return None
    assign = stmt.body[0] if len(stmt.body) == 1 else None
    if not isinstance(assign, (cst.Assign, cst.AnnAssign)) or not isinstance(assign.value, cst.Call):
        return None
    call = assign.value
    from .imports import local_modules

    func = call.func
    dotted = doc.code_for(func) if isinstance(func, (cst.Name, cst.Attribute)) else ""
    root, _, rest = dotted.partition(".")
    if f"{local_modules(doc.module).get(root, '')}{'.' + rest if rest else ''}" != "pybreaker.CircuitBreaker":
        return None
    if any(a.keyword is None or a.keyword.value not in _PYBREAKER_ARGS for a in call.args):
        return None
    reset = keyword_arg(call, "reset_timeout")
    imports: list[tuple[str, str | None]] = [("aiobreaker", None)]
    if reset is not None:
        imports.append(("datetime", "timedelta"))

    def build(aio: str, td: str | None = None) -> cst.Call:
        new = call.with_changes(func=cst.parse_expression(f"{aio}.CircuitBreaker"))
        if reset is not None:
            seconds = doc.code_for(reset.value)
            new = set_keyword(new, "reset_timeout", f"{td}(seconds={seconds})")
            new = new.with_changes(args=[
                a.with_changes(keyword=cst.Name("timeout_duration")) if a.keyword is not None
                and a.keyword.value == "reset_timeout" else a for a in new.args
            ])
        return new

    return doc.replace(call, build, "Switch to `aiobreaker.CircuitBreaker` (same arguments)", "unsafe", imports)


# ----- RES021: swallowed exceptions -----------------------------------------------------------------
_LOGGER_ASSIGN = re.compile(
    r"(\w+)\s*(?::[^=]*)?=\s*(?:logging\.getLogger|getLogger|structlog\.get_logger|structlog\.getLogger)\("
)


def _logger_spelling(doc: "FixDocument") -> tuple[str, bool]:
    """The module logger to use (a module-level `x = logging.getLogger(...)` anywhere in the
    file) and whether it must be created."""
    from .chunks import chunks_of, lines_keepends
    from .imports import _scan

    lines = lines_keepends(doc.text)
    for chunk in chunks_of(doc.text) or []:
        m = _LOGGER_ASSIGN.match(lines[chunk.code_line])
        if m:
            return m.group(1), False
    taken = _scan(doc.module).bound | set(doc.other_bound_names())
    for candidate in ("logger", "_logger", "log", "LOGGER"):
        if candidate not in taken:
            return candidate, True
    return "", True


def swallowed_exception_fix(finding: Finding, doc: "FixDocument") -> Fix | None:
    """Replace a swallowing handler body with `logger.exception(...)` + `raise`."""
    handler = None
    for node in doc._parsed.index_for(finding.span).positions:
        span = doc.span_of(node)
        if isinstance(node, cst.ExceptHandler) and span is not None and span.line == finding.span.line:
            handler = node
            break
    if handler is None or not isinstance(handler.body, cst.IndentedBlock):
        return None
    fn = doc.enclosing(handler, (cst.FunctionDef, cst.ClassDef))
    where = fn.name.value if isinstance(fn, cst.FunctionDef) else "module"
    name, create = _logger_spelling(doc)
    if not name:
        return None
    indent = handler.body.indent if isinstance(handler.body.indent, str) else doc.module.default_indent
    del indent
    message = f"unexpected error in {where}" if where != "module" else "unexpected error"
    body = [
        cst.parse_statement(f'{name}.exception("{message}")\n', config=doc.module.config_for_parsing),
        cst.parse_statement("raise\n", config=doc.module.config_for_parsing),
    ]
    first = handler.body.body[0] if handler.body.body else None
    if first is not None:
        body[0] = body[0].with_changes(leading_lines=first.leading_lines)
    footer = handler.body.footer
    new_handler = handler.with_changes(body=handler.body.with_changes(body=body, footer=footer))
    title = "Log the exception with `logger.exception(...)` and re-raise"
    if not create:
        return doc.fix(title, "unsafe", doc.replace_node(handler, new_handler))
    statement = f"{name} = {{0}}.getLogger(__name__)\n"
    module = _with_logger(doc, handler, handler, statement)
    if module is None:
        return None
    # two diffs (the header, the handler): each a separate edit, wherever the view's runs are
    edits = doc.edits_from(module) + doc.edits_from(doc.replace_node(handler, new_handler))
    return Fix(title, "unsafe", edits)


def _with_logger(doc: "FixDocument", node: cst.CSTNode, new_node: cst.CSTNode, statement: str) -> cst.Module | None:
    """Replace `node` and add the module logger after the import block (before the
    statement holding `node` when the imports come later)."""
    from .imports import _import_only, _is_docstring, _is_future

    spelled: list[str] = []
    probe, s = doc.ensure_import(doc.module, "logging")
    spelled.append(s)
    top = top_level_of(doc, node)
    if top is None:
        return None
    module = doc.replace_node(node, new_node) if new_node is not node else doc.module
    module, s2 = doc.ensure_import(module, "logging")
    if s2 != s:
        return None
    body = list(module.body)
    top_index = next(i for i, st in enumerate(doc.module.body) if st is top) + (len(module.body) - len(doc.module.body))
    # after the first import block (the same place in a view and in the whole file: the
    # view's first run is the file's header)
    parsed = doc._parsed
    offsets = parsed.statement_offsets()
    header = 0
    for i, st in enumerate(doc.module.body):
        if offsets is not None and parsed.run_at(offsets[i]) != 0:
            break
        if not (i == 0 and _is_docstring(st) or _is_future(st) or _import_only(st)):
            break
        header += 1
    at = min(header + len(module.body) - len(doc.module.body), top_index)
    # a pure insertion (the next statement is left alone): the same edit whether the
    # next statement is in the view's header run or further down the file
    stmt = cst.parse_statement(statement.format(s), config=module.config_for_parsing)
    stmt = stmt.with_changes(leading_lines=[cst.EmptyLine()] if at > 0 else [])
    body.insert(at, stmt)
    return module.with_changes(body=body)


# ----- RES031: dangling tasks ---------------------------------------------------------------------------
def dangling_task_fix(finding: Finding, doc: "FixDocument") -> Fix | None:
    """`asyncio.create_task(x)` → `_task = asyncio.create_task(x)`, kept in a module-level
    `_background_tasks` set until done."""
    call = doc.call_at(finding.span)
    if call is None:
        return None
    expr = doc.parent(call)
    stmt = doc.parent(expr) if isinstance(expr, cst.Expr) else None
    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
        return None
    block = doc.parent(stmt)
    if not isinstance(block, cst.IndentedBlock):
        return None  # module level: the task already lives as long as the module
    taken = module_names(doc)
    tasks = "_background_tasks"
    existing = tasks in taken
    task_var = "_task"
    config = doc.module.config_for_parsing
    code = doc.code_for(call)
    new_stmts = [
        cst.parse_statement(f"{task_var} = {code}\n", config=config).with_changes(
            leading_lines=stmt.leading_lines, trailing_whitespace=stmt.trailing_whitespace),
        cst.parse_statement(f"{tasks}.add({task_var})\n", config=config),
        cst.parse_statement(f"{task_var}.add_done_callback({tasks}.discard)\n", config=config),
    ]
    body = []
    for s in block.body:
        if s is stmt:
            body.extend(new_stmts)
        else:
            body.append(s)
    new_block = block.with_changes(body=body)
    title = "Keep a reference in `_background_tasks` (discarded when done)"
    if existing:
        return doc.fix(title, "unsafe", doc.replace_node(block, new_block))
    module = rewrite_with_module_statement(doc, block, new_block, f"{tasks}: set = set()\n", [])
    return doc.fix(title, "unsafe", module) if module is not None else None


# ----- RES020: breakers built per call ------------------------------------------------------------------
def hoist_breaker_fix(finding: Finding, doc: "FixDocument") -> Fix | None:
    """`CircuitBreaker(...)` built inside a function → a module-level variable (named after
    the function) used in its place. Only when every argument is a literal or a module-level
    name (nothing local to hoist)."""
    call = doc.call_at(finding.span)
    fn = doc.enclosing(call, cst.FunctionDef) if call is not None else None
    if call is None or fn is None:
        return None
    local = _local_names(fn)
    for arg in call.args:
        if arg.star or _uses(arg.value) & local:
            return None
    outer = str(finding.data.get("function") or fn.name.value)
    base = f"{outer.strip('_')}_breaker" if outer.strip("_").isidentifier() else f"{fn.name.value.strip('_')}_breaker"
    name = free_name(doc, base)
    code = doc.code_for(call)
    new_node = cst.Name(name).with_changes(lpar=call.lpar, rpar=call.rpar)
    module = rewrite_with_module_statement(doc, call, new_node, f"{name} = {code}\n", [])
    if module is None:
        return None
    return doc.fix(f"Hoist the breaker to module level (`{name}`)", "unsafe", module)


class _Names(cst.CSTVisitor):
    def __init__(self) -> None:
        self.names: set[str] = set()

    def visit_Name(self, node: cst.Name) -> None:
        self.names.add(node.value)


def _uses(node: cst.CSTNode) -> set[str]:
    visitor = _Names()
    node.visit(visitor)
    return visitor.names


def _local_names(fn: cst.FunctionDef) -> set[str]:
    names = {p.name.value for p in [*fn.params.params, *fn.params.kwonly_params, *fn.params.posonly_params]}
    if isinstance(fn.params.star_arg, cst.Param):
        names.add(fn.params.star_arg.name.value)
    if fn.params.star_kwarg is not None:
        names.add(fn.params.star_kwarg.name.value)

    class Targets(cst.CSTVisitor):
        def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
            names.update(_uses(node.target))

        def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
            names.update(_uses(node.target))

        def visit_For(self, node: cst.For) -> None:
            names.update(_uses(node.target))

        def visit_AsName(self, node: cst.AsName) -> None:
            names.update(_uses(node.name))

        def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
            names.update(_uses(node.target))

    fn.body.visit(Targets())
    return names


__all__ = [
    "async_breaker_fix", "celery_retry_fix", "dangling_task_fix", "hoist_breaker_fix",
    "swallowed_exception_fix", "unused_suppression_fix",
]
