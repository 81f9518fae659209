"""Computing a finding's fix on demand, applying edits, and fixing a whole file.

The hook: a Rule subclass that offers a fix defines

    @classmethod
    def make_fix(cls, finding: Finding, doc: FixDocument) -> Fix | None: ...

(absent by default). It is called only here, never during analysis, so libcst stays off the
diagnostics path. A hook returns None when it cannot fix this occurrence.
"""
from __future__ import annotations

import ast
import sys
from typing import TYPE_CHECKING

from ..engine import analyze
from ..model import Edit, Finding, Fix, Rule, Span
from ..registry import get_rule
from .chunks import cached_line_starts, chunk_index, chunks_of
from .document import FixDocument, line_starts, offset_of
from .hooks import FixHook, fixable, rule_fix_hook

if TYPE_CHECKING:
    from ..settings import FileSettings

__all__ = ["FixHook", "apply_edits", "compute_fix", "fix_all", "fixable", "rule_fix_hook"]


def compute_fix(
    finding: Finding,
    text: str,
    path: str = "<stdin>",
    settings: "FileSettings | None" = None,
    *,
    doc: FixDocument | None = None,
    strict: bool = False,
) -> Fix | None:
    """The fix for one finding of `text`, or None.

    A fix whose result would not parse is dropped. Errors inside a rule's hook are reported
    on stderr and give None (a code action must never crash the server); `strict=True`
    re-raises them (tests).
    """
    hook = rule_fix_hook(finding.code)
    if hook is None:
        return None
    if doc is None or doc.text != text:
        doc = FixDocument(text, path, settings)
    if not doc.focus(finding.span):  # parses only the statement of the finding (and imports)
        return None
    try:
        fix = hook(finding, doc)
        if fix is None or not fix.edits:
            return None
        check_parses(text, fix.edits)
    except SyntaxError:
        if strict:
            raise
        return None
    except Exception as exc:  # noqa: BLE001 - a broken fix must not take the caller down
        if strict:
            raise
        print(f"resilint: fix for {finding.code} failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return None
    return fix


def check_parses(text: str, edits: tuple[Edit, ...] | list[Edit]) -> None:
    """Raise SyntaxError when `text` with `edits` applied does not parse.

    Only the top-level statements the edits touch are parsed again (each alone: a top-level
    statement parses on its own), not the whole file; files the statement scan cannot cut
    are parsed whole.
    """
    chunks = chunks_of(text)
    if chunks is None:
        ast.parse(apply_edits(text, edits))
        return
    starts = cached_line_starts(text)
    begins = [c.start for c in chunks]
    groups: list[tuple[int, int]] = []  # (first chunk, last chunk) of each edit
    for edit in edits:
        s = edit.span
        first = last = chunk_index(chunks, s.line)
        if s.col == 0 and s.line == begins[first] and first > 0 and s.line == s.end_line and s.end_col == 0:
            first = last = first - 1  # an insertion between two statements: with the one above
        else:
            last = max(first, chunk_index(chunks, s.end_line))
        groups.append((first, last))
    merged: list[list[int]] = []
    for g in sorted(groups):
        if merged and g[0] <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], g[1])
        else:
            merged.append(list(g))
    for first, last in merged:
        lo = starts[chunks[first].start]
        end_line = chunks[last].end
        hi = starts[end_line] if end_line < len(starts) else len(text)
        # by chunk, not by offset: an edit starting where this region ends belongs to the next
        inside = [e for e, (f, _) in zip(edits, groups) if first <= f <= last]
        region = text[lo:hi]
        base = chunks[first].start
        shifted = [
            Edit(Span(e.span.line - base, e.span.col, e.span.end_line - base, e.span.end_col), e.new_text)
            for e in inside
        ]
        ast.parse(apply_edits(region, shifted))


def _offsets(text: str, starts: list[int], span: Span) -> tuple[int, int]:
    start = offset_of(starts, text, span.line, span.col)
    end = offset_of(starts, text, span.end_line, span.end_col)
    if end < start:
        raise ValueError(f"edit range ends before it starts: {span}")
    return start, end


def _conflict(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Overlapping ranges, or touching where either is an insertion (order would be ambiguous)."""
    (s1, e1), (s2, e2) = sorted([a, b])
    if e1 < s2:
        return False
    if e1 == s2:
        return s1 == e1 or s2 == e2
    return True


def apply_edits(text: str, edits: tuple[Edit, ...] | list[Edit]) -> str:
    """Apply non-overlapping edits (ranges refer to `text`); raises ValueError on overlap."""
    if not edits:
        return text
    starts = cached_line_starts(text) if len(text) > 10_000 else line_starts(text)
    ranged = sorted(((*_offsets(text, starts, e.span), e.new_text) for e in edits), key=lambda r: (r[0], r[1]))
    for (s1, e1, _), (s2, e2, _) in zip(ranged, ranged[1:]):
        if _conflict((s1, e1), (s2, e2)):
            raise ValueError("overlapping edits")
    out = text
    for start, end, new_text in reversed(ranged):
        out = out[:start] + new_text + out[end:]
    return out


def fix_all(
    text: str,
    path: str = "<stdin>",
    settings: "FileSettings | None" = None,
    *,
    unsafe: bool = False,
    max_rounds: int = 10,
    codes: frozenset[str] | set[str] | None = None,
) -> tuple[str, int, list[Finding]]:
    """Analyse, apply every non-conflicting applicable fix, re-analyse, until nothing changes.

    `unsafe=True` applies unsafe fixes too; `codes` limits fixing to those codes. Returns
    (new text, number of fixes applied, findings of the final text).
    """
    applied = 0
    findings = analyze(text, path, settings).findings
    for _ in range(max_rounds):
        candidates = [
            f for f in findings
            if (codes is None or f.code in codes) and fixable(f) and _may_apply(f.code, unsafe)
        ]
        if not candidates:
            break
        doc = FixDocument(text, path, settings)
        starts = line_starts(text)
        taken: list[tuple[int, int]] = []
        chosen: list[Fix] = []
        for finding in candidates:
            fix = compute_fix(finding, text, path, settings, doc=doc)
            if fix is None or (fix.applicability == "unsafe" and not unsafe):
                continue
            ranges = [_offsets(text, starts, e.span) for e in fix.edits]
            if any(_conflict(r, t) for r in ranges for t in taken):
                continue  # next round, against the text this round produces
            taken.extend(ranges)
            chosen.append(fix)
        if not chosen:
            break
        new_text = apply_edits(text, [e for fix in chosen for e in fix.edits])
        count = len(chosen)
        try:
            ast.parse(new_text)
        except SyntaxError:  # fixes that are fine alone but not together: one per round
            new_text = apply_edits(text, list(chosen[0].edits))
            count = 1
        if new_text == text:
            break
        text = new_text
        applied += count
        findings = analyze(text, path, settings).findings
    return text, applied, findings


def _may_apply(code: str, unsafe: bool) -> bool:
    rule: type[Rule] | None = get_rule(code)
    if rule is None:
        return False
    declared = getattr(rule, "fix_applicability", None)
    return unsafe or declared != "unsafe"
