"""A cheap index of a project's modules: which top-level names are clients, factories, helpers.

Each module is summarised on its own (`summarize`): `ast.parse`, then only the top-level
statements and the bodies of top-level functions. The summary says, for each top-level name:

  - `new`: built from a known client constructor (`requests.Session()`, `OpenAI(...)`, …), with
    the keyword arguments given, whether any was a literal `None`, and where;
  - `ref`: another qualified name (an import, an alias, or the result of calling one);

plus what each top-level function returns (a factory) and which outbound calls it makes
(a helper, with or without a timeout), the module's imports, and where the names it imports
from other modules are used.

Summaries are JSON, cached by content hash (`index.json` in the cache folder: safe to delete,
only ever read as data), and updated one file at a time (`update_file`, `remove`). `view()`
joins them into an `IndexView`: first-party qualified name -> the client binding it stands
for, which `FileContext.resolve()` consults when `FileSettings.workspace_index` is set.
User code is never imported.
"""
from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import sys
import tempfile
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .model import Related, Span
from .names import Binding
from .res._http import HTTPX_FUNCTIONS, REQUESTS_FUNCTIONS, TIMEOUT_POSITIONS
from .res._timeouts import CLIENTS, LLM_CLIENTS
from .source import LineIndex, decode_source

INDEX_VERSION = 2
CACHE_NAME = "index.json"
#: Above this many files to parse, a cold build parses on all cores.
PARALLEL_PARSE = 150
MAX_USES_PER_NAME = 20
MAX_USES_PER_MODULE = 400
MAX_FILE_BYTES = 2 * 1024 * 1024

_SESSION_CTORS = ("requests.Session", "requests.session", "requests.sessions.Session")
#: Constructors whose instances the index tracks across modules.
KNOWN_CONSTRUCTORS = frozenset(
    {
        *_SESSION_CTORS,
        "httpx.Client",
        "httpx.AsyncClient",
        "urllib3.PoolManager",
        "urllib3.poolmanager.PoolManager",
        *(name for name in LLM_CLIENTS if not name.startswith("litellm.")),
        *CLIENTS,
    }
)
#: Keywords that bound (or delegate the bounding of) a client.
BOUNDING_KWARGS = frozenset(
    {"timeout", "request_timeout", "default_request_timeout", "http_client", "read_timeout", "conn_timeout",
     "socket_timeout", "connect_timeout", "blocked_connection_timeout", "connection_pool"}
)
_HTTP_VERBS = ("get", "post", "put", "patch", "delete", "head", "options", "request", "send")
#: Module-level outbound calls a helper may make (the callee itself takes the timeout).
_OUTBOUND_FUNCTIONS = frozenset({*REQUESTS_FUNCTIONS, *HTTPX_FUNCTIONS, *TIMEOUT_POSITIONS})
#: Adapters that do not add a timeout: mounting one leaves a session unbounded.
_PLAIN_ADAPTERS = frozenset({"requests.adapters.HTTPAdapter", "requests.HTTPAdapter"})
#: Client attributes whose assignment leaves the timeout behaviour as it was.
_PLAIN_SETTINGS = frozenset({"headers", "auth", "verify", "proxies", "cert", "params"})
_STDLIB = frozenset(getattr(sys, "stdlib_module_names", ()))
#: Top-level modules a client or an outbound call can come from: a module that imports none
#: of them (and nothing first-party, and nothing relatively) contributes nothing to the index.
_LIBS = frozenset(
    name.split(".", 1)[0] for name in (*KNOWN_CONSTRUCTORS, *_OUTBOUND_FUNCTIONS)
) | {"langchain", "langchain_openai", "langchain_anthropic", "langchain_community"}
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_PREFILTERS: dict[str, re.Pattern[str]] = {}


def _prefilter(signature: str) -> re.Pattern[str]:
    """Lines that import a client library, a first-party module, or anything relatively."""
    pattern = _PREFILTERS.get(signature)
    if pattern is None:
        names = sorted(_LIBS | set(filter(None, signature.split(","))))
        alt = "|".join(re.escape(n) for n in names)
        pattern = re.compile(
            rf"^[ \t]*(?:from[ \t]+(?:\.|(?:{alt})\b)|import[ \t]+(?:[^\n#]*[, \t])?(?:{alt})\b)", re.M
        )
        _PREFILTERS[signature] = pattern
    return pattern


def roots_signature(modules: Iterable[str]) -> str:
    return ",".join(sorted({m.split(".", 1)[0] for m in modules}))


# ----- module names ------------------------------------------------------------------------------
def source_roots(root: Path) -> list[Path]:
    """Where top-level packages live: `src/` (when present) and the project root."""
    roots = []
    src = root / "src"
    if src.is_dir():
        roots.append(src)
    roots.append(root)
    return roots


def module_name(path: Path, root: Path) -> str | None:
    """`app/http.py` -> "app.http", `src/app/__init__.py` -> "app"; None outside the roots."""
    path = Path(os.path.realpath(path))
    for base in source_roots(Path(os.path.realpath(root))):
        try:
            rel = path.relative_to(base)
        except ValueError:
            continue
        parts = list(rel.parts)
        if not parts or not parts[-1].endswith(".py"):
            return None
        parts[-1] = parts[-1][:-3]
        if parts[-1] == "__init__":
            parts.pop()
        if not parts or not all(p.isidentifier() for p in parts):
            return None
        return ".".join(parts)
    return None


def _absolute(module: str, is_package: bool, level: int, target: str | None) -> str | None:
    parts = module.split(".") if module else []
    if not is_package:
        parts = parts[:-1]
    if level > 1:
        if level - 1 > len(parts):
            return None
        parts = parts[: len(parts) - (level - 1)]
    if target:
        parts.extend(target.split("."))
    return ".".join(parts) if parts else None


