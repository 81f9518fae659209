"""Incremental analysis for the language server: re-parse and re-walk only what an edit touched.

`IncrementalAnalyzer(path, settings).update(text)` returns exactly what
`engine.analyze(text, path, settings)` returns (same findings, same order), but on a small
edit of a large file it re-parses only the top-level statements around the edit and re-walks
only the statements whose results can have changed.

How it works
------------
The file is cut into *chunks*: runs of whole lines, each holding one or more top-level
statements (with their decorators, and the comment/blank lines after them). A chunk
boundary is a line where a top-level statement starts at column 0, so the text before a
boundary always ends in a clean tokenizer state; a chunk's lines parse on their own to the
same nodes as in the whole file.

For every chunk we keep what the engine's single walk produced for it:
  * its findings, split in the two phases of `engine.Walker` (the module-level walk, and the
    deferred walk of function bodies, which sees the *final* module scope);
  * the module-scope writes of its module-level walk (`binds`, replayed in order to rebuild
    the module scope at any point) and the module-scope names it read in each phase;
  * its deferred function entries, its class scopes and its suppression directives.
The module scope's binders (`Scope.binders`: which def / class / assignment statements bound
a name, used by rules to find a module-level def or constant by name) live in the same
tracked table under `"\0" + name`: such a lookup is a module-name read, and a chunk whose
statements are re-parsed changes those entries (new nodes), so its readers are re-walked.

On `update(text)`: common prefix/suffix of lines -> the touched chunks, widened to the chunk
before and the chunk after; that region is parsed alone (widened again when it does not
parse; the whole file is parsed as a last resort). Then the module-level walk runs for the
new chunks; later chunks are re-walked only while the module scope differs from the old one
in a name they read; function bodies are re-walked for new chunks and for chunks that read
a module name whose final binding changed. Unchanged chunks keep their findings, shifted by
the line delta (column positions are untouched: whole lines moved).

An edit that replaces whole chunks (it starts and ends on chunk boundaries, as inserting or
deleting top-level statements does) is parsed on its own first: when its new lines parse alone,
nothing around them can have changed, so the neighbouring chunks are kept as they are.

An edit inside one method of a class (the common case while typing) re-parses that method
alone (its lines under a stand-in `class _:` line), swaps it into the class node, re-runs the
class's module-level walk (cheap: method bodies are deferred) and walks only that method's
body, starting from the `self.x` tables the methods before it left (recorded per method);
the other methods keep their findings. All methods are walked again when the edited one
leaves different `self.x` tables, or when a rule read the whole class while walking one of
them (`ctx.enclosing_class()`).

Per-file gates: a rule may ask `ctx.text_has(markers)` (e.g. "does this file mention openai?")
instead of reading `ctx.text`; every answer is re-checked on each new text and a flipped one
starts the analysis over, exactly as `analyze()` would see it. Memos that helper layers keep on
the context (`_resilint_*` attributes, keyed by node ids) are dropped at every update.

Safety nets (any of them -> the exact `analyze()` result):
  * rules that keep per-instance state across statements (state compared to its initial
    value at every statement boundary; a `finish()` hook must report nothing from the
    initial state, which is checked once, since it is never called here), rules that read the
    whole file (`ctx.tree.body`, `ctx.text`, `ctx.findings`, a line of `ctx.index` outside the
    statement, another statement's class scope, iterate the module scope) or
    report a range outside the statement they were visiting: the analyzer switches to
    `analyze()` for good (`full_only` says why);
  * a rule raising (RES998) or a file too deep to walk: `analyze()` for that update and a
    rebuild on the next one;
  * text that does not parse: `analyze()`'s syntax-error result; the state keeps the last
    text that parsed, so the next edit is still diffed against it.

Known limit: a rule whose *message* embeds a line number of another statement would keep
the stale number for a reused statement (no rule does this; spans are checked).
"""
from __future__ import annotations

import ast
import copy
import re
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from typing import Any

from . import suppression as _supp
from .context import FileContext
from .engine import AnalysisResult, Walker, _syntax_result, _syntax_span, analyze
from .model import UNUSED_SUPPRESSION, Edit, Finding, Rule, Span
from .names import Binding, Scope
from .settings import FileSettings
from .source import LineIndex

__all__ = ["IncrementalAnalyzer"]

# Characters `str.splitlines` treats as line ends but Python's tokenizer does not.
_ODD_NEWLINES = ("\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")
_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_MISSING = object()
#: How many times a region that does not parse is widened before the whole file is parsed.
_WIDEN = 2


def split_keepends(text: str) -> list[str]:
    """Lines with their line ends, splitting only where the tokenizer does (\\r\\n, \\r, \\n)."""
    for ch in _ODD_NEWLINES:
        if ch in text:
            return _LINE_RE.findall(text)
    return text.splitlines(True)


def _common_ends(old: list[str], new: list[str]) -> tuple[int, int]:
    """(lines equal at the start, lines equal at the end, not overlapping the start ones),
    compared a block at a time (list comparison runs in C)."""
    limit = min(len(old), len(new))
    p, step = 0, 256
    while step:
        while p + step <= limit and old[p:p + step] == new[p:p + step]:
            p += step
        step //= 4
    limit -= p
    n_old, n_new = len(old), len(new)
    s, step = 0, 256
    while step:
        while s + step <= limit and old[n_old - s - step:n_old - s] == new[n_new - s - step:n_new - s]:
            s += step
        step //= 4
    return p, s


class _Fallback(BaseException):
    """Internal: give up on this update and return `analyze()` (BaseException: rules' `except Exception` must not eat it)."""


