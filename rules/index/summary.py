"""Summarising one module on its own: the JSON facts the index keeps per file (see the package docs)."""
from __future__ import annotations

import ast
import hashlib
import os
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..apis.http import HTTPX_FUNCTIONS, REQUESTS_FUNCTIONS, TIMEOUT_POSITIONS
from ..apis.timeouts import CLIENTS, LLM_CLIENTS
from ..source import LineIndex, decode_source
from .modules import _absolute

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
