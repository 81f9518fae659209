"""One file's text as libcst sees it, for computing fixes (never on the diagnostics path).

`FixDocument(text, path, settings)` parses lazily (one parse per distinct text, cached),
finds the libcst node behind a finding's span (`node_at`, `call_at`), and turns a rewritten
module back into minimal text edits (`edits_from`, `fix`, `replace`).

Positions: findings come from `ast` converted to 0-based lines and 0-based *character*
columns; libcst's `PositionProvider` is 1-based lines, 0-based character columns, and like
`ast` it excludes the parentheses around an expression, so the two agree exactly.
"""
from __future__ import annotations

import bisect
import dataclasses
import difflib
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Callable, Iterable, Sequence, TypeVar

import libcst as cst
from libcst.metadata import MetadataWrapper, ParentNodeProvider, PositionProvider

from ..model import Applicability, Edit, Fix, Span

if TYPE_CHECKING:
    from ..settings import FileSettings

N = TypeVar("N", bound=cst.CSTNode)

# Lines exactly as the tokenizer (and `rules.source.split_lines`) sees them, ends kept.
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def lines_keepends(text: str) -> list[str]:
    return _LINE.findall(text)


def line_starts(text: str) -> list[int]:
    """Offset of the first character of each line (a final empty line included)."""
    starts = [0]
    for line in lines_keepends(text):
        starts.append(starts[-1] + len(line))
    if starts[-1] == len(text) and text and text[-1] not in "\r\n":
        starts.pop()  # the last line has no newline: no line after it
    return starts


def offset_of(starts: list[int], text: str, line: int, col: int) -> int:
    if line < 0 or line >= len(starts):
        raise ValueError(f"line {line} out of range (0..{len(starts) - 1})")
    start = starts[line]
    end = starts[line + 1] if line + 1 < len(starts) else len(text)
    # the line's content ends before its newline
    content_end = end
    while content_end > start and text[content_end - 1] in "\r\n":
        content_end -= 1
    if col < 0 or start + col > content_end:
        raise ValueError(f"column {col} out of range on line {line}")
    return start + col


def position_of(starts: list[int], offset: int) -> tuple[int, int]:
    line = bisect.bisect_right(starts, offset) - 1
    return line, offset - starts[line]


@dataclass
class _Index:
    """Positions and parents of the nodes of one top-level statement (or the whole module)."""

    positions: dict
    parents: dict
    by_span: dict[Span, list[cst.CSTNode]]


class _Parsed:
    """A parsed text. Metadata is computed per top-level statement, on demand: a fix needs the
    nodes of one statement, and libcst's metadata over a whole large module takes seconds."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.module = cst.parse_module(text)
        self._offsets: list[int] | None = None
        self._offsets_done = False
        self._starts: list[int] | None = None
        self.indexes: dict[int, _Index] = {}  # statement index (-1: whole module) -> index

    @property
    def starts(self) -> list[int]:
        if self._starts is None:
            self._starts = line_starts(self.text)
        return self._starts

    def statement_offsets(self) -> list[int] | None:
        """Offsets of each top-level statement (and the end of the last one) in the text, or
        None when the module's layout cannot be matched (no trailing newline, ...)."""
        if not self._offsets_done:
            self._offsets_done = True
            module, text = self.module, self.text
            if module.has_trailing_newline and module.body:
                pos = sum(len(module.code_for_node(line)) for line in module.header)
                offsets = [pos]
                for stmt in module.body:
                    code = module.code_for_node(stmt)
                    if text[pos:pos + len(code)] != code:
                        return None
                    pos += len(code)
                    offsets.append(pos)
                self._offsets = offsets
        return self._offsets

    def index_for(self, span: Span) -> _Index:
        offsets = self.statement_offsets()
        if offsets is None:
            return self._index(-1)
        try:
            offset = offset_of(self.starts, self.text, span.line, span.col)
        except ValueError:
            return self._index(-1)
        i = bisect.bisect_right(offsets, offset) - 1
        if not 0 <= i < len(self.module.body):
            return self._index(-1)
        return self._index(i)

    def _index(self, i: int) -> _Index:
        index = self.indexes.get(i)
        if index is not None:
            return index
        module = self.module
        if i < 0:
            sub, line_base = module, 0
        else:
            offsets = self.statement_offsets()
            assert offsets is not None
            sub = cst.Module(
                body=[module.body[i]],
                header=(),
                footer=(),
                default_indent=module.default_indent,
                default_newline=module.default_newline,
                has_trailing_newline=True,
            )
            line_base = bisect.bisect_right(self.starts, offsets[i]) - 1
        wrapper = MetadataWrapper(sub, unsafe_skip_copy=True)
        resolved = wrapper.resolve_many([PositionProvider, ParentNodeProvider])
        positions = {}
        by_span: dict[Span, list[cst.CSTNode]] = {}
        for node, rng in resolved[PositionProvider].items():
            if node is sub:
                continue
            span = Span(rng.start.line - 1 + line_base, rng.start.column, rng.end.line - 1 + line_base, rng.end.column)
            positions[node] = span
            by_span.setdefault(span, []).append(node)
        parents = {node: (module if parent is sub else parent) for node, parent in resolved[ParentNodeProvider].items()}
        index = _Index(positions, parents, by_span)
        self.indexes[i] = index
        return index

    def lookup(self, node: cst.CSTNode, what: str):
        for index in self.indexes.values():
            table = getattr(index, what)
            if node in table:
                return table[node]
        return None


