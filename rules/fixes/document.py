"""One file's text as libcst sees it, for computing fixes (never on the diagnostics path).

`FixDocument(text, path, settings)` parses lazily (one parse per distinct text, cached),
finds the libcst node behind a finding's span (`node_at`, `call_at`), and turns a rewritten
module back into minimal text edits (`edits_from`, `fix`, `replace`).

Partial parsing: a document focused on a span (`focus(span)`; `compute_fix` focuses on the
finding) parses only a view of the file (`rules/fixes/chunks.py`): the top-level statement
holding the span, the import header and the other top-level imports. `doc.module` is then
that partial module; positions and edits are mapped back to the file's lines, and names bound
by the statements left out reach `ensure_import` through `doc.ensure_import`. An unfocused
document parses the whole file (see docs/fixes.md).

Positions: findings come from `ast` converted to 0-based lines and 0-based *character*
columns; libcst's `PositionProvider` is 1-based lines, 0-based character columns, and like
`ast` it excludes the parentheses around an expression, so the two agree exactly.
"""
from __future__ import annotations

import bisect
import dataclasses
import difflib
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Callable, Iterable, Sequence, TypeVar

import libcst as cst
from libcst.metadata import MetadataWrapper, ParentNodeProvider, PositionProvider

from ..model import Applicability, Edit, Fix, Span
from ..settings import FileSettings
from .chunks import View, cached_lines, chunk_index, chunks_of, header_end, line_starts, lines_keepends
from .diff import _diff_offsets, edits_between, position_of
from .imports import _import_only, ensure_import, local_modules


N = TypeVar("N", bound=cst.CSTNode)

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


@dataclass
class _Index:
    """Positions and parents of the nodes of one top-level statement (or the whole module)."""

    positions: dict
    parents: dict
    by_span: dict[Span, list[cst.CSTNode]]


class _Parsed:
    """A parsed text (the whole file, or a view of it). Metadata is computed per top-level
    statement, on demand: libcst's metadata over a whole large module takes seconds."""

    def __init__(self, text: str, view: View | None = None) -> None:
        self.text = text  # what was parsed: the file, or the view's text
        self.view = view
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

    # ----- file lines <-> parsed lines -------------------------------------------------------
    def to_parsed(self, span: Span) -> Span | None:
        if self.view is None:
            return span
        line = self.view.to_view_line(span.line)
        end_line = self.view.to_view_line(span.end_line)
        if line is None or end_line is None:
            return None
        return Span(line, span.col, end_line, span.end_col)

    def to_file(self, line: int) -> int:
        return line if self.view is None else self.view.to_file_line(line)

    def file_span(self, start: int, end: int, block: tuple[int, int] | None = None) -> Span:
        """The file range of the parsed offsets [start, end). In a view, a position at the
        boundary of two runs belongs to the statements being replaced (`block`: their parsed
        range); a pure insertion goes after the earlier statement. A range may not span a gap."""
        line, col = position_of(self.starts, start)
        end_line, end_col = position_of(self.starts, end)
        if self.view is None:
            return Span(line, col, end_line, end_col)

        def left(offset: int, at_line_start: bool) -> bool:
            if not at_line_start:
                return False
            if block is None:
                return start == end
            lo, hi = block
            return offset == hi and (lo == hi or offset != lo)

        left_start = left(start, col == 0)
        left_end = left(end, end_col == 0) if end != start else left_start
        if start != end and self.view.run_of(line, left_start) != self.view.run_of(end_line, left_end):
            raise ValueError("an edit spans lines outside the parsed view")
        return Span(
            self.view.to_file_line(line, left_start), col, self.view.to_file_line(end_line, left_end), end_col
        )

    def run_at(self, offset: int) -> int:
        """Which run of the view holds the parsed offset (0 for a whole parse)."""
        if self.view is None:
            return 0
        return self.view.run_of(position_of(self.starts, offset)[0])

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
        local = self.to_parsed(span)
        if local is None:
            return _Index({}, {}, {})
        offsets = self.statement_offsets()
        if offsets is None:
            return self._index(-1)
        try:
            offset = offset_of(self.starts, self.text, local.line, local.col)
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
            span = Span(
                self.to_file(rng.start.line - 1 + line_base), rng.start.column,
                self.to_file(rng.end.line - 1 + line_base), rng.end.column,
            )
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


@lru_cache(maxsize=64)
def _parse_view(text: str, keep: frozenset[int]) -> _Parsed:
    """Parse the view of `text` made of the chunks `keep` (cached like `_parse`)."""
    chunks = chunks_of(text)
    assert chunks is not None
    view = View(text, chunks, set(keep))
    return _Parsed(view.text, view)


