"""Parse once with `ast`, walk once, dispatch each node to the rules interested in it."""
from __future__ import annotations

import ast
import sys
import traceback
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable

from .context import FileContext
from .model import INTERNAL_ERROR, SYNTAX_ERROR, Finding, Rule, Severity, Span
from .names import UNKNOWN, Binding, Scope, import_bindings, target_names
from .settings import FileSettings
from .source import decode_source, split_lines
from .suppression import apply_suppressions

_FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)


@dataclass
class AnalysisResult:
    findings: list[Finding]
    #: The syntax-error finding when the file did not parse (also in `findings`).
    syntax_error: Finding | None = None
    internal_errors: list[str] = field(default_factory=list)


def analyze(source: str | bytes, path: str = "<stdin>", settings: FileSettings | None = None) -> AnalysisResult:
    """Analyse one file's text. Never raises for bad input: problems become findings."""
    settings = settings or FileSettings.default()
    try:
        text = decode_source(source) if isinstance(source, bytes) else source
    except (UnicodeDecodeError, SyntaxError, LookupError) as exc:
        return _syntax_result(f"cannot decode file: {exc}", Span(0, 0, 0, 0), settings)
    try:
        tree = ast.parse(text, filename=path)
    except SyntaxError as exc:
        return _syntax_result(f"SyntaxError: {exc.msg}", _syntax_span(text, exc), settings)
    except (ValueError, RecursionError, MemoryError) as exc:  # NUL bytes, absurd nesting
        return _syntax_result(f"cannot parse file: {type(exc).__name__}: {exc}", Span(0, 0, 0, 0), settings)
    ctx, walker = _walk(path, text, tree, settings)
    if walker is None:
        # Python 3.11+ keeps pure-Python recursion off the C stack, so a deeper limit is safe
        # there; on 3.10 a file this deep is reported instead of risking the interpreter.
        # A rule still recursing past that limit has a bug of its own: it alone is dropped.
        if sys.version_info >= (3, 11):
            with _recursion_limit(50_000):
                ctx, walker = _walk(path, text, tree, settings, isolate_recursion=True)
        if walker is None:
            ctx, walker = FileContext(path, text, tree, settings), Walker(ctx, [])
            walker.internal_errors.append("file nested too deeply to analyse completely")
    findings = apply_suppressions(text, ctx.findings, settings)
    for message in walker.internal_errors:
        findings.append(
            Finding(INTERNAL_ERROR, message, Span(0, 0, 0, 0), Severity.ERROR, data={"internal": True})
        )
    findings.sort(key=Finding.sort_key)
    return AnalysisResult(findings, None, walker.internal_errors)


def _walk(path: str, text: str, tree: ast.Module, settings: FileSettings,
          isolate_recursion: bool = False) -> tuple[FileContext, "Walker | None"]:
    ctx = FileContext(path, text, tree, settings)
    rules: list[Rule] = []
    setup_errors: list[str] = []
    for cls in settings.rule_classes():
        try:
            rules.append(cls(ctx))
        except Exception as exc:  # a rule that cannot even start must not take the others down
            setup_errors.append(f"internal error in rule {getattr(cls, 'code', cls.__name__)} (setup): "
                                f"{type(exc).__name__}: {exc}; other rules still ran")
    walker = Walker(ctx, rules)
    walker.internal_errors.extend(setup_errors)
    walker.isolate_recursion = isolate_recursion
    try:
        walker.run()
    except RecursionError:
        return ctx, None
    return ctx, walker


@contextmanager
def _recursion_limit(limit: int):
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, limit))
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


def _syntax_result(message: str, span: Span, settings: FileSettings) -> AnalysisResult:
    finding = Finding(SYNTAX_ERROR, message, span, Severity.ERROR)
    return AnalysisResult([finding], finding)


def _syntax_span(text: str, exc: SyntaxError) -> Span:
    lines = split_lines(text)
    line = max((exc.lineno or 1) - 1, 0)
    if line >= len(lines):
        line = max(len(lines) - 1, 0)
    length = len(lines[line]) if lines else 0
    col = min(max((exc.offset or 1) - 1, 0), length)
    end = min(col + 1, length) if length else 0
    return Span(line, col, line, max(end, col))


Handler = Callable[[ast.AST], None]