@lru_cache(maxsize=16)
def _parse(text: str) -> _Parsed:
    """Parse once per text; libcst trees are immutable, so sharing between documents is safe."""
    return _Parsed(text)


class FixDocument:
    """A file being fixed: its text, path and settings, and (lazily) its libcst tree."""

    def __init__(self, text: str, path: str = "<stdin>", settings: "FileSettings | None" = None) -> None:
        self.text = text
        self.path = path
        if settings is None:
            from ..settings import FileSettings

            settings = FileSettings.default()
        self.settings = settings

    @property
    def options(self):
        """The pydantic `Options` (`timeouts.default`, `retry.attempts`, ...)."""
        return self.settings.options

    # ----- the tree ------------------------------------------------------------------
    @cached_property
    def _parsed(self) -> _Parsed:
        return _parse(self.text)

    @property
    def module(self) -> cst.Module:
        """The parsed module. Raises `libcst.ParserSyntaxError` when libcst cannot parse it."""
        return self._parsed.module

    @cached_property
    def parses(self) -> bool:
        try:
            _ = self._parsed
        except (cst.ParserSyntaxError, RecursionError, ValueError, SyntaxError):
            return False
        return True

    def span_of(self, node: cst.CSTNode) -> Span | None:
        """The node's range (nodes of statements already looked at by `node_at`)."""
        return self._parsed.lookup(node, "positions")

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        """The node's parent (the module for top-level statements), once `node_at` indexed it."""
        return self._parsed.lookup(node, "parents")

    def ancestors(self, node: cst.CSTNode) -> Iterable[cst.CSTNode]:
        parent = self.parent(node)
        while parent is not None:
            yield parent
            parent = self.parent(parent)

    def code_for(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)

    def node_at(self, span: Span, kind: type[N] | tuple[type, ...] | None = None) -> N | None:
        """The innermost node (of `kind`, when given) whose range is exactly `span`."""
        nodes = self._parsed.index_for(span).by_span.get(span, [])
        best = None
        best_depth = -1
        for node in nodes:
            if kind is not None and not isinstance(node, kind):
                continue
            depth = sum(1 for _ in self.ancestors(node))
            if depth > best_depth:
                best, best_depth = node, depth
        return best  # type: ignore[return-value]

    def call_at(self, span: Span) -> cst.Call | None:
        """The call a finding points at: its span is the call itself or its callee."""
        call = self.node_at(span, cst.Call)
        if call is not None:
            return call
        callee = self.node_at(span, cst.BaseExpression)
        if callee is None:
            return None
        parent = self.parent(callee)
        if isinstance(parent, cst.Call) and parent.func is callee:
            return parent
        return None

    def decorator_at(self, span: Span) -> cst.Decorator | None:
        """The decorator whose expression (what follows `@`, as `ast` reports it) is `span`."""
        expr = self.node_at(span, cst.BaseExpression)
        while expr is not None:
            parent = self.parent(expr)
            if isinstance(parent, cst.Decorator):
                return parent
            if isinstance(parent, cst.Call) and parent.func is expr:
                expr = parent
                continue
            return None
        return None

    def enclosing(self, node: cst.CSTNode, kind: type[N] | tuple[type, ...]) -> N | None:
        for anc in self.ancestors(node):
            if isinstance(anc, kind):
                return anc  # type: ignore[return-value]
        return None

    # ----- from a new tree to edits ----------------------------------------------------
    def edits_from(self, new: str | cst.Module) -> tuple[Edit, ...]:
        """Minimal edits from this text to `new` (code, or a module derived from `self.module`)."""
        if isinstance(new, cst.Module):
            edits = self._edits_from_module(new)
            if edits is not None:
                return edits
            new = new.code
        return edits_between(self.text, new)

    def _edits_from_module(self, new: cst.Module) -> tuple[Edit, ...] | None:
        """Diff only the top-level statements that changed (by identity): no whole-module codegen."""
        old = self.module
        if (
            new.header is not old.header and list(new.header) != list(old.header)
            or new.footer is not old.footer and list(new.footer) != list(old.footer)
            or new.has_trailing_newline != old.has_trailing_newline
            or new.default_newline != old.default_newline
            or new.default_indent != old.default_indent
            or not new.body
        ):
            return None
        offsets = self._parsed.statement_offsets()
        if offsets is None:
            return None
        matcher = difflib.SequenceMatcher(None, [id(s) for s in old.body], [id(s) for s in new.body], autojunk=False)
        starts = self._parsed.starts
        edits: list[Edit] = []
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            start, end = offsets[i1], offsets[i2]
            new_block = "".join(new.code_for_node(stmt) for stmt in new.body[j1:j2])
            for s, e, new_text in _diff_offsets(self.text[start:end], new_block):
                line, col = position_of(starts, start + s)
                end_line, end_col = position_of(starts, start + e)
                edits.append(Edit(Span(line, col, end_line, end_col), new_text))
        return tuple(edits)

    def fix(self, message: str, applicability: Applicability, new: str | cst.Module) -> Fix | None:
        edits = self.edits_from(new)
        return Fix(message, applicability, edits) if edits else None

    def replace_node(self, node: cst.CSTNode, new_node: cst.CSTNode) -> cst.Module:
        """`self.module` with `node` replaced, rebuilding only its ancestors (not the tree)."""
        current, replacement = node, new_node
        while True:
            parent = self.parent(current)
            if parent is None:
                if current is not self.module:
                    raise ValueError("node is not part of this document's tree")
                assert isinstance(replacement, cst.Module)
                return replacement
            replacement = _with_child(parent, current, replacement)
            current = parent

    def replace(
        self,
        node: cst.CSTNode,
        build: cst.CSTNode | Callable[..., cst.CSTNode],
        message: str,
        applicability: Applicability,
        imports: Sequence[tuple[str, str | None]] = (),
    ) -> Fix | None:
        """Replace `node` and add the imports the replacement needs.

        `imports` are `(module, name)` pairs for `ensure_import`; `build` is the new node, or a
        callable that receives the local expression text of each import (in order) and returns
        the new node, e.g. `lambda stop: add_keyword(call, "stop", f"{stop}(3)")`.
        """
        from .imports import ensure_import

        names: list[str] = []
        probe = self.module
        for mod, name in imports:
            probe, spelled = ensure_import(probe, mod, name)
            names.append(spelled)
        new_node = build(*names) if callable(build) and not isinstance(build, cst.CSTNode) else build
        new_module = self.replace_node(node, new_node)  # type: ignore[arg-type]
        for (mod, name), wanted in zip(imports, names):
            new_module, spelled = ensure_import(new_module, mod, name)
            if spelled != wanted:  # the replacement changed what the module binds: give up
                return None
        return self.fix(message, applicability, new_module)