@lru_cache(maxsize=16)
def _import_bindings(source: str) -> dict[str, str]:
    """`local_modules` of the imports alone, cached by their text: edits elsewhere keep it."""
    return local_modules(cst.parse_module(source))


class FixDocument:
    """A file being fixed: its text, path and settings, and (lazily) its libcst tree."""

    def __init__(
        self, text: str, path: str = "<stdin>", settings: "FileSettings | None" = None, *, partial: bool = True
    ) -> None:
        self.text = text
        self.path = path
        if settings is None:
            settings = FileSettings.default()
        self.settings = settings
        self.partial = partial
        self._focus: _Parsed | None = None

    @property
    def options(self):
        """The pydantic `Options` (`timeouts.default`, `retry.attempts`, ...)."""
        return self.settings.options

    # ----- the tree ------------------------------------------------------------------
    def focus(self, span: Span | None, also: Sequence[int] = ()) -> bool:
        """Work on the top-level statement holding `span` (None: the whole file), and those
        holding the lines `also`. Returns False when that cannot be parsed."""
        self._focus = None
        if span is not None and self.partial:
            chunks = chunks_of(self.text)
            if chunks is not None:
                target = chunk_index(chunks, span.line)
                last = chunk_index(chunks, span.end_line)
                keep = set(range(header_end(chunks))) | set(range(target, last + 1))
                keep |= {chunk_index(chunks, line) for line in also}
                keep |= {i for i, c in enumerate(chunks) if c.kind in ("import", "future")}
                try:
                    self._focus = _parse_view(self.text, frozenset(keep))
                    return True
                except (cst.ParserSyntaxError, RecursionError, ValueError, SyntaxError):
                    pass  # the scan got it wrong: parse the whole file
        return self.parses

    @property
    def _parsed(self) -> _Parsed:
        if self._focus is not None:
            return self._focus
        return _parse(self.text)

    @property
    def module(self) -> cst.Module:
        """The parsed module (a view of the file when focused). Raises
        `libcst.ParserSyntaxError` when libcst cannot parse it."""
        return self._parsed.module

    @property
    def is_view(self) -> bool:
        return self._focus is not None and self._focus.view is not None

    @cached_property
    def parses(self) -> bool:
        """Whether libcst parses the whole file."""
        try:
            _parse(self.text)
        except (cst.ParserSyntaxError, RecursionError, ValueError, SyntaxError):
            return False
        return True

    def import_bindings(self) -> dict[str, str]:
        """`imports.local_modules` of the file (local name -> what it stands for), parsing only
        the header and the top-level imports: cheap on any file, whatever the focus. Read only
        (cached, shared)."""
        chunks = chunks_of(self.text)
        if chunks is not None:
            lines = cached_lines(self.text)
            header = header_end(chunks)
            source = "".join(
                "".join(lines[c.start:c.end]) for i, c in enumerate(chunks)
                if i < header or c.kind in ("import", "future")
            )
            try:
                return _import_bindings(source)
            except (cst.ParserSyntaxError, RecursionError, ValueError, SyntaxError):
                pass  # the scan got it wrong: parse the whole file
        return local_modules(_parse(self.text).module)

    def other_bound_names(self) -> frozenset[str]:
        """Module-level names bound by statements outside the view (none for a whole parse)."""
        parsed = self._parsed
        return parsed.view.other_names if parsed.view is not None else frozenset()

    def ensure_import(self, module: cst.Module, mod: str, name: str | None = None) -> tuple[cst.Module, str]:
        """`imports.ensure_import` aware of the names bound outside a view."""
        return ensure_import(module, mod, name, extra_bound=self.other_bound_names())

    def top_level_def(self, name: str) -> cst.FunctionDef | cst.ClassDef | None:
        """The module-level `def name` / `class name` (read only: it may come from a separate
        parse of its own statement)."""
        for stmt in self.module.body:
            if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)) and stmt.name.value == name:
                return stmt
        if not self.is_view:
            return None
        chunks = chunks_of(self.text) or []
        lines = lines_keepends(self.text)
        for chunk in chunks:
            if chunk.kind == "def" and chunk.name == name:
                try:
                    body = cst.parse_module("".join(lines[chunk.code_line:chunk.end])).body
                except cst.ParserSyntaxError:
                    return None
                if body and isinstance(body[0], (cst.FunctionDef, cst.ClassDef)):
                    return body[0]
        return None

    def statement_at(self, line: int) -> cst.BaseStatement | None:
        """The top-level statement holding the file line (indexed: `parent`/`span_of` work)."""
        index = self._parsed.index_for(Span(line, 0, line, 0))
        for node, parent in index.parents.items():
            if parent is self.module and isinstance(node, cst.BaseStatement):
                return node
        return None

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
        """Minimal edits from this text to `new` (code, or a module derived from `self.module`;
        in a view, both are the view's)."""
        parsed = self._parsed
        base = None
        if isinstance(new, cst.Module):
            edits = self._edits_from_module(new)
            if edits is not None:
                return edits
            new = new.code
            # libcst does not print everything back as it was (`except (A, B) :` loses its
            # space): diff against its printing of the unchanged module, so such lines that
            # the fix does not touch stay as they are
            base = parsed.module.code
        if parsed.view is None:
            return edits_between(self.text, new, base)
        return tuple(Edit(parsed.file_span(s, e), t) for s, e, t in _diff_offsets(parsed.text, new, base))

    def _edits_from_module(self, new: cst.Module) -> tuple[Edit, ...] | None:
        """Diff only the top-level statements that changed (by identity): no whole-module codegen."""
        parsed = self._parsed
        old = parsed.module
        if (
            new.header is not old.header and list(new.header) != list(old.header)
            or new.footer is not old.footer and list(new.footer) != list(old.footer)
            or new.has_trailing_newline != old.has_trailing_newline
            or new.default_newline != old.default_newline
            or new.default_indent != old.default_indent
            or not new.body
        ):
            return None
        offsets = parsed.statement_offsets()
        if offsets is None:
            return None
        matcher = difflib.SequenceMatcher(None, [id(s) for s in old.body], [id(s) for s in new.body], autojunk=False)
        edits: list[Edit] = []
        blocks: list[tuple[int, int, int, int]] = []
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            if tag == "replace" and parsed.view is not None and 0 < i1 and (
                parsed.run_at(offsets[i1 - 1]) != parsed.run_at(offsets[i1])
            ):
                # imports added at the end of the header and a rewrite of the statement that
                # follows it in the view (far below in the file) come as one replacement: the
                # imports go with the header, as in a whole-file parse

                k = j1
                while k < j2 - (i2 - i1) and _import_only(new.body[k]):
                    k += 1
                if k > j1:
                    blocks.append((i1, i1, j1, k))
                    j1 = k
            if parsed.view is not None and i2 - i1 > 1 and len({parsed.run_at(offsets[i]) for i in range(i1, i2)}) > 1:
                # statements from separate places of the file: diff them one by one
                if i2 - i1 != j2 - j1:
                    return None
                blocks.extend((i, i + 1, j, j + 1) for i, j in zip(range(i1, i2), range(j1, j2)))
            else:
                blocks.append((i1, i2, j1, j2))
        for i1, i2, j1, j2 in blocks:
            start, end = offsets[i1], offsets[i2]
            new_block = "".join(new.code_for_node(stmt) for stmt in new.body[j1:j2])
            for s, e, new_text in _diff_offsets(parsed.text[start:end], new_block):
                edits.append(Edit(parsed.file_span(start + s, start + e, (start, end)), new_text))
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
        names = self.import_spellings(imports)
        new_node = build(*names) if callable(build) and not isinstance(build, cst.CSTNode) else build
        new_module = self.with_imports(self.replace_node(node, new_node), imports, names)  # type: ignore[arg-type]
        return None if new_module is None else self.fix(message, applicability, new_module)

    def import_spellings(self, imports: Sequence[tuple[str, str | None]]) -> list[str]:
        """How each `(module, name)` of `imports` will be spelled in this file once added."""
        names: list[str] = []
        probe = self.module
        for mod, name in imports:
            probe, spelled = self.ensure_import(probe, mod, name)
            names.append(spelled)
        return names

    def with_imports(self, module: cst.Module, imports: Sequence[tuple[str, str | None]],
                     spellings: Sequence[str]) -> cst.Module | None:
        """`module` with `imports` added, or None when an edit changed how one is spelled
        (the replacement rebound a name the fix relies on: give up rather than guess)."""
        for (mod, name), wanted in zip(imports, spellings):
            module, spelled = self.ensure_import(module, mod, name)
            if spelled != wanted:
                return None
        return module


def _with_child(parent: cst.CSTNode, child: cst.CSTNode, new: cst.CSTNode) -> cst.CSTNode:
    for f in dataclasses.fields(parent):
        value = getattr(parent, f.name)
        if value is child:
            return parent.with_changes(**{f.name: new})
        if isinstance(value, (list, tuple)) and any(v is child for v in value):
            return parent.with_changes(**{f.name: [new if v is child else v for v in value]})
    raise ValueError(f"{type(child).__name__} not found in its parent {type(parent).__name__}")
