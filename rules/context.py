"""Per-file state shared by the walk and the rules: scopes, ancestors, findings."""
from __future__ import annotations

import ast
import builtins
from typing import TYPE_CHECKING, Any

from .model import Confidence, Finding, Rule, Severity, Span
from .client_types import KNOWN_CLIENT_TYPES, annotated_types
from .names import UNKNOWN, Binding, Scope, dotted
from .index.modules import relative_target
from .source import LineIndex

if TYPE_CHECKING:
    from .settings import FileSettings

_BUILTINS = frozenset(dir(builtins))
_FUNCTION_NODES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
_DEF_NODES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


class FileContext:
    #: Class-level defaults for subclasses that skip __init__ (rules/incremental.py's _Ctx).
    workspace: Any = None

    def __init__(self, path: str, text: str, tree: ast.Module, settings: "FileSettings") -> None:
        self.path = path
        self.text = text
        self.tree = tree
        self.settings = settings
        self.index = LineIndex(text)
        self.scopes: list[Scope] = [Scope("module", tree)]
        self.parents: list[ast.AST] = []
        self.functions: list[ast.AST] = []
        self.class_scopes: dict[int, Scope] = {}
        self.findings: list[Finding] = []
        #: Per-file memo for rules and helper layers (data flow, file kind), keyed by their own names.
        self.cache: dict[str, Any] = {}
        #: The workspace index's read-only view (cross-module names), or None: single-file analysis.
        self.workspace = getattr(settings, "workspace_index", None)

    # ----- the walk's position -------------------------------------------------
    @property
    def parent(self) -> ast.AST | None:
        return self.parents[-1] if self.parents else None

    @property
    def function(self) -> ast.AST | None:
        """Innermost enclosing def / async def / lambda, or None at module or class level."""
        return self.functions[-1] if self.functions else None

    def in_async_function(self) -> bool:
        return isinstance(self.function, ast.AsyncFunctionDef)

    @property
    def module_scope(self) -> Scope:
        return self.scopes[0]

    # ----- bindings ----------------------------------------------------------------
    def bind(self, name: str, binding: Binding) -> None:
        self.scopes[-1].names[name] = binding

    # ----- which statements bound a name (defs, module-level assignments) ------------
    def record_binder(self, name: str, node: ast.AST) -> None:
        """The walk saw `node` (a def / class, or a module-level `name = ...`) bind `name` in the current scope."""
        scope = self.scopes[-1]
        parents = self.parents
        table = scope.binders
        table[name] = (*table.get(name, ()), (node, bool(parents) and parents[-1] is scope.node))

    def local_def(self, name: str) -> ast.AST | None:
        """The last def / async def / class statement of the scope `name` resolves in (as
        `lookup` finds it), even if something else rebound the name since; None if none."""
        chain = self.scopes
        last = len(chain) - 1
        for i in range(last, -1, -1):
            scope = chain[i]
            if scope.kind == "class" and i != last:
                continue
            if name in scope.names:
                for node, _direct in reversed(scope.binders.get(name, ())):
                    if isinstance(node, _DEF_NODES):
                        return node
                return None
        return None

    def memo(self, key: str, factory: Any = dict) -> Any:
        """A memo for one analysis of this file (nodes already reported, per-function summaries),
        kept on the context rather than on the rule: incremental analysis drops it at every
        update instead of treating it as state carried between statements."""
        name = "_resilint_memo_" + key
        found = self.__dict__.get(name)
        if found is None:
            found = self.__dict__[name] = factory()
        return found

    def text_has(self, markers: tuple[str, ...]) -> bool:
        """Whether any of `markers` occurs anywhere in the file: a cheap per-file gate for a rule
        that can only fire in files mentioning some package or API. Use this rather than reading
        `ctx.text`: incremental analysis re-checks the gate on every edit instead of giving up."""
        return any(m in self.text for m in markers)

    @staticmethod
    def note(node: ast.AST, key: str, value: Any) -> None:
        """Attach what a rule learnt about `node` (e.g. in visit_FunctionDef) for a later visit
        (e.g. of the def's body). Notes live on the node, not on the rule, so incremental
        analysis keeps them with the statement they describe."""
        node.__dict__["_resilint_" + key] = value

    @staticmethod
    def noted(node: ast.AST | None, key: str, default: Any = None) -> Any:
        return getattr(node, "_resilint_" + key, default)

    def module_statements(self, name: str) -> list[ast.AST]:
        """The module's top-level statements (direct children of the module) seen so far that
        bind `name`: defs, classes, assignments whose targets mention `name` (`name = ...`,
        `name, x = ...`, `d[name] = ...`), `name: T = ...` and `name += ...`, in source order.
        Complete once the module-level walk is over (in function bodies)."""
        return [node for node, direct in self.scopes[0].binders.get(name, ()) if direct]

    def binds_module(self, modules: frozenset[str], scopes: list[Scope] | None = None) -> bool:
        """Some name in scope is bound to one of `modules` or to something under it (`import click`,
        `from django.contrib.postgres.operations import X`). Read from the bindings, not by a walk
        of the module: the incremental analysis replays bindings, a module walk forces full analysis."""
        return any(b.qualname is not None and any(b.qualname == m or b.qualname.startswith(m + ".") for m in modules)
                   for scope in (self.scopes if scopes is None else scopes) for b in scope.names.values())

    def lookup(self, name: str, scopes: list[Scope] | None = None) -> Binding | None:
        chain = self.scopes if scopes is None else scopes
        last = len(chain) - 1
        for i in range(last, -1, -1):
            scope = chain[i]
            # Class bodies are not visible from the functions nested in them.
            if scope.kind == "class" and i != last:
                continue
            binding = scope.names.get(name)
            if binding is not None:
                return binding
        if name in _BUILTINS:
            return Binding(f"builtins.{name}")
        return None

    def binding_of(self, expr: ast.expr, scopes: list[Scope] | None = None) -> Binding:
        """What an assignment `name = expr` binds `name` to."""
        if isinstance(expr, (ast.Name, ast.Attribute, ast.Call)):
            resolved = self.resolve(expr, scopes)
            if resolved is not None:
                return resolved
        elif isinstance(expr, ast.BoolOp) and isinstance(expr.op, ast.Or):
            # `session or requests.Session()`: the fallback's type is the value's type.
            return self._instance_of(expr.values[-1], scopes)
        elif isinstance(expr, ast.IfExp):
            # `x if x else T()` / `T() if x is None else x`: the built branch gives the type.
            for branch in (expr.orelse, expr.body):
                if isinstance(branch, ast.Call):
                    return self._instance_of(branch, scopes)
        return UNKNOWN

    def _instance_of(self, expr: ast.expr, scopes: list[Scope] | None) -> Binding:
        b = self.resolve(expr, scopes) if isinstance(expr, (ast.Name, ast.Attribute, ast.Call)) else None
        return b if b is not None and b.qualname is not None and b.qualname.endswith("()") else UNKNOWN

    def annotated_instance(self, ann: ast.expr | None, scopes: list[Scope] | None = None) -> Binding | None:
        """`T()` when the annotation names a known client type (client_types.py), else None.
        The binding has no origin: no constructor call was seen, so no keyword was passed."""
        found = None
        for t in annotated_types(ann):
            b = self.resolve(t, scopes)
            q = b.qualname if b is not None else None
            if q not in KNOWN_CLIENT_TYPES or (found is not None and found != q):
                return None
            found = q
        return Binding(f"{found}()") if found is not None else None

    def resolve(self, expr: ast.AST, scopes: list[Scope] | None = None) -> Binding | None:
        """Resolve an expression to a qualified name (None when it cannot be settled)."""
        if isinstance(expr, ast.Name):
            b = self.lookup(expr.id, scopes)
            if b is not None and b.qualname is not None:
                return b if self.workspace is None else self.workspace.remap(b)
            if self.workspace is not None and b is not None:
                return self._relative_import(expr.id, scopes)
            return None
        if isinstance(expr, ast.Attribute):
            base = expr.value
            if isinstance(base, ast.Name) and scopes is None and self._is_self(base.id):
                b = self._self_attrs().get(expr.attr)
                if b is None and self.workspace is not None and len(self.scopes) == 3:  # a base's `self.x`
                    b = self.workspace.self_attr(self.path, self.scopes[1].node, expr.attr)
                return b if b is not None and b.qualname is not None else None
            inner = self.resolve(base, scopes)
            if inner is None:
                return None
            b = Binding(f"{inner.qualname}.{expr.attr}", inner.origin)
            return b if self.workspace is None else self.workspace.remap(b)
        if isinstance(expr, ast.Call):
            inner = self.resolve(expr.func, scopes)
            if inner is None:
                # `make()` of a local `def make() -> requests.Session` (noted by the walk).
                if isinstance(expr.func, ast.Name):
                    b = self.lookup(expr.func.id, scopes)
                    if b is not None and b.qualname is None and isinstance(b.origin, _FUNCTION_NODES):
                        return self.noted(b.origin, "returns_instance")
                return None
            if self.workspace is not None:
                made = self.workspace.call_of(inner.qualname)
                if made is not None:
                    return made
            return Binding(f"{inner.qualname}()", expr)
        return None

    # ----- cross-module names (only with a workspace index) ------------------------------
    def _relative_import(self, name: str, scopes: list[Scope] | None) -> Binding | None:
        """`from .http import session`: the engine binds relative imports to no qualified name
        (keeping the import statement as the binding's origin); with an index, a module-level
        name whose binding is such an import, and that no assignment or def rebinds, resolves
        through the index. Read from the scope, never the module body (incremental analysis)."""
        chain = self.scopes if scopes is None else scopes
        for scope in reversed(chain[1:]):
            if name in scope.names:
                return None  # shadowed by a local
        module_scope = chain[0]
        bound = module_scope.names.get(name)
        node = bound.origin if bound is not None else None
        if not isinstance(node, ast.ImportFrom) or not node.level or module_scope.binders.get(name):
            return None
        target = relative_target(self.workspace, self.path, node, name)
        if target is None:
            return None
        hit = self.workspace.remap(Binding(target))
        if hit.qualname != target:
            return hit
        return Binding(target) if target in self.workspace.prefixes or target in self.workspace.factories else None

    def qualname(self, expr: ast.AST) -> str | None:
        b = self.resolve(expr)
        return b.qualname if b is not None else None

    # ----- self.x inside methods ------------------------------------------------
    def enclosing_class_scope(self) -> Scope | None:
        """The class scope when the innermost function is a method defined in a class body."""
        if len(self.scopes) >= 2 and self.scopes[-1].kind == "function" and self.scopes[-2].kind == "class":
            return self.scopes[-2]
        return None

    def enclosing_class(self) -> ast.ClassDef | None:
        """The class whose method is being walked, for a rule that reads the class's other
        methods (incremental analysis then re-walks all of that class's methods on an edit)."""
        scope = self.enclosing_class_scope()
        node = scope.node if scope is not None else None
        return node if isinstance(node, ast.ClassDef) else None

    def _is_self(self, name: str) -> bool:
        fn = self.function
        if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return False
        if self.enclosing_class_scope() is None:
            return False
        args = fn.args.posonlyargs + fn.args.args
        return bool(args) and args[0].arg == name

    def _self_attrs(self) -> dict[str, Binding]:
        cls_scope = self.enclosing_class_scope()
        if cls_scope is None:
            return {}
        attrs = cls_scope._self_attrs or {}
        if not attrs:
            return cls_scope.names
        return {**cls_scope.names, **attrs}

    def self_target(self, target: ast.expr) -> str | None:
        """`attr` when `target` is `self.attr` inside a method, else None."""
        if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and self._is_self(target.value.id):
            return target.attr
        return None

    def record_self_attr(self, attr: str, binding: Binding) -> None:
        """`self.attr = value` seen in a method (methods are walked in source order, so
        `__init__`'s assignments are known to the methods after it)."""
        cls_scope = self.enclosing_class_scope()
        if cls_scope is None:
            return
        if cls_scope._self_attrs is None:
            cls_scope._self_attrs = {}
        old = cls_scope._self_attrs.get(attr)
        # Two different assignments: we cannot tell which one is live.
        cls_scope._self_attrs[attr] = binding if old is None or old == binding else UNKNOWN

    # ----- findings -----------------------------------------------------------------
    def span_of(self, node: ast.AST) -> Span:
        idx = self.index
        line = node.lineno - 1  # type: ignore[attr-defined]
        end_line = (node.end_lineno or node.lineno) - 1  # type: ignore[attr-defined]
        col = idx.byte_to_char(line, node.col_offset)  # type: ignore[attr-defined]
        end_col = idx.byte_to_char(end_line, node.end_col_offset or 0)  # type: ignore[attr-defined]
        return Span(line, col, end_line, end_col)

    def report(self, rule: Rule, node: ast.AST | Span, message: str | None, data: dict[str, Any],
               confidence: Confidence | None = None) -> Finding:
        span = node if isinstance(node, Span) else self.span_of(node)
        confidence = confidence or rule.confidence
        # The review tier is a hint in the editor unless [tool.resilint.severity] names the code.
        severity = self.settings.severity_for(rule.code, Severity.HINT if confidence is Confidence.MEDIUM else rule.severity)
        finding = Finding(
            code=rule.code,
            message=message if message is not None else rule.message.format(**data),
            span=span,
            severity=severity,
            data=data,
            confidence=confidence,
        )
        if confidence is not Confidence.MEDIUM or self.settings.review_enabled(rule.code):
            self.findings.append(finding)
        return finding