def _same(a: Any, b: Any) -> bool:
    """Two module-scope bindings are interchangeable for the rules."""
    if a is b:
        return True
    if a is _MISSING or b is _MISSING or a is None or b is None:
        return False
    if a.__class__ is tuple or b.__class__ is tuple:  # binders (see _Binders): the same statements
        return a == b
    if a.qualname != b.qualname:
        return False
    if a.origin is b.origin:
        return True
    if a.origin is None or b.origin is None:
        return False
    return ast.dump(a.origin) == ast.dump(b.origin)


def _replay(names: dict, chunks: list["_Chunk"]) -> None:
    """Put the module-scope writes of `chunks` (in order) into `names`, untracked."""
    for chunk in chunks:
        for key, value in chunk.binds:
            dict.__setitem__(names, key, value)


def _raw_copy(names: dict) -> dict:
    """Every entry of a _Names table, binders included (`dict.copy` would go through the
    overridden iteration, which hides them from the rules)."""
    return dict(dict.items(names))


# ----- tracked containers ------------------------------------------------------------------
#: Key prefix of the module scope's binders (Scope.binders) inside _Names.
_BINDER = "\0"


class _Names(dict):
    """The module scope's name table, recording reads and writes for the chunk being walked.

    It also holds the module scope's binders (`Scope.binders`: name -> the def / class /
    assignment statements that bound it), under `_BINDER + name`, so that looking up a
    module-level def by name is a tracked module-name read like any other; `_Binders` is the
    view the rules see as `module_scope.binders`, and iteration hides those keys from them.
    """

    __slots__ = ("owner", "reads", "writes", "all", "binders")

    def __init__(self, owner: "IncrementalAnalyzer") -> None:
        super().__init__()
        self.owner = owner
        self.reads: set[str] = set()
        self.writes: list[tuple[str, Binding]] | None = None
        self.all = False
        self.binders = _Binders(self)

    def get(self, key, default=None):  # type: ignore[override]
        self.reads.add(key)
        return dict.get(self, key, default)

    def __getitem__(self, key):
        self.reads.add(key)
        return dict.__getitem__(self, key)

    def __contains__(self, key):
        self.reads.add(key)
        return dict.__contains__(self, key)

    def __setitem__(self, key, value):
        if self.writes is None:
            self.owner._violation("a module-scope name was bound while walking a function body")
        else:
            self.writes.append((key, value))
        dict.__setitem__(self, key, value)

    def _whole(self):
        self.all = True

    def _visible(self) -> dict:
        self.all = True
        return {k: v for k, v in dict.items(self) if k[:1] != _BINDER}

    def __iter__(self):
        return iter(self._visible())

    def keys(self):  # type: ignore[override]
        return self._visible().keys()

    def values(self):  # type: ignore[override]
        return self._visible().values()

    def items(self):  # type: ignore[override]
        return self._visible().items()

    def __len__(self):
        return len(self._visible())

    def __eq__(self, other):
        return self._visible() == other

    __hash__ = None  # type: ignore[assignment]

    def copy(self):  # type: ignore[override]
        return self._visible()

    def _mutation(self, *args, **kwargs):
        self.owner._violation("the module scope was mutated other than by binding a name")
        raise RuntimeError("resilint: unsupported mutation of the module scope")

    __delitem__ = pop = popitem = clear = update = setdefault = __ior__ = _mutation  # type: ignore[assignment]


class _Binders:
    """`module_scope.binders` during incremental analysis: stored in the _Names table (tracked)."""

    __slots__ = ("names",)

    def __init__(self, names: _Names) -> None:
        self.names = names

    def get(self, key, default=None):
        return self.names.get(_BINDER + key, default)

    def __getitem__(self, key):
        return self.names[_BINDER + key]

    def __contains__(self, key):
        return (_BINDER + key) in self.names

    def __setitem__(self, key, value):
        self.names[_BINDER + key] = value

    def _whole(self, *args, **kwargs):
        self.names.owner._violation("a rule read every binder of the module scope")
        return iter(())

    __iter__ = keys = values = items = _whole  # type: ignore[assignment]

    def __len__(self) -> int:
        self.names.owner._violation("a rule read every binder of the module scope")
        return 0


class _ClassScopes(dict):
    """ctx.class_scopes: a rule may only look up the classes of the statement being walked."""

    __slots__ = ("owner",)

    def __init__(self, owner: "IncrementalAnalyzer") -> None:
        super().__init__()
        self.owner = owner

    def _check(self, key) -> None:
        if key not in self.owner._cur_class_ids:
            self.owner._violation("a rule looked up the class scope of another statement")

    def get(self, key, default=None):  # type: ignore[override]
        self._check(key)
        return dict.get(self, key, default)

    def __getitem__(self, key):
        self._check(key)
        return dict.__getitem__(self, key)

    def __contains__(self, key):
        self._check(key)
        return dict.__contains__(self, key)

    def __setitem__(self, key, value):
        owner = self.owner
        owner._cur_class_ids.add(key)
        owner._cur_class_scopes.append(value)
        dict.__setitem__(self, key, value)

    def _whole(self, *args, **kwargs):
        self.owner._violation("a rule read every class scope of the file")
        return dict.__iter__(self)

    __iter__ = keys = values = items = _whole  # type: ignore[assignment]


