"""Open documents: incremental text sync with LSP line rules, and moving findings through edits.

LSP lines end only at \\n, \\r\\n or \\r (pygls' own store uses str.splitlines, which also
breaks at form feeds and U+2028, so the server keeps its own copy of the text).
"""
from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from lsprotocol import types

from resilint.rules.model import Finding, Span
from resilint.rules.source import split_lines, utf8_to_char, utf16_to_char

_NEWLINE = re.compile(r"\r\n|\r|\n")
PYTHON_SUFFIXES = (".py", ".pyi", ".pyw")


def uri_to_path(uri: str) -> Path | None:
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    path = unquote(parsed.path)
    if re.match(r"^/[A-Za-z]:", path):  # file:///C:/x on Windows
        path = path[1:]
    return Path(path)


def client_col_to_char(line: str, col: int, encoding: str) -> int:
    if encoding == types.PositionEncodingKind.Utf8:
        char = utf8_to_char(line, col)
    elif encoding == types.PositionEncodingKind.Utf32:
        char = col
    else:
        char = utf16_to_char(line, col)
    return max(0, min(char, len(line)))


@dataclass
class Document:
    uri: str
    language_id: str
    version: int
    text: str
    path: Path | None = None
    _lines: list[str] | None = field(default=None, repr=False)
    _starts: list[int] | None = field(default=None, repr=False)
    # ---- analysis state ----
    findings: list[Finding] = field(default_factory=list)  # last good findings, moved through edits
    syntax: Finding | None = None  # RES999 of the analysed version, if any
    analyzed_version: int | None = None
    result_id: str = ""
    fingerprint: Any = None
    last_ms: float | None = None
    analyses: int = 0
    skipped: str | None = None  # why this document is not analysed
    skip_logged: str | None = None
    inflight: tuple[int, asyncio.Future] | None = None
    pending: asyncio.Task | None = None
    analyzer: Any = None  # IncrementalAnalyzer, when available
    analyzer_key: Any = None
    resolved: Any = None  # workspace_settings.Resolved
    resolved_gen: int = -1
    closed: bool = False

    def __post_init__(self) -> None:
        if self.path is None:
            self.path = uri_to_path(self.uri)

    # ---- text ----
    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = split_lines(self.text)
        return self._lines

    def _line_starts(self) -> list[int]:
        if self._starts is None:
            self._starts = [0, *(m.end() for m in _NEWLINE.finditer(self.text))]
        return self._starts

    def _offset(self, pos: types.Position, encoding: str) -> tuple[int, int, int]:
        """(offset, line, char column) of a client position, clamped to the text."""
        starts = self._line_starts()
        if pos.line >= len(starts):
            last = len(starts) - 1
            return len(self.text), last, len(self.lines[last])
        line = self.lines[pos.line]
        col = client_col_to_char(line, pos.character, encoding)
        return starts[pos.line] + col, pos.line, col

    def set_text(self, text: str) -> None:
        self.text = text
        self._lines = None
        self._starts = None

    def apply_change(self, change: Any, encoding: str) -> None:
        """Apply one content change and move the shown findings through it."""
        rng = getattr(change, "range", None)
        if rng is None:
            new = change.text
            old = self.text
            # An equivalent single-range edit: common prefix and suffix stay.
            limit = min(len(old), len(new))
            p = 0
            while p < limit and old[p] == new[p]:
                p += 1
            s = 0
            while s < limit - p and old[len(old) - 1 - s] == new[len(new) - 1 - s]:
                s += 1
            # Do not split a \r\n pair across the edit boundary.
            while p > 0 and old[p - 1] == "\r" and p < len(old) and old[p] == "\n":
                p -= 1
            start, end, inserted = p, len(old) - s, new[p: len(new) - s]
            sl, sc = self._pos_of(start)
            el, ec = self._pos_of(end)
            self.findings = shift_findings(self.findings, sl, sc, el, ec, inserted)
            self.set_text(new)
            return
        start, sl, sc = self._offset(rng.start, encoding)
        end, el, ec = self._offset(rng.end, encoding)
        if end < start:
            start, end, sl, sc, el, ec = end, start, el, ec, sl, sc
        self.findings = shift_findings(self.findings, sl, sc, el, ec, change.text)
        self.set_text(self.text[:start] + change.text + self.text[end:])

    def _pos_of(self, offset: int) -> tuple[int, int]:
        starts = self._line_starts()
        lo, hi = 0, len(starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        col = min(offset - starts[lo], len(self.lines[lo]))
        return lo, col

    def is_python(self) -> bool:
        if self.language_id in ("python", "pyi"):
            return True
        return self.path is not None and self.path.suffix in PYTHON_SUFFIXES


def shift_findings(findings: list[Finding], sl: int, sc: int, el: int, ec: int, text: str) -> list[Finding]:
    """Move findings through the edit (sl, sc)-(el, ec) -> `text`; drop the ones it touches."""
    if not findings:
        return findings
    breaks = list(_NEWLINE.finditer(text))
    nl = len(breaks)
    tail = len(text) - breaks[-1].end() if breaks else 0
    delta = nl - (el - sl)

    def move(line: int, col: int) -> tuple[int, int]:
        if line == el:
            if nl == 0:
                return sl, sc + len(text) + (col - ec)
            return sl + nl, tail + (col - ec)
        return line + delta, col

    start, end = (sl, sc), (el, ec)
    out: list[Finding] = []
    for f in findings:
        s = f.span
        f_start, f_end = (s.line, s.col), (s.end_line, s.end_col)
        if f_end <= start:
            out.append(f)  # entirely before the edit
        elif f_start >= end:
            line, col = move(s.line, s.col)
            end_line, end_col = move(s.end_line, s.end_col)
            # Fix edits are not moved: a moved finding offers no fix until re-analysed.
            out.append(replace(f, span=Span(line, col, end_line, end_col), fix=None))
        # else: the edit touched the finding; it is dropped
    return out