# ----- the per-module pass ----------------------------------------------------------------------
class _Summarizer:
    def __init__(self, text: str, tree: ast.Module, module: str, is_package: bool,
                 first_party: frozenset[str] | None = None) -> None:
        self.first_party = first_party
        self.text = text
        self.tree = tree
        self.module = module
        self.is_package = is_package
        self.lines: LineIndex | None = None
        self.imports: dict[str, str] = {}
        self.toplevel: set[str] = set()
        self.values: dict[str, dict] = {}
        self.returns: dict[str, dict] = {}
        self.helpers: dict[str, list] = {}
        self.counts: dict[str, int] = {}
        self.classes: dict[str, dict] = {}
        self._line_starts: list[int] | None = None
        self._relevant: re.Pattern[str] | None = None

    def span(self, node: ast.AST) -> list[int]:
        if self.lines is None:
            self.lines = LineIndex(self.text)
        idx = self.lines
        line = node.lineno - 1  # type: ignore[attr-defined]
        end_line = (node.end_lineno or node.lineno) - 1  # type: ignore[attr-defined]
        return [line, idx.byte_to_char(line, node.col_offset),  # type: ignore[attr-defined]
                end_line, idx.byte_to_char(end_line, node.end_col_offset or 0)]  # type: ignore[attr-defined]

    # -- names --
    def dotted(self, expr: ast.AST, local: dict[str, Any] | None = None) -> str | None:
        parts: list[str] = []
        while isinstance(expr, ast.Attribute):
            parts.append(expr.attr)
            expr = expr.value
        if not isinstance(expr, ast.Name):
            return None
        name = expr.id
        if local is not None and name in local:
            return None
        if name in self.imports:
            head = self.imports[name]
        elif name in self.toplevel:
            head = f"{self.module}.{name}"
        else:
            return None
        parts.reverse()
        return ".".join([head, *parts])

    def new_spec(self, call: ast.Call, ctor: str) -> dict:
        kw = sorted({k.arg for k in call.keywords if k.arg is not None})
        none = sorted(
            {k.arg for k in call.keywords
             if k.arg is not None and isinstance(k.value, ast.Constant) and k.value.value is None}
        )
        return {
            "k": "new", "ctor": ctor, "kw": kw, "none": none, "n": len(call.args),
            "star": any(k.arg is None for k in call.keywords) or any(isinstance(a, ast.Starred) for a in call.args),
            "span": self.span(call), "cfg": False,
        }

    def spec_of(self, expr: ast.AST, local: dict[str, Any] | None = None) -> dict | None:
        if isinstance(expr, ast.Call):
            callee = self.dotted(expr.func, local)
            if callee is None:
                return None
            if callee in KNOWN_CONSTRUCTORS:
                return self.new_spec(expr, callee)
            if callee.split(".", 1)[0] in _STDLIB:
                return None
            return {"k": "ref", "to": callee, "call": True}
        if isinstance(expr, ast.Name) and local is not None and expr.id in local:
            return local[expr.id]
        if isinstance(expr, (ast.Name, ast.Attribute)):
            target = self.dotted(expr, local)
            if target is None or target.split(".", 1)[0] in _STDLIB:
                return None
            return {"k": "ref", "to": target, "call": False}
        return None

    # -- the pass --
    def run(self) -> dict:
        body = self.tree.body
        for stmt in body:
            for name in _bound_names(stmt):
                self.counts[name] = self.counts.get(name, 0) + 1
                self.toplevel.add(name)
        ambiguous = {n for n, c in self.counts.items() if c > 1}
        for stmt in body:
            if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                self.record_import(stmt)
        for stmt in body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                self.record_value(stmt.targets[0].id, stmt.value)
            elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
                self.record_value(stmt.target.id, stmt.value)
        for stmt in body:
            self.record_configuration(stmt, self.values, module_level=True)
        interesting = sorted(
            {local for local, target in self.imports.items()
             if target.split(".", 1)[0] not in _STDLIB or target.split(".", 1)[0] in _LIBS} | set(self.values)
        )
        if interesting:
            self._relevant = re.compile(r"\b(?:" + "|".join(map(re.escape, interesting)) + r")\b")
            for stmt in body:
                if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and self.mentions(stmt):
                    self.record_function(stmt)
                elif isinstance(stmt, ast.ClassDef) and (
                    self.mentions(stmt) or any(isinstance(b, ast.Name) and b.id in self.classes for b in stmt.bases)
                ):
                    self.record_class(stmt)
        for name in ambiguous:
            self.values.pop(name, None)
            self.classes.pop(name, None)
            self.returns.pop(name, None)
            self.helpers.pop(name, None)
        for name, target in self.imports.items():
            if name not in ambiguous and name not in self.values and self.linked(target):
                self.values[name] = {"k": "ref", "to": target, "call": False}
        out = {
            "values": self.values,
            "returns": self.returns,
            "helpers": self.helpers,
            "uses": self.collect_uses(),
        }
        if self.classes:
            out["classes"] = self.classes
        return out

    def record_class(self, cls: ast.ClassDef) -> None:
        """Instance attributes holding a client: `self.session = requests.Session()` (or a
        factory's result, or a local built just before) as a statement of `__init__`'s body,
        the attribute's only assignment in the class. Attributes assigned anywhere else, or
        configured (`self.session.mount(prefix, TimeoutAdapter())`), are `own` but unresolved,
        so they also hide a base class's value. `bases` lets a subclass inherit the attributes."""
        bases: list[str] = []
        for base in cls.bases:
            if isinstance(base, ast.Name) and base.id == "object":
                continue
            name = self.dotted(base)
            bases.append(name if name is not None and name.split(".", 1)[0] not in _STDLIB else "?")
        methods = [
            (m, params[0].arg) for m in cls.body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef))
            for params in [[*m.args.posonlyargs, *m.args.args]]
            if params and not any(_decorator_name(d) in ("staticmethod", "classmethod") for d in m.decorator_list)
        ]
        attrs: dict[str, dict] = {}
        for method, me in methods:
            if method.name == "__init__":
                attrs = self.init_attrs(method, me)
        if not attrs and not any(b != "?" and self.linked(b) for b in bases):
            return  # nothing to index or to hide from a base: the other methods are not walked
        stores: dict[str, int] = {}
        configured: set[str] = set()
        for method, me in methods:
            for node in _walk_function(method):
                attr = _self_attr(node, me)
                if attr is not None and isinstance(node.ctx, ast.Store):  # type: ignore[attr-defined]
                    stores[attr] = stores.get(attr, 0) + 1
                configured.update(self.configured_self_attrs(node, me))
        kept = {a: spec for a, spec in attrs.items() if stores.get(a) == 1 and a not in configured}
        if kept or any(b != "?" and self.linked(b) for b in bases):
            self.classes[cls.name] = {"bases": bases, "attrs": kept, "own": sorted(stores)}

    def init_attrs(self, init: ast.FunctionDef | ast.AsyncFunctionDef, me: str) -> dict[str, dict]:
        """`self.x = <client>` statements directly in `__init__`'s body (not under if/try/with)."""
        local: dict[str, Any] = {}
        for arg in [*init.args.posonlyargs, *init.args.args, *init.args.kwonlyargs, init.args.vararg, init.args.kwarg]:
            if arg is not None:
                local[arg.arg] = None
        counts: dict[str, int] = {}
        for node in _walk_function(init):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                counts[node.id] = counts.get(node.id, 0) + 1
        for name in counts:
            local.setdefault(name, None)
        attrs: dict[str, dict] = {}
        for stmt in init.body:
            if not isinstance(stmt, ast.Assign) or len(stmt.targets) != 1:
                self.record_configuration(stmt, local, module_level=False)
                continue
            target = stmt.targets[0]
            if isinstance(target, ast.Name) and counts.get(target.id) == 1:
                local[target.id] = self.spec_of(stmt.value, {k: v for k, v in local.items() if k != target.id})
                continue
            attr = _self_attr(target, me)
            if attr is not None:
                spec = self.spec_of(stmt.value, local)
                if spec is not None:
                    attrs[attr] = spec
            else:
                self.record_configuration(stmt, local, module_level=False)
        # a local configured after it was stored (`self.s = s; s.mount(...)`) is configured too
        for attr, spec in list(attrs.items()):
            if spec.get("k") == "new" and not spec.get("cfg"):
                for value in local.values():
                    if isinstance(value, dict) and value.get("cfg") and value.get("span") == spec.get("span"):
                        attrs[attr] = value
        return attrs

    def configured_self_attrs(self, node: ast.AST, me: str) -> list[str]:
        """`self.x.mount(prefix, SomeAdapter())` or `self.x.request = ...` (see record_configuration)."""
        return [attr for receiver in self.configured(node) for attr in [_self_attr(receiver, me)] if attr is not None]

    def configured(self, node: ast.AST) -> list[ast.expr]:
        """The clients `node` configures in a way the index does not model: `<c>.mount(prefix,
        TimeoutAdapter())` (an adapter other than a plain HTTPAdapter) or `<c>.request = ...`."""
        if isinstance(node, ast.Expr):
            node = node.value
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "mount":
            adapter = node.args[1] if len(node.args) > 1 else None
            callee = self.dotted(adapter.func) if isinstance(adapter, ast.Call) else None
            if callee not in _PLAIN_ADAPTERS or any(k.arg in BOUNDING_KWARGS for k in adapter.keywords):  # type: ignore[union-attr]
                return [node.func.value]
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            return [t.value for t in targets if isinstance(t, ast.Attribute) and t.attr not in _PLAIN_SETTINGS]
        return []

    def mentions(self, fn: ast.AST, pattern: re.Pattern[str] | None = None) -> bool:
        """Does the statement's text name an imported client library / first-party name or a
        module-level client (or match `pattern`)? A text test: statements that do not are not walked."""
        pattern = pattern if pattern is not None else self._relevant
        if pattern is None:
            return False
        if self._line_starts is None:
            self._line_starts = [0, *(m.end() for m in _LINE_BREAK.finditer(self.text))]
        starts = self._line_starts
        end_line = fn.end_lineno or fn.lineno  # type: ignore[attr-defined]
        start = starts[fn.lineno - 1]  # type: ignore[attr-defined]
        end = starts[end_line] if end_line < len(starts) else len(self.text)
        return pattern.search(self.text, start, end) is not None

    def linked(self, target: str) -> bool:
        """Could `target` (an imported qualname) lead to something the index knows? Anything
        not in the stdlib; only first-party names when the project's are known."""
        top = target.split(".", 1)[0]
        if self.first_party is not None:
            return top in self.first_party
        return top not in _STDLIB

    def record_import(self, stmt: ast.Import | ast.ImportFrom) -> None:
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.asname:
                    self.imports[alias.asname] = alias.name
                else:
                    top = alias.name.split(".", 1)[0]
                    self.imports[top] = top
            return
        base = stmt.module if not stmt.level else _absolute(self.module, self.is_package, stmt.level, stmt.module)
        if base is None:
            return
        for alias in stmt.names:
            if alias.name != "*":
                self.imports[alias.asname or alias.name] = f"{base}.{alias.name}"

    def record_value(self, name: str, value: ast.expr) -> None:
        spec = self.spec_of(value)
        if spec is not None:
            self.values[name] = spec

    def record_configuration(self, stmt: ast.stmt, specs: dict[str, Any], module_level: bool) -> None:
        """`s.mount(prefix, TimeoutAdapter())` or `s.request = partial(...)`: the client was
        configured in a way the index does not model -> do not resolve it (precision first)."""
        names = [r.id for r in self.configured(stmt) if isinstance(r, ast.Name)]
        for name in names:
            spec = specs.get(name)
            if isinstance(spec, dict) and spec.get("k") == "new":
                specs[name] = {**spec, "cfg": True}

    def record_function(self, fn: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        local: dict[str, Any] = {}
        for arg in [*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs, fn.args.vararg, fn.args.kwarg]:
            if arg is not None:
                local[arg.arg] = None
        nodes = list(_walk_function(fn))
        counts: dict[str, int] = {}
        for node in nodes:
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                counts[node.id] = counts.get(node.id, 0) + 1
        for name in counts:
            local.setdefault(name, None)
        for node in nodes:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                name = node.targets[0].id
                if counts.get(name) == 1 and local.get(name) is None:
                    local[name] = self.spec_of(node.value, {k: v for k, v in local.items() if k != name})
            elif isinstance(node, (ast.With, ast.AsyncWith)):
                for item in node.items:
                    if isinstance(item.optional_vars, ast.Name) and counts.get(item.optional_vars.id) == 1:
                        local[item.optional_vars.id] = self.spec_of(item.context_expr, local)
            elif isinstance(node, ast.stmt):
                self.record_configuration(node, local, module_level=False)
        returns = [n for n in nodes if isinstance(n, ast.Return)]
        specs = [self.spec_of(r.value, local) if r.value is not None else None for r in returns]
        if specs and all(s is not None for s in specs):
            first = specs[0]
            if all(_same_spec(first, s) for s in specs[1:]) and not (first["k"] == "new" and first.get("cfg")):  # type: ignore[index]
                self.returns[fn.name] = first  # type: ignore[assignment]
        calls = []
        for node in nodes:
            if isinstance(node, ast.Call):
                outbound = self.outbound(node, local)
                if outbound is not None:
                    calls.append(outbound)
        if calls:
            self.helpers[fn.name] = calls

    def outbound(self, call: ast.Call, local: dict[str, Any]) -> dict | None:
        func = call.func
        callee: str | None = None
        if isinstance(func, ast.Attribute) and func.attr in _HTTP_VERBS:
            spec = self.spec_of(func.value, local)
            if spec is not None and spec["k"] == "new" and spec["ctor"] in _SESSION_CTORS:
                callee = f"{spec['ctor']}().{func.attr}"
            elif spec is not None and spec["k"] == "ref" and not spec["call"]:
                # a module-level session: settled when the index is joined
                own = spec["to"].startswith(self.module + ".")
                value = self.values.get(spec["to"].rsplit(".", 1)[-1]) if own else None
                if value is not None and value["k"] == "new" and value["ctor"] in _SESSION_CTORS and not value["cfg"]:
                    callee = f"{value['ctor']}().{func.attr}"
        if callee is None:
            name = self.dotted(func, local)
            if name in _OUTBOUND_FUNCTIONS:
                callee = name
        if callee is None:
            return None
        timeout = any(k.arg in ("timeout", None) for k in call.keywords)
        if not timeout and callee in TIMEOUT_POSITIONS:
            position = TIMEOUT_POSITIONS[callee]
            timeout = position is not None and len(call.args) > position
        return {"callee": callee, "timeout": timeout, "span": self.span(call)}

    def collect_uses(self) -> dict[str, list]:
        """Where names imported from non-stdlib modules are used (for `related` locations)."""
        watched = {
            local: target for local, target in self.imports.items()
            if self.linked(target) and self.counts.get(local) == 1
        }
        if not watched:
            return {}
        uses: dict[str, list] = {}
        total = 0
        named = re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(watched))) + r")\b")
        nodes = (node for stmt in self.tree.body if self.mentions(stmt, named) for node in ast.walk(stmt))
        for node in nodes:
            if isinstance(node, ast.Attribute):
                qual = self.dotted(node)
                if qual is None or not isinstance(node.ctx, ast.Load):
                    continue
                root = node
                while isinstance(root, ast.Attribute):
                    root = root.value
                if not isinstance(root, ast.Name) or root.id not in watched or qual.count(".") > 6:
                    continue
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in watched:
                qual = watched[node.id]
            else:
                continue
            spans = uses.setdefault(qual, [])
            if len(spans) < MAX_USES_PER_NAME:
                spans.append(self.span(node))
                total += 1
                if total >= MAX_USES_PER_MODULE:
                    break
        return uses