def _with_child(parent: cst.CSTNode, child: cst.CSTNode, new: cst.CSTNode) -> cst.CSTNode:
    for f in dataclasses.fields(parent):
        value = getattr(parent, f.name)
        if value is child:
            return parent.with_changes(**{f.name: new})
        if isinstance(value, (list, tuple)) and any(v is child for v in value):
            return parent.with_changes(**{f.name: [new if v is child else v for v in value]})
    raise ValueError(f"{type(child).__name__} not found in its parent {type(parent).__name__}")


def edits_between(old: str, new: str) -> tuple[Edit, ...]:
    """Minimal edits turning `old` into `new`: changed line blocks, trimmed to what changed."""
    starts = line_starts(old)
    edits: list[Edit] = []
    for start, end, new_text in _diff_offsets(old, new):
        line, col = position_of(starts, start)
        end_line, end_col = position_of(starts, end)
        edits.append(Edit(Span(line, col, end_line, end_col), new_text))
    return tuple(edits)


def _diff_offsets(old: str, new: str) -> list[tuple[int, int, str]]:
    """(start, end, new text) replacements in `old`: a line diff, each block trimmed."""
    if old == new:
        return []
    old_lines = lines_keepends(old)
    new_lines = lines_keepends(new)
    old_offsets = [0]
    for line in old_lines:
        old_offsets.append(old_offsets[-1] + len(line))
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    out: list[tuple[int, int, str]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        a = "".join(old_lines[i1:i2])
        b = "".join(new_lines[j1:j2])
        prefix = _common_prefix(a, b)
        suffix = _common_suffix(a[prefix:], b[prefix:])
        out.append((old_offsets[i1] + prefix, old_offsets[i1] + len(a) - suffix, b[prefix:len(b) - suffix]))
    return out


def _common_prefix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    if 0 < i and a[i - 1] == "\r" and (a[i:i + 1] == "\n" or b[i:i + 1] == "\n"):
        i -= 1  # never split a \r\n pair
    return i


def _common_suffix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[len(a) - 1 - i] == b[len(b) - 1 - i]:
        i += 1
    if 0 < i and a[len(a) - i] == "\n" and (a[len(a) - i - 1:len(a) - i] == "\r" or b[len(b) - i - 1:len(b) - i] == "\r"):
        i -= 1
    return i
