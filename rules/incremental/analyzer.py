"""`IncrementalAnalyzer`: the state kept per open file and the update path (see the package
docstring for how it works)."""
from __future__ import annotations

import ast
import copy
from bisect import bisect_right
from typing import Any

from .. import suppression as _supp
from ..engine import AnalysisResult, Walker, _syntax_result, _syntax_span, analyze
from ..model import UNUSED_SUPPRESSION, Finding, Rule
from ..names import Binding, Scope
from ..settings import FileSettings
from .chunks import _Chunk, _MISSING, _WIDEN, _common_ends, _stmt_start, split_keepends
from .methods import MethodPath
from .replay import _Fallback, _Names, _raw_copy, _replay, _same
from .walks import ChunkWalks
from .watched import _Ctx, _Module


class IncrementalAnalyzer(ChunkWalks, MethodPath):
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
            if "noqa" in low or "resilint" in low:
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
        if "resilint" in text or "noqa" in text or "NOQA" in text:
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
        kept = [f for f in findings if not _supp._suppressed(f, by_line, file_level)]
        if self.settings.is_enabled(UNUSED_SUPPRESSION):
            kept.extend(_supp._unused(directives, self.settings))
        return kept
