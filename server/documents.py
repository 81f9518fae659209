"""Open documents: incremental text sync with LSP line rules, and moving findings through edits.

LSP lines end only at \\n, \\r\\n or \\r (pygls' own store uses str.splitlines, which also
breaks at form feeds and U+2028, so the server keeps its own copy of the text).
"""
from __future__ import annotations

import asyncio
import re
from dataclasses import InitVar, dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from lsprotocol import types
from resilint.rules.model import Finding, Span
from resilint.rules.source import utf8_to_char, utf16_to_char

_NEWLINE = re.compile(r"\r\n|\r|\n")
_LINE_END = re.compile(r"(?<=\n)|(?<=\r)(?!\n)")


def split_keepends(text: str) -> list[str]:
    """LSP lines with their terminators; the last item is the (possibly empty) last line."""
    return _LINE_END.split(text)


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
    initial_text: InitVar[str]
    path: Path | None = None
    _klines: list[str] = field(default_factory=list, repr=False)
    _text: str | None = field(default=None, repr=False)
    _lines: list[str] | None = field(default=None, repr=False)
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
    _diagnostics: list = field(default_factory=list, repr=False)  # LSP form of the last result

    def __post_init__(self, initial_text: str) -> None:
        self.set_text(initial_text)
        if self.path is None:
            self.path = uri_to_path(self.uri)

    # ---- text ----
    # The text is kept as a list of lines *with* their terminators, so an edit replaces a
    # few list items; the joined text and the terminator-free lines are built on demand.
    @property
    def text(self) -> str:
        if self._text is None:
            self._text = "".join(self._klines)
        return self._text

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = [line.rstrip("\r\n") for line in self._klines]
        return self._lines

    @property
    def line_view(self) -> LineView:
        """Terminator-free lines without building the whole list (for a few look-ups)."""
        return LineView(self._klines)

    def set_text(self, text: str) -> None:
        self._klines = split_keepends(text)
        self._text = text
        self._lines = None

    def _clamp(self, pos: types.Position, encoding: str) -> tuple[int, int]:
        """(line, char column) of a client position, clamped to the document."""
        klines = self._klines
        if pos.line >= len(klines):
            last = len(klines) - 1
            return last, len(klines[last].rstrip("\r\n"))
        content = klines[pos.line].rstrip("\r\n")
        return pos.line, client_col_to_char(content, pos.character, encoding)

    def apply_change(self, change: Any, encoding: str) -> None:
        """Apply one content change and move the shown findings through it."""
        rng = getattr(change, "range", None)
        if rng is None:
            self._apply_full(change.text)
            return
        sl, sc = self._clamp(rng.start, encoding)
        el, ec = self._clamp(rng.end, encoding)
        if (el, ec) < (sl, sc):
            sl, sc, el, ec = el, ec, sl, sc
        self.findings = shift_findings(self.findings, sl, sc, el, ec, change.text)
        klines = self._klines
        first, last = sl, el
        segment = klines[sl][:sc] + change.text + klines[el][ec:]
        if first > 0 and segment.startswith("\n") and klines[first - 1].endswith("\r"):
            first -= 1  # "\r" + "\n" now form one line break
            segment = klines[first] + segment
        pieces = split_keepends(segment)
        if len(pieces) > 1 and pieces[-1] == "" and last < len(klines) - 1:
            pieces.pop()  # the terminator of an inner line: the next line follows
        klines[first: last + 1] = pieces
        self._text = None
        self._lines = None

    def _apply_full(self, new: str) -> None:
        old = self.text
        # An equivalent single-range edit: common prefix and suffix stay.
        limit = min(len(old), len(new))
        p = 0
        while p < limit and old[p] == new[p]:
            p += 1
        s = 0
        while s < limit - p and old[len(old) - 1 - s] == new[len(new) - 1 - s]:
            s += 1
        while p > 0 and old[p - 1] == "\r" and p < len(old) and old[p] == "\n":
            p -= 1  # do not split a \r\n pair
        sl, sc = self._pos_of(old, p)
        el, ec = self._pos_of(old, len(old) - s)
        self.findings = shift_findings(self.findings, sl, sc, el, ec, new[p: len(new) - s])
        self.set_text(new)

    def _pos_of(self, text: str, offset: int) -> tuple[int, int]:
        head = text[:offset]
        breaks = list(_NEWLINE.finditer(head))
        if not breaks:
            return 0, offset
        line = len(breaks)
        col = offset - breaks[-1].end()
        return line, col

    def is_python(self) -> bool:
        if self.language_id in ("python", "pyi"):
            return True
        return self.path is not None and self.path.suffix in PYTHON_SUFFIXES


class LineView:
    """A read-only sequence of a document's lines, terminators stripped on access."""

    __slots__ = ("_klines",)

    def __init__(self, klines: list[str]) -> None:
        self._klines = klines

    def __len__(self) -> int:
        return len(self._klines)

    def __getitem__(self, index: int) -> str:
        return self._klines[index].rstrip("\r\n")

    def __bool__(self) -> bool:
        return bool(self._klines)


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
