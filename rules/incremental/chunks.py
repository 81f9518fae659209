"""Cutting a file into chunks of whole lines (one or more top-level statements each), and
the line diff that finds the chunks an edit touched."""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from .. import suppression as _supp
from ..model import Finding, Span
from ..names import Binding, Scope


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
