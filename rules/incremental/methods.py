"""The method path: an edit inside one method of a class re-parses that method alone and
walks only its body, from the `self.x` tables the methods before it left."""
from __future__ import annotations

import ast
from bisect import bisect_right

from ..engine import AnalysisResult
from ..model import Finding
from .chunks import _Chunk, _method_at, _stmt_start
from .replay import _Fallback, _Names, _replay, _same


class MethodPath:
    """The method-edit half of `IncrementalAnalyzer` (a mixin: it reads the analyzer's state)."""

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
