"""The joined, read-only view of a project's summaries, and resolving names through it."""
from __future__ import annotations

import ast
import os
from dataclasses import dataclass, field
from typing import Any

from ..model import Related, Span
from ..names import Binding
from .modules import _absolute
from .summary import MAX_USES_PER_NAME

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