class _Module(ast.Module):
    """The module node the rules see (`ctx.tree`, `ctx.parents[0]`): reading its body is a whole-file read."""

    _owner: "IncrementalAnalyzer | None" = None

    @property  # type: ignore[override]
    def body(self):
        owner = self.__dict__.get("_owner")
        if owner is not None:
            owner._violation("a rule read the module's body")
        return []

    @body.setter
    def body(self, value):
        pass


class _Index(LineIndex):
    """ctx.index: lines of the statement being walked are fine, the rest is a whole-file read."""

    def __init__(self, owner: "IncrementalAnalyzer") -> None:  # noqa: D401 - no dataclass init
        self.owner = owner
        self._lines = None

    @property
    def text(self) -> str:  # type: ignore[override]
        self.owner._violation("a rule read ctx.index.text")
        return self.owner._text

    @property
    def lines(self) -> "_LinesView":  # type: ignore[override]
        return _LinesView(self.owner)

    def line(self, lineno0: int) -> str:
        owner = self.owner
        if not owner._lo <= lineno0 < owner._hi:
            owner._violation("a rule read a line outside the statement it was visiting")
        lines = owner._cur_lines
        if 0 <= lineno0 < len(lines):
            return _strip_end(lines[lineno0])
        return ""


class _LinesView:
    """ctx.index.lines without building it: indexing a line of the statement being walked is fine."""

    __slots__ = ("owner",)

    def __init__(self, owner: "IncrementalAnalyzer") -> None:
        self.owner = owner

    def __len__(self) -> int:
        lines = self.owner._cur_lines
        return len(lines) + (1 if not lines or lines[-1].endswith(("\n", "\r")) else 0)

    def __getitem__(self, key):
        owner = self.owner
        if isinstance(key, slice):
            start, stop, step = key.indices(len(self))
            if start < stop and not (owner._lo <= start and stop <= owner._hi):
                owner._violation("a rule read lines outside the statement it was visiting")
            return _strip_ends(owner._cur_lines)[key]
        if key < 0:
            key += len(self)
        if not owner._lo <= key < owner._hi:
            owner._violation("a rule read a line outside the statement it was visiting")
        lines = owner._cur_lines
        if 0 <= key < len(lines):
            return _strip_end(lines[key])
        if key == len(lines) and key < len(self):
            return ""
        raise IndexError("line index out of range")

    def __iter__(self):
        self.owner._violation("a rule iterated over every line of the file")
        return iter(_strip_ends(self.owner._cur_lines))


def _strip_end(line: str) -> str:
    if line.endswith("\r\n"):
        return line[:-2]
    if line.endswith(("\n", "\r")):
        return line[:-1]
    return line


def _strip_ends(lines: list[str]) -> list[str]:
    out = [_strip_end(line) for line in lines]
    if not lines or lines[-1].endswith(("\n", "\r")):
        out.append("")  # as source.split_lines
    return out


class _Ctx(FileContext):
    """FileContext whose whole-file accessors report themselves (see the module docstring)."""

    def __init__(self, owner: "IncrementalAnalyzer", path: str, settings: FileSettings,
                 module: ast.Module, scope: Scope) -> None:
        # FileContext.__init__ is not called: it would index the whole text.
        self._owner = owner
        self.path = path
        self.settings = settings
        self.workspace = getattr(settings, "workspace_index", None)
        self.tree = module
        self.index = _Index(owner)
        self.scopes = [scope]
        self.parents = []
        self.functions = []
        self.class_scopes = _ClassScopes(owner)  # type: ignore[assignment]
        self._out: list[Finding] = []
        self._reporting = False

    @property
    def text(self) -> str:  # type: ignore[override]
        self._owner._violation("a rule read ctx.text")
        return self._owner._text

    def enclosing_class(self):  # type: ignore[no-untyped-def]
        self._owner._class_wide = True
        return super().enclosing_class()

    def text_has(self, markers: tuple[str, ...]) -> bool:
        owner = self._owner
        if any("\n" in m or "\r" in m for m in markers):
            owner._violation("a per-file gate spans lines")
        found = owner._gates[markers] = any(m in owner._text for m in markers)
        return found

    @property
    def findings(self) -> list[Finding]:  # type: ignore[override]
        if not self._reporting:
            self._owner._violation("a rule read ctx.findings")
        return self._out

    def report(self, rule, node, message, data, confidence=None):  # type: ignore[override]
        self._reporting = True
        try:
            return super().report(rule, node, message, data, confidence)
        finally:
            self._reporting = False


# ----- chunks -----------------------------------------------------------------------------
@dataclass(eq=False)
class _Chunk:
    start: int  # current first line (0-based)
    nlines: int
    nodes: list[ast.stmt]
    base: int  # the first line the nodes / findings / directives are positioned for
    directives: list[_supp.Directive] = field(default_factory=list)
    top: list[Finding] = field(default_factory=list)
    deferred: list[Finding] = field(default_factory=list)
    binds: list[tuple[str, Binding]] = field(default_factory=list)
    reads_top: set[str] = field(default_factory=set)
    all_top: bool = False
    reads_def: set[str] = field(default_factory=set)
    all_def: bool = False
    entries: list[tuple] = field(default_factory=list)
    class_ids: set[int] = field(default_factory=set)
    class_scopes: list[Scope] = field(default_factory=list)
    #: Per deferred root entry (the chunk's defs, in order): its node's id, the slice of
    #: `deferred` its body and nested defs produced, and the `self.x` tables of the chunk's
    #: classes before and after its body (see _method_edit).
    roots: list[tuple[int, int, int, tuple, tuple]] = field(default_factory=list)
    #: A rule read a whole class while walking one of its methods (ctx.enclosing_class()):
    #: an edit in any method may change another method's findings.
    class_wide: bool = False