def _self_attr(node: ast.AST, me: str) -> str | None:
    """`x` when `node` is `<me>.x` (`me` is the method's first parameter)."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == me:
        return node.attr
    return None


def _decorator_name(node: ast.AST) -> str | None:
    return node.id if isinstance(node, ast.Name) else None


def _same_spec(a: dict, b: dict) -> bool:
    if a["k"] != b["k"]:
        return False
    if a["k"] == "new":
        return a["ctor"] == b["ctor"] and a["kw"] == b["kw"] and a["none"] == b["none"]
    return a["to"] == b["to"] and a["call"] == b["call"]


def _walk_function(fn: ast.AST) -> Iterable[ast.AST]:
    """The nodes of a function body, not descending into nested defs, lambdas or classes."""
    stack = list(reversed(fn.body))  # type: ignore[attr-defined]
    while stack:
        node = stack.pop()
        yield node
        for child in reversed(list(ast.iter_child_nodes(node))):
            if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                stack.append(child)


def _bound_names(stmt: ast.stmt) -> list[str]:
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [stmt.name]
    if isinstance(stmt, ast.Import):
        return [a.asname or a.name.split(".", 1)[0] for a in stmt.names]
    if isinstance(stmt, ast.ImportFrom):
        return [a.asname or a.name for a in stmt.names if a.name != "*"]
    targets: list[ast.expr] = []
    if isinstance(stmt, ast.Assign):
        targets = stmt.targets
    elif isinstance(stmt, (ast.AnnAssign, ast.AugAssign)):
        targets = [stmt.target]
    elif isinstance(stmt, (ast.For, ast.AsyncFor)):
        targets = [stmt.target]
    elif isinstance(stmt, (ast.With, ast.AsyncWith)):
        targets = [i.optional_vars for i in stmt.items if i.optional_vars is not None]
    elif isinstance(stmt, (ast.If, ast.Try, ast.While)) or stmt.__class__.__name__ == "TryStar":
        # Conditional definitions: count every binding inside, so a name bound in two
        # branches (or once here and once at the top) is ambiguous and left unresolved.
        names: list[str] = []
        for child in ast.walk(stmt):
            if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store):
                names.append(child.id)
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.append(child.name)
            elif isinstance(child, (ast.Import, ast.ImportFrom)):
                names.extend(a.asname or a.name.split(".", 1)[0] for a in child.names if a.name != "*")
        # twice: a conditional binding is never settled
        return names + names
    out: list[str] = []
    for target in targets:
        for node in ast.walk(target):
            if isinstance(node, ast.Name):
                out.append(node.id)
    return out


def summarize(text: str, module: str, is_package: bool = False, roots: str | None = None) -> dict | None:
    """The JSON summary of one module's text (None when it does not parse). With `roots` (the
    project's first-party top-level names, see `roots_signature`), a module that imports no
    client library, nothing first-party and nothing relatively is not parsed: `{}`."""
    if roots is not None and _prefilter(roots).search(text) is None:
        return {}
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    try:
        first_party = frozenset(roots.split(",")) if roots is not None else None
        return _Summarizer(text, tree, module, is_package, first_party).run()
    except RecursionError:
        return None


def _summarize_file(job: tuple[str, str, bool, str | None]) -> tuple[str, dict | None, dict | None]:
    """(path, file facts {hash, mtime, size} or None when unreadable, summary)."""
    path, module, is_package, roots = job
    try:
        st = os.stat(path)
        data = Path(path).read_bytes()
    except OSError:
        return path, None, None
    facts = {"hash": _digest(data), "mtime": st.st_mtime_ns, "size": st.st_size}
    if len(data) > MAX_FILE_BYTES:
        return path, facts, None
    try:
        text = decode_source(data)
    except (UnicodeDecodeError, SyntaxError, LookupError):
        return path, facts, None
    return path, facts, summarize(text, module, is_package, roots)


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


# ----- the joined, read-only view ---------------------------------------------------------------
class IndexedCall(ast.Call):
    """A constructor call in another module, as the rules see it through `Binding.origin`.

    It is an `ast.Call` (so `call_has_arg(origin, "timeout")` and `ast.dump` work) whose
    keywords mirror the real call's (value `None` where the source passed a literal None,
    `...` otherwise), plus where it is: `path`, `span`, and `qualname`, the first-party
    name it was reached through ("app.http.session"). It has no line numbers of this file.
    """

    indexed = True
    _attributes = ()

    def __init__(self, ctor: str, spec: dict, path: str, qualname: str) -> None:
        args: list[ast.expr] = [ast.Constant(value=...) for _ in range(int(spec.get("n", 0)))]
        keywords = [
            ast.keyword(arg=k, value=ast.Constant(value=None if k in spec.get("none", ()) else ...))
            for k in spec.get("kw", ())
        ]
        if spec.get("star"):
            keywords.append(ast.keyword(arg=None, value=ast.Name(id="kwargs", ctx=ast.Load())))
        super().__init__(func=ast.Name(id=ctor, ctx=ast.Load()), args=args, keywords=keywords)
        self.ctor = ctor
        self.path = path
        self.span = Span(*spec["span"])
        self.qualname = qualname

    def __reduce__(self):  # picklable for worker processes
        return (_rebuild_indexed, (self.ctor, self.args, self.keywords, self.path, self.span, self.qualname))


def _rebuild_indexed(ctor, args, keywords, path, span, qualname):  # type: ignore[no-untyped-def]
    node = IndexedCall.__new__(IndexedCall)
    ast.Call.__init__(node, func=ast.Name(id=ctor, ctx=ast.Load()), args=args, keywords=keywords)
    node.ctor, node.path, node.span, node.qualname = ctor, path, span, qualname
    return node


def indexed_origin(binding: Binding | None) -> IndexedCall | None:
    origin = binding.origin if binding is not None else None
    return origin if isinstance(origin, IndexedCall) else None


@dataclass
class IndexView:
    """What `FileContext` reads: picklable, never mutated after `WorkspaceIndex.view()`."""

    #: first-party qualname -> the client binding it holds ("app.http.session" -> requests.Session()).
    instances: dict[str, Binding] = field(default_factory=dict)
    #: first-party function qualname -> the client binding its call returns.
    factories: dict[str, Binding] = field(default_factory=dict)
    #: defining qualname ("app.clients.client") -> places in other modules that use it.
    uses: dict[str, tuple[Related, ...]] = field(default_factory=dict)
    #: helper function qualname -> its outbound calls ({"callee", "timeout", "span"}).
    helpers: dict[str, tuple[dict, ...]] = field(default_factory=dict)
    #: real path -> module name.
    modules: dict[str, str] = field(default_factory=dict)
    packages: frozenset[str] = frozenset()
    #: proper dotted prefixes of the keys above ("app", "app.http"): modules worth resolving.
    prefixes: frozenset[str] = frozenset()

    def module_of(self, path: str) -> str | None:
        return self.modules.get(os.path.realpath(path))

    def is_package(self, path: str) -> bool:
        return os.path.realpath(path) in self.packages

    def remap(self, binding: Binding) -> Binding:
        hit = self.instances.get(binding.qualname)  # type: ignore[arg-type]
        return hit if hit is not None else binding

    def call_of(self, qualname: str) -> Binding | None:
        return self.factories.get(qualname)

    def uses_of(self, qualname: str) -> tuple[Related, ...]:
        return self.uses.get(qualname, ())

    def self_attr(self, path: str, cls: ast.AST, attr: str) -> Binding | None:
        """`self.attr` in a method of the top-level class `cls` of `path`, when the index knows
        what it holds (set by the `__init__` of the class or of a first-party base class)."""
        module = self.module_of(path)
        if module is None or not isinstance(cls, ast.ClassDef):
            return None
        return self.instances.get(f"{module}.{cls.name}().{attr}")


# ----- the index ------------------------------------------------------------------------------------
@dataclass
class IndexStats:
    files: int = 0
    #: summaries computed by parsing the file
    parsed: int = 0
    #: summaries computed without parsing (the prefilter found nothing to index)
    skipped: int = 0
    cache_hits: int = 0


def default_cache_dir(root: Path) -> Path:
    """`$RESILINT_CACHE_DIR`, else `$XDG_CACHE_HOME/resilint/<root hash>` (~/.cache by default):
    nothing is written into the project."""
    base = os.environ.get("RESILINT_CACHE_DIR")
    if base:
        return Path(base)
    xdg = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    key = hashlib.blake2b(os.path.realpath(root).encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()
    return Path(xdg) / "resilint" / f"{Path(root).name or 'root'}-{key}"


class WorkspaceIndex:
    """Summaries of a project's modules, updated per file; `view()` for the analysis."""

    def __init__(self, root: Path | str, cache_dir: Path | str | None = None, use_cache: bool = True) -> None:
        self.root = Path(os.path.realpath(root))
        self.cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir(self.root)
        self.use_cache = use_cache
        #: real path -> {"hash", "module", "package", "summary"}
        self.entries: dict[str, dict] = {}
        #: real path -> {imported qualname: known qualname} settled by rules/jedi_resolve.py (not persisted).
        self.aliases: dict[str, dict[str, str]] = {}
        self.stats = IndexStats()
        self._view: IndexView | None = None
        self._dirty = False

    # -- building --
    @classmethod
    def build(cls, root: Path | str, files: Iterable[Path | str] | None = None, cache_dir: Path | str | None = None,
              use_cache: bool = True, jobs: int | None = None) -> "WorkspaceIndex":
        index = cls(root, cache_dir, use_cache)
        cached = index._load() if use_cache else {}
        if files is None:
            files = index.discover()
        named: list[tuple[str, str]] = []
        for path in files:
            real = os.path.realpath(path)
            module = module_name(Path(real), index.root)
            if module is not None:
                named.append((real, module))
        roots = roots_signature(m for _, m in named)
        todo: list[tuple[str, str, bool, str | None]] = []
        for real, module in named:
            index.stats.files += 1
            is_package = real.endswith("__init__.py")
            old = cached.get(real)
            if old is not None and old.get("module") == module and index._still_valid(real, old, roots):
                index.entries[real] = old
                index.stats.cache_hits += 1
                continue
            todo.append((real, module, is_package, roots))
        jobs = jobs if jobs is not None else (os.cpu_count() or 1)
        if jobs > 1 and len(todo) >= PARALLEL_PARSE:
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                results = list(pool.map(_summarize_file, todo, chunksize=max(8, len(todo) // (jobs * 4))))
        else:
            results = [_summarize_file(job) for job in todo]
        for (real, module, is_package, _), (_, facts, summary) in zip(todo, results):
            if facts is None:
                continue
            index.stats.parsed += summary != {}
            index.stats.skipped += summary == {}
            index.entries[real] = {**facts, "module": module, "package": is_package, "summary": summary,
                                   "roots": roots}
        index._dirty = index._dirty or bool(todo) or len(index.entries) != len(cached)
        if use_cache:
            index.save()
        return index

    def _still_valid(self, real: str, entry: dict, roots: str) -> bool:
        """The cached summary still describes the file: same size and mtime (no read), else
        same content hash. A file skipped by the prefilter is re-checked when the project's
        first-party names changed."""
        try:
            st = os.stat(real)
        except OSError:
            return False
        if entry.get("summary") == {} and entry.get("roots") != roots:
            return False
        if entry.get("size") == st.st_size and entry.get("mtime") == st.st_mtime_ns:
            return True
        try:
            data = Path(real).read_bytes()
        except OSError:
            return False
        if entry.get("hash") != _digest(data):
            return False
        entry["mtime"], entry["size"] = st.st_mtime_ns, st.st_size
        self._dirty = True
        return True

    def discover(self) -> list[Path]:
        from .config import DEFAULT_EXCLUDES

        out: list[Path] = []
        for base in source_roots(self.root):
            for folder, dirs, files in os.walk(base):
                dirs[:] = sorted(d for d in dirs if d not in DEFAULT_EXCLUDES and not d.startswith("."))
                if Path(folder) == self.root and "src" in dirs and base == self.root:
                    dirs.remove("src")
                out.extend(Path(folder) / f for f in sorted(files) if f.endswith(".py"))
        return out

    def update_file(self, path: Path | str, text: str) -> bool:
        """Re-summarise one file from its (editor) text; True when its summary changed."""
        real = os.path.realpath(path)
        module = module_name(Path(real), self.root)
        if module is None:
            return False
        digest = _digest(text.encode("utf-8", "surrogatepass"))
        old = self.entries.get(real)
        if old is not None and old.get("hash") == digest:
            return False
        roots = roots_signature([*(e["module"] for e in self.entries.values()), module])
        summary = summarize(text, module, real.endswith("__init__.py"), roots)
        self.stats.parsed += summary != {}
        self.stats.skipped += summary == {}
        # no mtime/size: the editor's text may differ from the disk; the next build hashes it.
        self.entries[real] = {"hash": digest, "module": module, "package": real.endswith("__init__.py"),
                              "summary": summary, "roots": roots}
        self._dirty = True
        changed = old is None or old.get("summary") != summary
        if changed:
            self._view = None
        return changed

    @property
    def dirty(self) -> bool:
        """Changed since the cache was read or written (`save()` has something to write)."""
        return self.use_cache and self._dirty

    def set_aliases(self, path: Path | str, aliases: dict[str, str]) -> bool:
        """Names of installed packages settled elsewhere (jedi) for one file; True if changed."""
        real = os.path.realpath(path)
        if self.aliases.get(real, {}) == aliases:
            return False
        if aliases:
            self.aliases[real] = dict(aliases)
        else:
            self.aliases.pop(real, None)
        self._view = None
        return True

    @property
    def first_party(self) -> frozenset[str]:
        return frozenset(e["module"].split(".", 1)[0] for e in self.entries.values())

    def remove(self, path: Path | str) -> bool:
        real = os.path.realpath(path)
        self.aliases.pop(real, None)
        if self.entries.pop(real, None) is None:
            return False
        self._view = None
        self._dirty = True
        return True

    def dependencies(self, path: Path | str) -> list[str]:
        """Paths of the indexed modules `path`'s module refers to (imports, uses, base classes):
        the modules whose `related` uses may list places in `path`."""
        real = os.path.realpath(path)
        summary = (self.entries.get(real) or {}).get("summary") or {}
        targets = {s.get("to", "") for s in (summary.get("values") or {}).values()}
        targets.update(summary.get("uses") or ())
        for cls in (summary.get("classes") or {}).values():
            targets.update(cls.get("bases") or ())
        by_module = {e["module"]: p for p, e in self.entries.items()}
        out: set[str] = set()
        for target in targets:
            parts = target.split(".")
            for i in range(len(parts), 0, -1):
                hit = by_module.get(".".join(parts[:i]))
                if hit is not None:
                    out.add(hit)
                    break
        out.discard(real)
        return sorted(out)

    def dependents(self, path: Path | str) -> list[str]:
        """Paths of the indexed modules that import from `path`'s module (to re-check them
        after `update_file(path, ...)` returned True)."""
        entry = self.entries.get(os.path.realpath(path))
        if entry is None:
            module = module_name(Path(os.path.realpath(path)), self.root)
        else:
            module = entry["module"]
        if module is None:
            return []
        prefix = module + "."
        out = []
        for other, e in self.entries.items():
            summary = e.get("summary") or {}
            targets = [s.get("to", "") for s in (summary.get("values") or {}).values()]
            targets.extend(summary.get("uses") or ())
            if e["module"] != module and any(t == module or t.startswith(prefix) for t in targets):
                out.append(other)
        return sorted(out)

    # -- the cache --
    @property
    def cache_path(self) -> Path:
        return self.cache_dir / CACHE_NAME

    def _load(self) -> dict[str, dict]:
        try:
            raw = json.loads(self.cache_path.read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            return {}
        if not isinstance(raw, dict) or raw.get("version") != INDEX_VERSION or raw.get("root") != str(self.root):
            return {}
        files = raw.get("files")
        if not isinstance(files, dict):
            return {}
        return {
            p: e for p, e in files.items()
            if isinstance(e, dict) and isinstance(e.get("hash"), str) and isinstance(e.get("module"), str)
            and (e.get("summary") is None or isinstance(e.get("summary"), dict))
        }

    def save(self) -> None:
        """Write the cache atomically (a concurrent writer's file is replaced whole, never mixed)."""
        if not self.use_cache or not self._dirty:
            return
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            payload = json.dumps({"version": INDEX_VERSION, "root": str(self.root), "files": self.entries},
                                 separators=(",", ":"))
            fd, tmp = tempfile.mkstemp(prefix=".index-", suffix=".tmp", dir=self.cache_dir)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(payload)
            os.replace(tmp, self.cache_path)
            self._dirty = False
        except OSError:
            pass  # a read-only cache folder only costs the next run a cold build

    # -- the joined view --
    def view(self) -> IndexView:
        if self._view is None:
            self._view = _join(self.entries, self.aliases)
        return self._view


class _Joiner:
    def __init__(self, entries: dict[str, dict]) -> None:
        self.values: dict[str, tuple[dict, str]] = {}
        self.returns: dict[str, tuple[dict, str]] = {}
        self.helpers: dict[str, tuple[dict, ...]] = {}
        #: class qualname -> ({"bases", "attrs", "own"}, path)
        self.classes: dict[str, tuple[dict, str]] = {}
        self.modules: dict[str, str] = {}
        self.packages: set[str] = set()
        self.first_party: set[str] = set()
        for path, entry in entries.items():
            module = entry["module"]
            self.modules[path] = module
            if entry.get("package"):
                self.packages.add(path)
            self.first_party.add(module.split(".", 1)[0])
            summary = entry.get("summary") or {}
            for name, spec in (summary.get("values") or {}).items():
                self.values[f"{module}.{name}"] = (spec, path)
            for name, spec in (summary.get("returns") or {}).items():
                self.returns[f"{module}.{name}"] = (spec, path)
            for name, calls in (summary.get("helpers") or {}).items():
                self.helpers[f"{module}.{name}"] = tuple(calls)
            for name, cls in (summary.get("classes") or {}).items():
                self.classes[f"{module}.{name}"] = (cls, path)
        self._memo: dict[tuple[str, bool], tuple[str, dict, str, str] | None] = {}

    def resolve(self, qualname: str, call: bool, depth: int = 0) -> tuple[str, dict, str, str] | None:
        """(ctor, spec, path, defining qualname) of what `qualname` (or its call) holds."""
        key = (qualname, call)
        if key in self._memo:
            return self._memo[key]
        self._memo[key] = None  # cycles resolve to nothing
        result = None
        if depth < 12 and qualname.split(".", 1)[0] in self.first_party:
            table = self.returns if call else self.values
            hit = table.get(qualname)
            if hit is not None:
                spec, path = hit
                if spec["k"] == "new":
                    result = None if spec.get("cfg") else (spec["ctor"], spec, path, qualname)
                else:
                    result = self.resolve(spec["to"], spec["call"], depth + 1)
            elif call:
                # a re-exported function: `from .http import make_session`
                alias = self.values.get(qualname)
                if alias is not None and alias[0]["k"] == "ref" and not alias[0]["call"]:
                    result = self.resolve(alias[0]["to"], True, depth + 1)
        self._memo[key] = result
        return result

    # -- first-party classes: `Api().session` --
    def class_of(self, qualname: str, depth: int = 0) -> str | None:
        """The class `qualname` names, through re-exports and aliases (`from .api import Api`)."""
        while depth < 12:
            if qualname in self.classes:
                return qualname
            hit = self.values.get(qualname)
            if hit is None or hit[0]["k"] != "ref" or hit[0]["call"]:
                return None
            qualname, depth = hit[0]["to"], depth + 1
        return None

    def instance_of(self, qualname: str, call: bool, depth: int = 0) -> str | None:
        """The class whose instance `qualname` (or its call) holds: `api = Api()`, `make_api()`."""
        if depth >= 12:
            return None
        if call:
            cls = self.class_of(qualname)
            if cls is not None:
                return cls
            hit = self.returns.get(qualname)
            if hit is None:
                alias = self.values.get(qualname)  # a re-exported factory
                if alias is not None and alias[0]["k"] == "ref" and not alias[0]["call"]:
                    return self.instance_of(alias[0]["to"], True, depth + 1)
                return None
        else:
            hit = self.values.get(qualname)
        if hit is None or hit[0]["k"] != "ref":
            return None
        return self.instance_of(hit[0]["to"], hit[0]["call"], depth + 1)

    def attr_names(self, cls: str, depth: int = 0) -> set[str]:
        entry = self.classes.get(cls)
        if entry is None or depth >= 12:
            return set()
        names = set(entry[0]["attrs"])
        for base in entry[0]["bases"]:
            base_cls = self.class_of(base)
            if base_cls is not None:
                names |= self.attr_names(base_cls, depth + 1)
        return names

    def attribute(self, cls: str, attr: str, depth: int = 0) -> tuple[str, dict, str, str] | None:
        """What `<instance of cls>.attr` holds: the class's own `__init__` assignment, else the
        first base (in order) that sets it. An unknown base met first leaves it unresolved."""
        entry = self.classes.get(cls)
        if entry is None or depth >= 12:
            return None
        info, path = entry
        spec = info["attrs"].get(attr)
        if spec is not None:
            if spec["k"] == "new":
                return None if spec.get("cfg") else (spec["ctor"], spec, path, f"{cls}().{attr}")
            return self.resolve(spec["to"], spec["call"])
        if attr in info["own"]:
            return None
        for base in info["bases"]:
            base_cls = self.class_of(base) if base != "?" else None
            if base_cls is None:
                return None
            if attr in self.attr_names(base_cls) or attr in self.classes[base_cls][0]["own"]:
                return self.attribute(base_cls, attr, depth + 1)
        return None


def _join(entries: dict[str, dict], aliases: dict[str, dict[str, str]] | None = None) -> IndexView:
    joiner = _Joiner(entries)
    view = IndexView(modules=joiner.modules, packages=frozenset(joiner.packages), helpers=joiner.helpers)
    bindings: dict[tuple[str, str], Binding] = {}

    def binding(found: tuple[str, dict, str, str]) -> Binding:
        ctor, spec, path, defined = found
        key = (path, defined)
        b = bindings.get(key)
        if b is None:
            b = Binding(f"{ctor}()", IndexedCall(ctor, spec, path, defined))
            bindings[key] = b
        return b

    for qualname in joiner.values:
        found = joiner.resolve(qualname, False)
        if found is not None:
            view.instances[qualname] = binding(found)
    for qualname in [*joiner.returns, *joiner.values]:
        found = joiner.resolve(qualname, True)
        if found is not None:
            view.factories[qualname] = binding(found)
    # instances of first-party classes: `Api().session`, `api.session` (api = Api()), `make_api().session`
    holders: list[tuple[str, str]] = []  # (key prefix, class)
    for qualname in joiner.values:
        cls = joiner.class_of(qualname)
        if cls is not None:
            holders.append((f"{qualname}()", cls))
        cls = joiner.instance_of(qualname, False)
        if cls is not None:
            holders.append((qualname, cls))
    for qualname in joiner.classes:
        holders.append((f"{qualname}()", qualname))
    for qualname in joiner.returns:
        cls = joiner.instance_of(qualname, True)
        if cls is not None:
            holders.append((f"{qualname}()", cls))
    for prefix, cls in holders:
        for attr in joiner.attr_names(cls):
            found = joiner.attribute(cls, attr)
            if found is not None:
                view.instances.setdefault(f"{prefix}.{attr}", binding(found))
    for settled in (aliases or {}).values():
        for qualname, target in settled.items():
            view.instances.setdefault(qualname, Binding(target))
    prefixes: set[str] = set()
    for key in [*view.instances, *view.factories]:
        parts = key.split(".")
        prefixes.update(".".join(parts[:i]) for i in range(1, len(parts)))
    view.prefixes = frozenset(prefixes)
    uses: dict[str, list[Related]] = {}
    for path, entry in entries.items():
        summary = entry.get("summary") or {}
        for qualname, spans in (summary.get("uses") or {}).items():
            origin = None
            b = view.instances.get(qualname) or view.factories.get(qualname)
            if b is not None:
                origin = b.origin
            elif qualname in joiner.helpers:
                target = qualname
            else:
                continue
            if origin is not None:
                target = origin.qualname  # type: ignore[union-attr]
                if origin.path == path:  # type: ignore[union-attr]
                    continue
            shown = qualname.rsplit(".", 1)[-1]
            bucket = uses.setdefault(target, [])
            for span in spans:
                if len(bucket) < MAX_USES_PER_NAME:
                    bucket.append(Related(path, Span(*span), f"`{shown}` used here ({entry['module']})"))
    view.uses = {k: tuple(sorted(v, key=lambda r: (r.path, r.span.line, r.span.col))) for k, v in uses.items()}
    return view


__all__ = [
    "WorkspaceIndex", "IndexView", "IndexedCall", "indexed_origin", "summarize", "module_name",
    "KNOWN_CONSTRUCTORS", "default_cache_dir",
]


# ----- helpers for FileContext and the rules ----------------------------------------------------------
def defined_here_uses(ctx: Any, node: ast.AST, functions_only: bool = False) -> tuple[Related, ...]:
    """Uses in other modules of what the statement around `node` defines: a module-level
    `name = <node>` (or `with`-less annotated assignment), or the top-level function `node` is in."""
    view = getattr(ctx, "workspace", None)
    if view is None:
        return ()
    module = view.module_of(ctx.path)
    if module is None:
        return ()
    names: list[str] = []
    fn = ctx.functions[0] if ctx.functions else None
    if fn is None:
        if functions_only:
            return ()
        parent = ctx.parent
        if isinstance(parent, ast.Assign) and parent.value is node:
            names = [t.id for t in parent.targets if isinstance(t, ast.Name)]
        elif isinstance(parent, ast.AnnAssign) and parent.value is node and isinstance(parent.target, ast.Name):
            names = [parent.target.id]
    elif isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(s is fn for s in ctx.tree.body):
        names = [fn.name]
    out: list[Related] = []
    for name in names:
        out.extend(view.uses_of(f"{module}.{name}"))
    return tuple(out)


def relative_target(view: IndexView, path: str, node: ast.ImportFrom, local: str) -> str | None:
    """The absolute qualname that `local`, bound by the relative import `node` in `path`, names."""
    module = view.module_of(path)
    if module is None:
        return None
    base = _absolute(module, view.is_package(path), node.level, node.module)
    if base is None:
        return None
    for alias in node.names:
        if (alias.asname or alias.name) == local and alias.name != "*":
            return f"{base}.{alias.name}"
    return None


# ----- the CLI's run: index the checked tree, then check with it ----------------------------------------
_WORKER_VIEWS: dict[str, IndexView] = {}


def _init_worker(views: dict[str, IndexView]) -> None:
    _WORKER_VIEWS.clear()
    _WORKER_VIEWS.update(views)


def _indexed_job(job: tuple[Any, Any, bool, str | None]) -> Any:
    from .runner import check_file

    path, settings, keep_text, root = job
    if root is not None:
        settings.workspace_index = _WORKER_VIEWS.get(root)
    return check_file(path, settings, keep_text)


def build_indexes(files: list[Path], resolver: Any, jobs: int | None = None,
                  use_cache: bool = True) -> dict[str, WorkspaceIndex]:
    """One index per project root (the folder of the pyproject.toml that applies), over the
    checked files of that project."""
    by_root: dict[str, list[Path]] = {}
    for path in files:
        root = os.path.realpath(resolver.for_path(path).root)
        by_root.setdefault(root, []).append(path)
    out: dict[str, WorkspaceIndex] = {}
    for root, paths in by_root.items():
        if len(paths) < 2:
            continue
        try:
            out[root] = WorkspaceIndex.build(root, paths, use_cache=use_cache, jobs=jobs)
        except Exception as exc:  # the index only adds findings: never fail the check for it
            print(f"resilint: workspace index of {root} skipped: {type(exc).__name__}: {exc}", file=sys.stderr)
    return out


def check_paths_indexed(files: list[Path], resolver: Any, jobs: int | None = None, keep_text: bool = False,
                        use_cache: bool = True) -> list[Any]:
    """`runner.check_paths` with each file's project index in its settings (results in `files` order)."""
    from .runner import PARALLEL_THRESHOLD

    indexes = build_indexes(files, resolver, jobs, use_cache)
    views = {root: index.view() for root, index in indexes.items()}
    work = []
    for path in files:
        config = resolver.for_path(path)
        root = os.path.realpath(config.root)
        work.append((path, config.settings_for(path), keep_text, root if root in views else None))
    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    if jobs <= 1 or len(work) < PARALLEL_THRESHOLD:
        _init_worker(views)
        try:
            return [_indexed_job(job) for job in work]
        finally:
            _WORKER_VIEWS.clear()
    chunksize = max(4, len(work) // (jobs * 8))
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(views,)) as pool:
        return list(pool.map(_indexed_job, work, chunksize=chunksize))