class Walker:
    """One recursive walk that keeps scopes and ancestors and calls the rules' visitors.

    Function bodies are walked after the scope that defines them (as Python runs them
    later), so a module-level client defined below a function is still resolved in it.
    """

    def __init__(self, ctx: FileContext, rules: list[Rule]) -> None:
        self.ctx = ctx
        self.internal_errors: list[str] = []
        self.broken: set[str] = set()
        #: Whether a RecursionError inside a rule is that rule's own failure (see analyze()).
        self.isolate_recursion = False
        self.rules = rules
        plan = _plan(tuple(type(rule) for rule in rules))
        self.enter: dict[type, list[tuple[Rule | None, Handler]]] = {
            node_type: [(rules[i], getattr(rules[i], attr)) for i, attr in hooks]
            for node_type, hooks in plan.enter.items()
        }
        self.leave: dict[type, list[tuple[Rule | None, Handler]]] = {
            node_type: [(rules[i], getattr(rules[i], attr)) for i, attr in hooks]
            for node_type, hooks in plan.leave.items()
        }
        self.finishers = [(rules[i], rules[i].finish) for i in plan.finishers]
        self.callee_index = plan.callees
        if self.callee_index:
            self.enter.setdefault(ast.Call, []).insert(0, (None, self._dispatch_call))
        self.deferred: list[tuple[ast.AST, list[Scope], list[ast.AST], list[ast.AST]]] = []
        self.special: dict[type, Callable[[ast.AST], None]] = {
            ast.FunctionDef: self._function,
            ast.AsyncFunctionDef: self._function,
            ast.Lambda: self._lambda,
            ast.ClassDef: self._class,
            ast.Import: self._import,
            ast.ImportFrom: self._import,
            ast.Assign: self._assign,
            ast.AnnAssign: self._annassign,
            ast.AugAssign: self._augassign,
            ast.NamedExpr: self._namedexpr,
            ast.For: self._for,
            ast.AsyncFor: self._for,
            ast.With: self._with,
            ast.AsyncWith: self._with,
            ast.ExceptHandler: self._except,
            ast.ListComp: self._comprehension,
            ast.SetComp: self._comprehension,
            ast.GeneratorExp: self._comprehension,
            ast.DictComp: self._comprehension,
        }

    # ----- driving -------------------------------------------------------------------
    def run(self) -> None:
        ctx = self.ctx
        self.generic(ctx.tree)
        while self.deferred:
            node, scopes, parents, functions = self.deferred.pop(0)
            ctx.scopes, ctx.parents, ctx.functions = scopes, parents, functions
            self._function_body(node)
        for rule, finish in self.finishers:
            self._call(rule, finish, None)

    def _call(self, rule: Rule | None, handler: Callable, node: ast.AST | None) -> None:
        if rule is not None and rule.code in self.broken:
            return
        try:
            handler(node) if node is not None else handler()
        except RecursionError as exc:
            if not self.isolate_recursion or rule is None:
                raise
            self._broken_rule(rule, node, exc)
        except Exception as exc:  # a broken rule must not take the others down
            self._broken_rule(rule, node, exc)

    def _broken_rule(self, rule: Rule | None, node: ast.AST | None, exc: BaseException) -> None:
        code = rule.code if rule is not None else "engine"
        self.broken.add(code)
        where = f" at line {getattr(node, 'lineno', '?')}" if node is not None else ""
        tb = traceback.extract_tb(exc.__traceback__)[-1]
        self.internal_errors.append(
            f"internal error in rule {code}{where}: {type(exc).__name__}: {exc} "
            f"({tb.filename.rsplit('/', 1)[-1]}:{tb.lineno}); other rules still ran"
        )
        print(f"resilint: {self.internal_errors[-1]}", file=sys.stderr)

    def visit(self, node: ast.AST) -> None:
        cls = node.__class__
        handlers = self.enter.get(cls)
        if handlers:
            for rule, handler in handlers:
                self._call(rule, handler, node)
        special = self.special.get(cls)
        if special is not None:
            special(node)
        else:
            self.generic(node)
        leavers = self.leave.get(cls)
        if leavers and cls not in _FUNCS:
            for rule, handler in leavers:
                self._call(rule, handler, node)

    def generic(self, node: ast.AST) -> None:
        fields = _CHILD_FIELDS.get(node.__class__)
        if fields is None:
            fields = _child_fields(node.__class__)
        if not fields:
            return
        parents = self.ctx.parents
        parents.append(node)
        visit = self.visit
        for name in fields:
            value = getattr(node, name, None)
            if value.__class__ is list:
                for item in value:
                    if isinstance(item, ast.AST):
                        visit(item)
            elif value is not None and isinstance(value, ast.AST):
                visit(value)
        parents.pop()

    def visit_all(self, nodes: list, parent: ast.AST) -> None:
        parents = self.ctx.parents
        parents.append(parent)
        for item in nodes:
            if isinstance(item, ast.AST):
                self.visit(item)
        parents.pop()

    def _dispatch_call(self, node: ast.Call) -> None:  # type: ignore[override]
        resolved = self.ctx.resolve(node.func)
        if resolved is None:
            return
        indexes = self.callee_index.get(resolved.qualname)  # type: ignore[arg-type]
        if indexes:
            for i in indexes:
                rule = self.rules[i]
                self._call(rule, lambda n, r=rule: r.check_call(n, resolved), node)

    # ----- scope-aware nodes ------------------------------------------------------
    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        ctx = self.ctx
        ctx.record_binder(node.name, node)
        args = node.args
        self.visit_all(node.decorator_list, node)
        self.visit_all([*args.defaults, *[d for d in args.kw_defaults if d is not None]], node)
        made = ctx.annotated_instance(node.returns) if node.returns is not None else None
        if made is not None:  # `def make() -> requests.Session`: its calls resolve to an instance
            ctx.note(node, "returns_instance", made)
            ctx.bind(node.name, Binding(None, node))  # type: ignore[arg-type]
        else:
            ctx.bind(node.name, UNKNOWN)
        self.deferred.append((node, list(ctx.scopes), [*ctx.parents, node], [*ctx.functions, node]))

    def _function_body(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        ctx = self.ctx
        scope = Scope("function", node)
        for name in _param_names(node.args):
            scope.names[name] = UNKNOWN
        for arg in _typed_params(node.args):  # `session: requests.Session` resolves like an instance
            made = ctx.annotated_instance(arg.annotation)
            if made is not None:
                scope.names[arg.arg] = made
        ctx.scopes.append(scope)
        parents = ctx.parents
        for stmt in node.body:
            self.visit(stmt)
        leavers = self.leave.get(node.__class__)
        if leavers:
            parents.pop()
            for rule, handler in leavers:
                self._call(rule, handler, node)

    def _lambda(self, node: ast.Lambda) -> None:
        ctx = self.ctx
        args = node.args
        self.visit_all([*args.defaults, *[d for d in args.kw_defaults if d is not None]], node)
        scope = Scope("lambda", node)
        for name in _param_names(args):
            scope.names[name] = UNKNOWN
        ctx.scopes.append(scope)
        ctx.functions.append(node)
        self.visit_all([node.body], node)
        ctx.functions.pop()
        ctx.scopes.pop()

    def _class(self, node: ast.ClassDef) -> None:
        ctx = self.ctx
        ctx.record_binder(node.name, node)
        self.visit_all([*node.decorator_list, *node.bases, *node.keywords], node)
        ctx.bind(node.name, UNKNOWN)
        scope = Scope("class", node)
        ctx.class_scopes[id(node)] = scope
        ctx.scopes.append(scope)
        self.visit_all(node.body, node)
        ctx.scopes.pop()

    def _import(self, node: ast.Import | ast.ImportFrom) -> None:
        for name, binding in import_bindings(node):
            self.ctx.bind(name, binding)

    def _assign(self, node: ast.Assign) -> None:
        self.visit_all([node.value], node)
        self.visit_all(node.targets, node)
        binding = self.ctx.binding_of(node.value)
        if len(self.ctx.scopes) == 1:  # every name the targets mention (`a, b[i] = ...`: a, b, i)
            for name in dict.fromkeys(n.id for t in node.targets for n in ast.walk(t) if isinstance(n, ast.Name)):
                self.ctx.record_binder(name, node)
        for target in node.targets:
            if isinstance(target, ast.Name):
                self.ctx.bind(target.id, binding)
            elif isinstance(target, ast.Attribute):
                attr = self.ctx.self_target(target)
                if attr is not None:
                    self.ctx.record_self_attr(attr, binding)
            else:
                for name in target_names(target):
                    self.ctx.bind(name, UNKNOWN)

    def _annassign(self, node: ast.AnnAssign) -> None:
        self.visit_all([node.annotation, node.value] if node.value else [node.annotation], node)
        self.visit_all([node.target], node)
        binding = self.ctx.binding_of(node.value) if node.value else UNKNOWN
        # `x: httpx.Client = make()`, dataclass / pydantic / attrs fields (`= Field(...)`): the
        # annotation wins unless the value is a construction of that very type (its keywords count).
        typed = self.ctx.annotated_instance(node.annotation)
        if typed is not None and binding.qualname != typed.qualname:
            binding = typed
        if isinstance(node.target, ast.Name):
            if len(self.ctx.scopes) == 1:
                self.ctx.record_binder(node.target.id, node)
            self.ctx.bind(node.target.id, binding)
        elif (node.value is not None or binding is not UNKNOWN) and (attr := self.ctx.self_target(node.target)) is not None:
            self.ctx.record_self_attr(attr, binding)

    def _augassign(self, node: ast.AugAssign) -> None:
        self.generic(node)
        if isinstance(node.target, ast.Name):
            if len(self.ctx.scopes) == 1:
                self.ctx.record_binder(node.target.id, node)
            self.ctx.bind(node.target.id, UNKNOWN)

    def _namedexpr(self, node: ast.NamedExpr) -> None:
        self.visit_all([node.value], node)
        self.ctx.bind(node.target.id, self.ctx.binding_of(node.value))

    def _for(self, node: ast.For | ast.AsyncFor) -> None:
        self.visit_all([node.iter], node)
        for name in target_names(node.target):
            self.ctx.bind(name, UNKNOWN)
        self.visit_all([node.target, *node.body, *node.orelse], node)

    def _with(self, node: ast.With | ast.AsyncWith) -> None:
        ctx = self.ctx
        ctx.parents.append(node)
        for item in node.items:
            self.visit(item.context_expr)
            if item.optional_vars is not None:
                self.visit(item.optional_vars)
                if isinstance(item.optional_vars, ast.Name):
                    resolved = ctx.resolve(item.context_expr)
                    ctx.bind(item.optional_vars.id, resolved or UNKNOWN)
                else:
                    for name in target_names(item.optional_vars):
                        ctx.bind(name, UNKNOWN)
        for stmt in node.body:
            self.visit(stmt)
        ctx.parents.pop()

    def _except(self, node: ast.ExceptHandler) -> None:
        if node.name:
            self.ctx.bind(node.name, UNKNOWN)
        self.generic(node)

    def _comprehension(self, node: ast.AST) -> None:
        ctx = self.ctx
        ctx.parents.append(node)
        ctx.scopes.append(Scope("comprehension", node))
        for gen in node.generators:  # type: ignore[attr-defined]
            self.visit(gen.iter)
            for name in target_names(gen.target):
                ctx.bind(name, UNKNOWN)
            for cond in gen.ifs:
                self.visit(cond)
        if isinstance(node, ast.DictComp):
            self.visit(node.key)
            self.visit(node.value)
        else:
            self.visit(node.elt)  # type: ignore[attr-defined]
        ctx.scopes.pop()
        ctx.parents.pop()


class _Hooks:
    __slots__ = ("enter", "leave", "finish")

    def __init__(self, rule_class: type[Rule]) -> None:
        self.enter: list[tuple[type, str]] = []
        self.leave: list[tuple[type, str]] = []
        for attr in dir(rule_class):
            if attr.startswith(("visit_", "leave_")):
                node_type = getattr(ast, attr[6:], None)
                if isinstance(node_type, type):
                    (self.enter if attr.startswith("visit_") else self.leave).append((node_type, attr))
        self.finish = rule_class.finish is not Rule.finish


_HOOKS: dict[type, _Hooks] = {}


class _Plan:
    """Dispatch tables for one combination of rule classes, built once and reused per file."""

    def __init__(self, classes: tuple[type[Rule], ...]) -> None:
        self.enter: dict[type, list[tuple[int, str]]] = {}
        self.leave: dict[type, list[tuple[int, str]]] = {}
        self.finishers: list[int] = []
        callees: dict[str, list[int]] = {}
        for i, cls in enumerate(classes):
            hooks = _hooks(cls)
            for node_type, attr in hooks.enter:
                self.enter.setdefault(node_type, []).append((i, attr))
            for node_type, attr in hooks.leave:
                self.leave.setdefault(node_type, []).append((i, attr))
            if hooks.finish:
                self.finishers.append(i)
            for name in cls.callees:
                callees.setdefault(name, []).append(i)
        self.callees = {name: tuple(ix) for name, ix in callees.items()}


_PLANS: dict[tuple[type[Rule], ...], _Plan] = {}


def _plan(classes: tuple[type[Rule], ...]) -> _Plan:
    plan = _PLANS.get(classes)
    if plan is None:
        plan = _PLANS[classes] = _Plan(classes)
    return plan


def _hooks(rule_class: type[Rule]) -> _Hooks:
    hooks = _HOOKS.get(rule_class)
    if hooks is None:
        hooks = _HOOKS[rule_class] = _Hooks(rule_class)
    return hooks


# Fields that can hold child nodes, per node class (never `ctx`, never plain-data fields).
_DATA_FIELDS = {"ctx", "id", "attr", "arg", "module", "level", "kind", "is_async", "lineno", "type_comment",
                "conversion"}
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def _child_fields(cls: type) -> tuple[str, ...]:
    fields = tuple(f for f in cls._fields if f not in _DATA_FIELDS)  # type: ignore[attr-defined]
    if cls is ast.Constant:
        fields = ()
    _CHILD_FIELDS[cls] = fields
    return fields


def _typed_params(args: ast.arguments) -> list[ast.arg]:
    return [a for a in (*args.posonlyargs, *args.args, *args.kwonlyargs) if a.annotation is not None]


def _param_names(args: ast.arguments) -> list[str]:
    names = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
    if args.vararg:
        names.append(args.vararg.arg)
    if args.kwarg:
        names.append(args.kwarg.arg)
    return names