def _self_attrs_of(scopes: list[Scope]) -> tuple:
    return tuple(None if s._self_attrs is None else dict(s._self_attrs) for s in scopes)


def _method_at(cls: ast.ClassDef, p: int, old_hi: int) -> list[tuple[ast.ClassDef, int]] | None:
    """The path [(class, index in its body), ...] to the method of `cls` (or of a class nested
    in it) whose body holds the changed lines [p, old_hi) (0-based; p may also be the line right
    after the method, where lines typed at its end go); None when there is no such method."""
    path: list[tuple[ast.ClassDef, int]] = []
    node = cls
    while True:
        for i, stmt in enumerate(node.body):
            end = stmt.end_lineno or 0
            if not (_stmt_start(stmt) <= p <= end and old_hi <= end):
                continue
            if stmt.__class__ is ast.ClassDef:
                path.append((node, i))
                node = stmt
                break
            if stmt.__class__ in _DEFS and stmt.lineno - 1 < stmt.body[0].lineno - 1 <= p:  # type: ignore[attr-defined]
                path.append((node, i))
                return path
            return None
        else:
            return None


_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)


def _stmt_start(node: ast.stmt) -> int:
    line = node.lineno
    for dec in getattr(node, "decorator_list", ()):
        line = min(line, dec.lineno)
    return line - 1


def _shift_span(span: Span, d: int) -> Span:
    return Span(span.line + d, span.col, span.end_line + d, span.end_col)