def call_has_arg(call: ast.Call, name: str, position: int | None = None) -> bool:
    """True when `name` is passed (by keyword, by position, or maybe through *args/**kwargs)."""
    for kw in call.keywords:
        if kw.arg == name or kw.arg is None:
            return True
    if position is not None:
        if len(call.args) > position:
            return True
        if any(isinstance(a, ast.Starred) for a in call.args):
            return True
    return False


def keyword(call: ast.Call, name: str) -> ast.keyword | None:
    for kw in call.keywords:
        if kw.arg == name:
            return kw
    return None


def is_none(expr: ast.AST | None) -> bool:
    return isinstance(expr, ast.Constant) and expr.value is None


def callee_span_node(call: ast.Call) -> ast.AST:
    """The node a missing-argument finding covers: the callee expression."""
    return call.func


__all__ = ["FileContext", "call_has_arg", "keyword", "is_none", "callee_span_node", "dotted", "Severity"]


def loop_header_span(ctx: FileContext, node: ast.For | ast.AsyncFor | ast.While) -> Span:
    """`for x in y:` / `while cond:` only, up to and including the colon."""
    last = node.test if isinstance(node, ast.While) else node.iter
    start = ctx.span_of(node)
    end = ctx.span_of(last)
    lines = ctx.index.lines
    line, col = end.end_line, end.end_col
    # Skip closing parentheses, whitespace, comments and line continuations up to the ':'.
    while line < len(lines):
        text = lines[line]
        while col < len(text):
            ch = text[col]
            if ch == ":":
                return Span(start.line, start.col, line, col + 1)
            if ch == "#":
                break
            col += 1
        line += 1
        col = 0
    return Span(start.line, start.col, end.end_line, end.end_col)
