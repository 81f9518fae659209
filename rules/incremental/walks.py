"""Walking chunks: the module-level walk, the deferred walk of function bodies, and keeping
or shifting the findings of chunks that were not walked again."""
from __future__ import annotations

import ast
from dataclasses import replace

from .. import suppression as _supp
from ..model import Edit, Finding, Span
from ..names import Scope
from .chunks import _Chunk, _self_attrs_of, _shift_span
from .replay import _Fallback, _Names


class ChunkWalks:
    """The chunk-walking half of `IncrementalAnalyzer` (a mixin: it reads the analyzer's state)."""

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