class IncrementalAnalyzer:
    """Analysis of one open file, re-done incrementally on each new text (see module docstring)."""

    def __init__(self, path: str, settings: FileSettings | None = None) -> None:
        self.path = path
        self.settings = settings or FileSettings.default()
        #: Why this analyzer always runs `analyze()` (None while incremental analysis is on).
        self.full_only: str | None = None
        #: What the last update did (for benchmarks and tests).
        self.last_stats: dict[str, Any] = {}
        self._reset()

    # ----- public ------------------------------------------------------------------------
    def update(self, text: str) -> AnalysisResult:
        if self.full_only is not None or not isinstance(text, str) or "\0" in text:
            self.last_stats = {"mode": "analyze"}
            return analyze(text, self.path, self.settings)
        self._text = text
        self._forget_memos()
        try:
            if self._chunks is None:
                return self._rebuild(text, split_keepends(text), None)
            return self._incremental(text)
        except _Fallback:
            self._reset()
            self.last_stats = {"mode": "analyze", "reason": self.full_only or "fallback"}
            return analyze(text, self.path, self.settings)
        except RecursionError:
            self._reset()
            self.last_stats = {"mode": "analyze", "reason": "recursion"}
            return analyze(text, self.path, self.settings)

    # ----- state -------------------------------------------------------------------------
    def _reset(self) -> None:
        self._chunks: list[_Chunk] | None = None
        self._lines: list[str] = []
        self._final: dict[str, Binding] = {}
        self._text = ""
        self._cur_lines: list[str] = []
        self._lo = self._hi = 0
        self._cur_class_ids: set[int] = set()
        self._cur_class_scopes: list[Scope] = []
        self._violated: str | None = None
        self._class_wide = False
        #: ctx.text_has() gates asked so far, with their answer on the current text.
        self._gates: dict[tuple[str, ...], bool] = {}

    def _forget_memos(self) -> None:
        """Drop what helper layers memoised on the context (keyed by node ids of the last text)."""
        ctx = getattr(self, "ctx", None)
        if ctx is not None:
            for key in [k for k in ctx.__dict__ if k.startswith("_resilint_")]:
                del ctx.__dict__[key]

    def _violation(self, reason: str) -> None:
        if self._violated is None:
            self._violated = reason

    def _setup(self) -> None:
        """Fresh context, rules and walker (after a rebuild or a rule that broke)."""
        self._violated = None
        module = _Module(body=[], type_ignores=[])
        module.__dict__["_owner"] = self
        self.module = module
        self.mscope = Scope("module", module)
        self.mscope.names = _Names(self)
        self.mscope.binders = self.mscope.names.binders  # type: ignore[assignment]
        self.ctx = _Ctx(self, self.path, self.settings, module, self.mscope)
        self.rules = [cls(self.ctx) for cls in self.settings.rule_classes()]
        self.walker = Walker(self.ctx, self.rules)
        self._baselines: list[dict | None] = []
        for rule in self.rules:
            state = getattr(rule, "__dict__", None)
            if state is None:
                self.full_only = f"rule {rule.code} uses __slots__ (its state cannot be checked)"
                raise _Fallback
            own = {k: v for k, v in state.items() if k != "ctx"}
            if not own:
                self._baselines.append(None)
                continue
            try:
                self._baselines.append(copy.deepcopy(own))
            except Exception:
                self.full_only = f"rule {rule.code} keeps state that cannot be copied"
                raise _Fallback from None
        # A finish() hook reports from state collected during the walk. Incremental analysis
        # never calls it, so it must report nothing while the rule's state is untouched (the
        # state is checked at every statement boundary): one call now proves it.
        self.ctx._out = []
        for rule in self.rules:
            if type(rule).finish is not Rule.finish:
                rule.finish()
                if self.ctx._out:
                    self.full_only = f"rule {rule.code}'s finish() reports without collected state"
                    raise _Fallback
        self._check()

    def _check(self) -> None:
        """After each phase of each chunk: the rules kept no state and read nothing global."""
        for rule, base in zip(self.rules, self._baselines):
            state = rule.__dict__
            if base is None:
                if len(state) == 1 and "ctx" in state:
                    continue
            elif {k: v for k, v in state.items() if k != "ctx"} == base:
                continue
            self._violation(f"rule {rule.code} keeps state between top-level statements")
            break
        if self._violated is not None:
            self.full_only = self._violated
            raise _Fallback
        if self.walker.internal_errors:
            raise _Fallback

    # ----- walking -----------------------------------------------------------------------
    def _check_spans(self, chunk: _Chunk, findings: list[Finding]) -> None:
        lo, hi = chunk.start, chunk.start + chunk.nlines
        path = self.path
        for f in findings:
            spans = [f.span]
            if f.fix is not None:
                spans.extend(e.span for e in f.fix.edits)
            spans.extend(r.span for r in f.related if r.path == path)
            for s in spans:
                if not (lo <= s.line < hi and lo <= s.end_line < hi):
                    self._violation(f"rule {f.code} reported a range outside the statement it visited")
                    return

    def _walk_top(self, chunk: _Chunk, names: _Names) -> None:
        ctx, walker = self.ctx, self.walker
        self._lo, self._hi = chunk.start, chunk.start + chunk.nlines
        chunk.reads_top = names.reads = set()
        chunk.binds = names.writes = []
        names.all = False
        chunk.class_ids = self._cur_class_ids = set()
        chunk.class_scopes = self._cur_class_scopes = []
        self.mscope.names = names
        self.mscope.binders = names.binders  # type: ignore[assignment]
        ctx.scopes = [self.mscope]
        ctx.parents = [self.module]
        ctx.functions = []
        chunk.top = ctx._out = []
        walker.deferred = []
        visit = walker.visit
        for stmt in chunk.nodes:
            visit(stmt)
        chunk.entries = walker.deferred
        walker.deferred = []
        chunk.all_top = names.all
        self._check_spans(chunk, chunk.top)
        self._check()

    def _begin_deferred(self, chunk: _Chunk, names: _Names, self_attrs: tuple) -> None:
        """Context for walking `chunk`'s function bodies: the final module scope (reads
        recorded, no writes) and its classes' `self.x` tables as given (one per class scope)."""
        self._lo, self._hi = chunk.start, chunk.start + chunk.nlines
        names.reads = set()
        names.writes = None
        names.all = False
        self._cur_class_ids = chunk.class_ids
        for scope, table in zip(chunk.class_scopes, self_attrs):
            scope._self_attrs = None if table is None else dict(table)
        self.mscope.names = names
        self.mscope.binders = names.binders  # type: ignore[assignment]
        self._class_wide = False

    def _walk_deferred(self, chunk: _Chunk, names: _Names) -> None:
        self._begin_deferred(chunk, names, (None,) * len(chunk.class_scopes))
        chunk.reads_def = names.reads
        entries = chunk.entries
        outs, attrs = self._run_deferred(entries, chunk.class_scopes)
        chunk.class_wide = self._class_wide
        chunk.deferred, chunk.roots, at = [], [], 0
        for (node, *_), out, (before, after) in zip(entries, outs, attrs):
            chunk.deferred.extend(out)
            chunk.roots.append((id(node), at, at + len(out), before, after))
            at += len(out)
        chunk.all_def = names.all
        self._check_spans(chunk, chunk.deferred)
        self._check()

    def _run_deferred(self, entries: list[tuple], class_scopes: list[Scope]) -> tuple[list[list[Finding]], list[tuple]]:
        """Walk the bodies of `entries` (and the defs nested in them, queued as the engine does),
        collecting each root entry's findings apart, with the chunk's `self.x` tables around it."""
        ctx, walker = self.ctx, self.walker
        queue = [(node, list(scopes), list(parents), list(functions)) for node, scopes, parents, functions in entries]
        tags = list(range(len(queue)))
        outs: list[list[Finding]] = [[] for _ in queue]
        attrs: list[tuple] = []
        walker.deferred = queue
        body = walker._function_body
        while queue:
            node, scopes, parents, functions = queue.pop(0)
            tag = tags.pop(0)
            root = tag == len(attrs)  # roots are queued first, in order; nested defs after them
            if root:
                before = _self_attrs_of(class_scopes)
            ctx.scopes, ctx.parents, ctx.functions = scopes, parents, functions
            ctx._out = outs[tag]
            waiting = len(queue)
            body(node)
            tags.extend([tag] * (len(queue) - waiting))
            if root:
                attrs.append((before, _self_attrs_of(class_scopes)))
        walker.deferred = []
        return outs, attrs

    def _forget(self, chunk: _Chunk) -> None:
        """Drop a chunk's classes from ctx.class_scopes (its nodes are about to go)."""
        table = self.ctx.class_scopes
        for key in chunk.class_ids:
            dict.pop(table, key, None)

    def _materialize(self, chunk: _Chunk) -> None:
        """Move a reused chunk's nodes, findings and directives to its current lines."""
        d = chunk.start - chunk.base
        if not d:
            return
        for stmt in chunk.nodes:
            ast.increment_lineno(stmt, d)
        chunk.top = [self._shift(f, d) for f in chunk.top]
        chunk.deferred = [self._shift(f, d) for f in chunk.deferred]
        chunk.directives = [self._shift_directive(x, d) for x in chunk.directives]
        chunk.base = chunk.start

    # ----- shifting ----------------------------------------------------------------------
    def _shift(self, f: Finding, d: int, from_line: int = 0) -> Finding:
        """`f` with its ranges (those at or after `from_line`) moved by `d` lines."""
        def move(span: Span) -> Span:
            return _shift_span(span, d) if span.line >= from_line else span

        fix = f.fix
        if fix is not None:
            fix = replace(fix, edits=tuple(Edit(move(e.span), e.new_text) for e in fix.edits))
        related = f.related
        if related:
            related = tuple(replace(r, span=move(r.span)) if r.path == self.path else r for r in related)
        return Finding(f.code, f.message, move(f.span), f.severity, fix, f.data, related)

    @staticmethod
    def _shift_directive(x: _supp.Directive, d: int) -> _supp.Directive:
        return _supp.Directive(
            x.kind, x.line + d, _shift_span(x.span, d), x.codes,
            {code: _shift_span(s, d) for code, s in x.code_spans.items()},
        )

    # ----- chunking ----------------------------------------------------------------------
    def _partition(self, body: list[ast.stmt], lines: list[str], lo: int, hi: int) -> list[_Chunk]:
        """Cut lines [lo, hi) holding the statements `body` (absolute line numbers) into chunks."""
        chunks: list[_Chunk] = []
        start, nodes, prev_end = lo, [], lo - 1
        for stmt in body:
            line = _stmt_start(stmt)
            if nodes and line > prev_end and self._boundary(stmt, line, lines):
                chunks.append(self._chunk(start, line, nodes, lines))
                start, nodes = line, []
            nodes.append(stmt)
            prev_end = max(prev_end, (stmt.end_lineno or stmt.lineno) - 1)
        if hi > start:
            chunks.append(self._chunk(start, hi, nodes, lines))
        return chunks

    @staticmethod
    def _boundary(stmt: ast.stmt, line: int, lines: list[str]) -> bool:
        text = lines[line] if line < len(lines) else ""
        if not text or text[0] in " \t\x0c#\r\n\\":
            return False
        if getattr(stmt, "decorator_list", None):
            return text[0] == "@"
        return stmt.col_offset == 0 and stmt.lineno - 1 == line

    def _chunk(self, start: int, end: int, nodes: list[ast.stmt], lines: list[str]) -> _Chunk:
        chunk = _Chunk(start, end - start, nodes, start)
        text = "".join(lines[start:end])
        if "#" in text:
            low = text.lower()
            if "noqa" in low or "resilint" in low or "nosec" in low:
                # The sentinel comment passes parse_directives' quick "is there anything" test
                # (the real test runs on the whole text) and matches no directive itself.
                found = _supp.parse_directives(text + "\n#resilint\n")
                chunk.directives = [self._shift_directive(x, start) for x in found]
        return chunk

    # ----- full and incremental updates --------------------------------------------------
    def _syntax_error(self, text: str, exc: BaseException) -> AnalysisResult:
        self.last_stats = {"mode": "syntax-error"}
        if isinstance(exc, SyntaxError):
            return _syntax_result(f"SyntaxError: {exc.msg}", _syntax_span(text, exc), self.settings)
        return analyze(text, self.path, self.settings)

    def _rebuild(self, text: str, lines: list[str], tree: ast.Module | None) -> AnalysisResult:
        if tree is None:
            try:
                tree = ast.parse(text, filename=self.path)
            except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
                return self._syntax_error(text, exc)
        self._reset()
        self._text = text
        self._setup()
        self._cur_lines = lines
        chunks = self._partition(tree.body, lines, 0, len(lines))
        names = _Names(self)
        for chunk in chunks:
            self._walk_top(chunk, names)
        for chunk in chunks:
            self._walk_deferred(chunk, names)
        self._chunks, self._lines, self._final = chunks, lines, _raw_copy(names)
        self.last_stats = {"mode": "full", "chunks": len(chunks)}
        return self._result(text)

    def _incremental(self, text: str) -> AnalysisResult:
        old, new = self._lines, split_keepends(text)
        chunks = self._chunks
        assert chunks is not None
        n_old, n_new = len(old), len(new)
        if not chunks or not n_old:
            return self._rebuild(text, new, None)
        p, s = _common_ends(old, new)
        if p == n_old == n_new:
            self.last_stats = {"mode": "unchanged"}
            self._text = text
            return self._result(text)
        if self._gates and self._gate_flipped(old[p:n_old - s], new[p:n_new - s], text):
            return self._rebuild(text, new, None)  # a rule's per-file gate flipped: start over, as analyze() would
        delta = n_new - n_old
        starts = [c.start for c in chunks]
        old_hi = n_old - s
        inside_method = self._method_edit(text, new, starts, p, old_hi, delta)
        if inside_method is not None:
            return inside_method
        i0 = bisect_right(starts, p - 1) - 1 if p > 0 else 0
        j0 = bisect_right(starts, old_hi) if old_hi < n_old else len(chunks)
        module = self._whole_chunks(new, starts, p, old_hi, n_old, delta)
        if module is not None:
            i0 = bisect_right(starts, p - 1)
            j0 = bisect_right(starts, old_hi - 1) if old_hi < n_old else len(chunks)
        for attempt in range(_WIDEN + 1 if module is None else 0):
            ra = chunks[i0].start
            rb_new = (chunks[j0].start if j0 < len(chunks) else n_old) + delta
            try:
                # Leading newlines put the nodes at their real lines without increment_lineno.
                module = ast.parse("\n" * ra + "".join(new[ra:rb_new]), filename=self.path)
                break
            except SyntaxError:
                if i0 == 0 and j0 == len(chunks):
                    break
                i0, j0 = max(0, i0 - 1), min(len(chunks), j0 + 1)
            except (ValueError, MemoryError, RecursionError):
                break
        if module is None:
            try:
                tree = ast.parse(text, filename=self.path)
            except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
                return self._syntax_error(text, exc)
            return self._rebuild(text, new, tree)

        # From here on the state is being rewritten: any _Fallback resets it.
        ra = chunks[i0].start if i0 < len(chunks) else n_old
        rb_new = (chunks[j0].start if j0 < len(chunks) else n_old) + delta
        self._cur_lines = new
        head, old_region, tail = chunks[:i0], chunks[i0:j0], chunks[j0:]
        region = self._partition(module.body, new, ra, rb_new)
        for chunk in tail:
            chunk.start += delta
        for chunk in old_region:
            self._forget(chunk)

        names = _Names(self)
        _replay(names, head)
        before = _raw_copy(names)
        touched: set[str] = set()
        for chunk in old_region:
            for key, value in chunk.binds:
                before[key] = value
                touched.add(key)
        rewalked: set[int] = set()
        for chunk in region:
            self._walk_top(chunk, names)
            touched.update(key for key, _ in chunk.binds)
            rewalked.add(id(chunk))
        differ = {k for k in touched if not _same(dict.get(names, k, _MISSING), before.get(k, _MISSING))}
        top_rewalks = 0
        for chunk in tail:
            if differ and (chunk.all_top or not chunk.reads_top.isdisjoint(differ)):
                old_binds = chunk.binds
                self._forget(chunk)
                self._materialize(chunk)
                self._walk_top(chunk, names)
                rewalked.add(id(chunk))
                top_rewalks += 1
                keys = {k for k, _ in old_binds}
                for key, value in old_binds:
                    before[key] = value
                keys.update(k for k, _ in chunk.binds)
                for key in keys:
                    if _same(dict.get(names, key, _MISSING), before.get(key, _MISSING)):
                        differ.discard(key)
                    else:
                        differ.add(key)
            else:
                for key, value in chunk.binds:
                    dict.__setitem__(names, key, value)
                    if differ:
                        before[key] = value
                        differ.discard(key)

        final_old = self._final
        changed = {
            k for k in set(dict.keys(names)) | set(final_old)
            if not _same(dict.get(names, k, _MISSING), final_old.get(k, _MISSING))
        }
        all_chunks = head + region + tail
        def_rewalks = 0
        for chunk in all_chunks:
            if id(chunk) in rewalked:
                self._walk_deferred(chunk, names)
            elif changed and chunk.entries and (chunk.all_def or not chunk.reads_def.isdisjoint(changed)):
                self._materialize(chunk)
                self._walk_deferred(chunk, names)
                def_rewalks += 1
        self._chunks, self._lines, self._final = all_chunks, new, _raw_copy(names)
        self.last_stats = {
            "mode": "incremental",
            "parsed_lines": rb_new - ra,
            "region_chunks": len(region),
            "top_rewalks": top_rewalks,
            "deferred_rewalks": def_rewalks,
        }
        return self._result(text)

    def _method_edit(self, text: str, new: list[str], starts: list[int], p: int, old_hi: int,
                     delta: int) -> AnalysisResult | None:
        """An edit inside one method of a class: re-parse that method alone, swap it into the
        class, re-walk the class's statements (cheap: bodies are deferred) and only that
        method's body; the other methods keep their findings. None when the edit is not of
        that shape (the caller then re-parses whole chunks)."""
        chunks = self._chunks
        assert chunks is not None
        k = bisect_right(starts, p) - 1
        if k < 0:
            return None
        chunk = chunks[k]
        if len(chunk.nodes) != 1 or chunk.nodes[0].__class__ is not ast.ClassDef or not chunk.roots:
            return None
        if old_hi > chunk.start + chunk.nlines:
            return None
        self._materialize(chunk)
        path = _method_at(chunk.nodes[0], p, old_hi)  # type: ignore[arg-type]
        if path is None:
            return None
        owner, i = path[-1]
        method = owner.body[i]
        s0, e0 = _stmt_start(method), method.end_lineno or 0
        if s0 < 1:
            return None
        try:
            # The method's own lines, under a stand-in class line, at their real line numbers.
            wrapper = ast.parse("\n" * (s0 - 1) + "class _:\n" + "".join(new[s0:e0 + delta]), filename=self.path)
        except (SyntaxError, ValueError, MemoryError, RecursionError):
            return None
        if len(wrapper.body) != 1 or len(wrapper.body[0].body) != 1:  # type: ignore[attr-defined]
            return None
        fresh = wrapper.body[0].body[0]  # type: ignore[attr-defined]
        if (fresh.__class__ is not method.__class__ or fresh.name != method.name or fresh.end_lineno != e0 + delta
                or len(fresh.decorator_list) != len(method.decorator_list) or fresh.col_offset != method.col_offset):
            return None

        # From here on the state is being rewritten: any _Fallback resets it.
        owner.body[i] = fresh
        for cls, j in reversed(path):
            if delta:
                for later in cls.body[j + 1:]:
                    ast.increment_lineno(later, delta)
            last = cls.body[-1]
            cls.end_lineno, cls.end_col_offset = last.end_lineno, last.end_col_offset
        chunk.nlines += delta
        chunk.directives = self._chunk(chunk.start, chunk.start + chunk.nlines, [], new).directives
        for later in chunks[k + 1:]:
            later.start += delta
        self._cur_lines = new

        names = _Names(self)
        _replay(names, chunks[:k])
        old_binds = chunk.binds
        old = (chunk.deferred, chunk.roots, chunk.reads_def, chunk.all_def)
        self._forget(chunk)
        self._walk_top(chunk, names)
        if len(old_binds) != len(chunk.binds) or not all(
            a[0] == b[0] and _same(a[1], b[1]) for a, b in zip(old_binds, chunk.binds)
        ):
            raise _Fallback  # cannot happen from inside a method body; never guess
        _replay(names, chunks[k + 1:])
        self._walk_method(chunk, names, method, fresh, old, e0, delta)
        self._lines = new
        self.last_stats = {"mode": "incremental", "parsed_lines": e0 + delta - s0, "region_chunks": 0,
                           "top_rewalks": 1, "deferred_rewalks": 0, "method": fresh.name}
        return self._result(text)

    def _walk_method(self, chunk: _Chunk, names: _Names, method: ast.AST, fresh: ast.AST, old: tuple,
                     e0: int, delta: int) -> None:
        """The deferred phase of `chunk` after `method` was replaced by `fresh`: only its body
        is walked, from the `self.x` tables the methods before it left; when it leaves different
        tables (it assigns a `self.x`) the methods after it may change, so all are walked."""
        old_deferred, old_roots, old_reads, old_all = old
        entries = chunk.entries
        ids = [id(node) for node, *_ in entries]
        expected = [id(fresh) if r[0] == id(method) else r[0] for r in old_roots]
        if chunk.class_wide or ids != expected or len(old_roots[0][3]) != len(chunk.class_scopes):
            self._walk_deferred(chunk, names)
            return
        at = ids.index(id(fresh))
        _, _, _, before, after = old_roots[at]
        self._begin_deferred(chunk, names, before)
        outs, attrs = self._run_deferred([entries[at]], chunk.class_scopes)
        if attrs[0][1] != after or self._class_wide:
            # Walked again in this update: per-walk memos (nodes already reported) must go too.
            self._forget_memos()
            self._walk_deferred(chunk, names)
            return
        found = outs[0]
        self._check_spans(chunk, found)
        self._check()
        shift = self._shift
        deferred: list[Finding] = []
        roots = []
        for n, (_, lo, hi, b, a) in enumerate(old_roots):
            part = found if n == at else [shift(f, delta, e0) for f in old_deferred[lo:hi]] if delta else old_deferred[lo:hi]
            roots.append((ids[n], len(deferred), len(deferred) + len(part), b, a))
            deferred.extend(part)
        chunk.deferred, chunk.roots = deferred, roots
        chunk.reads_def = old_reads | names.reads
        chunk.all_def = old_all or names.all

    def _gate_flipped(self, removed: list[str], added: list[str], text: str) -> bool:
        """Whether a ctx.text_has() answer differs on `text`. Markers hold no line break, so a
        new occurrence lies inside the added lines, and a lost one inside the removed lines."""
        added_text = removed_text = None
        for markers, found in self._gates.items():
            if found:
                if removed_text is None:
                    removed_text = "".join(removed)
                if any(m in removed_text for m in markers) and not any(m in text for m in markers):
                    return True
            else:
                if added_text is None:
                    added_text = "".join(added)
                if any(m in added_text for m in markers):
                    return True
        return False

    def _whole_chunks(self, new: list[str], starts: list[int], p: int, old_hi: int, n_old: int,
                      delta: int) -> ast.Module | None:
        """The new lines alone, parsed, when the edit replaced whole chunks (old lines [p, old_hi)
        on chunk boundaries) and those lines parse on their own; else None."""
        if p >= n_old or starts[bisect_right(starts, p) - 1] != p:
            return None
        if old_hi < n_old and starts[bisect_right(starts, old_hi) - 1] != old_hi:
            return None
        region = "".join(new[p:old_hi + delta])
        if region and not region.endswith(("\n", "\r")):
            return None
        try:
            return ast.parse("\n" * p + region, filename=self.path)
        except (SyntaxError, ValueError, MemoryError, RecursionError):
            return None

    # ----- result ------------------------------------------------------------------------
    def _result(self, text: str) -> AnalysisResult:
        chunks = self._chunks
        assert chunks is not None
        shift = self._shift
        findings: list[Finding] = []
        for phase in ("top", "deferred"):
            for chunk in chunks:
                found = getattr(chunk, phase)
                if not found:
                    continue
                d = chunk.start - chunk.base
                findings.extend([shift(f, d) for f in found] if d else found)
        if "resilint" in text or "noqa" in text or "NOQA" in text or "nosec" in text:
            directives: list[_supp.Directive] = []
            for chunk in chunks:
                d = chunk.start - chunk.base
                directives.extend(self._shift_directive(x, d) for x in chunk.directives)
            if directives:
                findings = self._suppress(findings, directives)
        findings.sort(key=Finding.sort_key)
        return AnalysisResult(findings, None, [])

    def _suppress(self, findings: list[Finding], directives: list[_supp.Directive]) -> list[Finding]:
        """suppression.apply_suppressions, on directives collected per chunk."""
        by_line: dict[int, list[_supp.Directive]] = {}
        file_level: list[_supp.Directive] = []
        for d in directives:
            (file_level if d.kind == "ignore-file" else by_line.setdefault(d.line, [])).append(d)
        mode = self.settings.options.respect_peer_suppressions
        kept = [f for f in findings if not _supp._suppressed(f, by_line, file_level, mode)]
        if self.settings.is_enabled(UNUSED_SUPPRESSION):
            kept.extend(_supp._unused(directives, self.settings))
        return kept
