"""Top-level statement boundaries of a file without parsing it, and partial "views" of a file.

libcst needs seconds for a 6,000-line module; a fix needs one statement. `scan_chunks(text)`
cuts the file into top-level statements with a string-, comment- and bracket-aware scan of
the text (one regular expression, no tokenizer): a *chunk* is a statement together with the
blank and comment lines above it (where libcst puts them: its `leading_lines`). A `View` is a
few chunks concatenated in file order — the statement holding a finding, the import header
and the other top-level imports — with the mapping of its lines back to the file's lines.

The scan only has to be right about where statements start: a line at column 0 outside any
string, bracket or backslash continuation; `else`/`elif`/`except`/`finally` continue the
statement above, a decorator the one below. When it gets lost (unbalanced brackets, an
unterminated string) it returns None and callers parse the whole file.
"""
from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass
from functools import lru_cache


# Lines exactly as the tokenizer (and `rules.source.split_lines`) sees them, ends kept.
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def lines_keepends(text: str) -> list[str]:
    return _LINE.findall(text)


def line_starts(text: str, lines: list[str] | None = None) -> list[int]:
    """Offset of the first character of each line (a final empty line included)."""
    starts = [0, *itertools.accumulate(map(len, lines if lines is not None else lines_keepends(text)))]
    if starts[-1] == len(text) and text and text[-1] not in "\r\n":
        starts.pop()  # the last line has no newline: no line after it
    return starts


@lru_cache(maxsize=32)
def cached_lines(text: str) -> tuple[str, ...]:
    return tuple(lines_keepends(text))


@lru_cache(maxsize=32)
def cached_line_starts(text: str) -> tuple[int, ...]:
    """`line_starts`, computed once per text (large files are resolved many times)."""
    return tuple(line_starts(text, list(cached_lines(text))))

# Every branch starts with a literal character, so `re` skips the other characters fast (a
# charset prefix); which branch matched is told by the first character of the match.
_TOKENS = re.compile(
    # string prefixes (`rb"`, `f'`) are skipped like any identifier character
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\r\n]|\\.)*"'
    r"|'(?:[^'\\\r\n]|\\.)*'"
    r"|#[^\r\n]*"
    r"|\(|\[|\{|\)|\]|\}"
    r"|\\\r\n|\\\r|\\\n"
    r"|\n(?=[^\s#])|\r\n(?=[^\s#])|\r(?=[^\s#\n])",
    re.S,
)
_OPEN = frozenset("([{")
_CLOSE = frozenset(")]}")
_CONTINUES = re.compile(r"(?:else|elif|except|finally)\b")
_IMPORT_LINE = re.compile(r"(?:import|from)\s")
_STRING_STMT = re.compile(r"[rRbBuU]{0,2}[\"']")
_FUTURE = re.compile(r"from\s+__future__\s+import\b")
_DEF = re.compile(r"(?:async\s+)?def\s+(\w+)|class\s+(\w+)")
_COMPOUND = re.compile(r"(?:if|try|with|for|while|async\s+with|async\s+for)\b")
_BINDS = re.compile(
    r"[ \t]*(?:(?:async[ \t]+)?def[ \t]+(\w+)|class[ \t]+(\w+)|(\w+)[ \t]*(?::[^=\r\n]*)?=(?!=)"
    r"|for[ \t]+(\w+)|.*\bas[ \t]+(\w+))"
)
_IMPORTED = re.compile(r"\bimport\b(.*)", re.S)
_TUPLE_TARGET = re.compile(r"[ \t]*\(?((?:\*?\w+[ \t]*,[ \t]*)+\*?\w*)\)?[ \t]*=(?!=)")


@dataclass(frozen=True)
class Chunk:
    """A top-level statement with the blank and comment lines above it: lines [start, end)."""

    start: int
    end: int
    code_line: int  # where the statement itself starts (its first decorator)
    kind: str  # "docstring", "future", "import", "def", "other"
    name: str | None = None  # the def / class name


def _line_count(text: str, starts: list[int]) -> int:
    return len(starts) - 1 if text and starts[-1] == len(text) else len(starts)


def scan_chunks(text: str, starts: list[int] | None = None) -> list[Chunk] | None:
    """The file's top-level statements as line chunks, or None when the scan gets lost."""
    if not text.strip():
        return None
    starts = starts if starts is not None else cached_line_starts(text)
    n_lines = _line_count(text, starts)
    depth = 0
    code_starts: list[int] = [0] if text[0] not in " \t\f\r\n#" else []
    for m in _TOKENS.finditer(text):
        ch = text[m.start()]
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth -= 1
            if depth < 0:
                return None
        elif (ch == "\n" or ch == "\r") and depth == 0:
            code_starts.append(m.end())
    if depth != 0:
        return None
    stmt_lines: list[int] = []
    after_decorator = False
    for off in code_starts:
        head = text[off:off + 12]
        if stmt_lines and (after_decorator or _CONTINUES.match(head)):
            after_decorator = head.startswith("@")
            continue
        after_decorator = head.startswith("@")
        stmt_lines.append(bisect.bisect_right(starts, off) - 1)
    if not stmt_lines:
        return None
    lines = cached_lines(text)
    begins: list[int] = []
    for k, code_line in enumerate(stmt_lines):
        start = code_line
        floor = stmt_lines[k - 1] + 1 if k else 0
        while start > floor and (not lines[start - 1].strip() or lines[start - 1].startswith("#")):
            start -= 1
        begins.append(0 if k == 0 else start)
    chunks: list[Chunk] = []
    for k, code_line in enumerate(stmt_lines):
        end = begins[k + 1] if k + 1 < len(begins) else n_lines
        first = lines[code_line]
        name = None
        if _FUTURE.match(first):
            kind = "future"
        elif _IMPORT_LINE.match(first):
            kind = "import"
        elif k == 0 and _STRING_STMT.match(first):
            kind = "docstring"
        else:
            kind = "other"
            j = code_line
            while j < end and lines[j].startswith("@"):
                j += 1
            m = _DEF.match(lines[j]) if j < end else None
            if m:
                kind, name = "def", m.group(1) or m.group(2)
        chunks.append(Chunk(begins[k], end, code_line, kind, name))
    return chunks


@lru_cache(maxsize=16)
def chunks_of(text: str) -> list[Chunk] | None:
    return scan_chunks(text)


def chunk_index(chunks: list[Chunk], line: int) -> int:
    return max(bisect.bisect_right([c.start for c in chunks], line) - 1, 0)


def header_end(chunks: list[Chunk]) -> int:
    """How many leading chunks `ensure_import` may touch: the docstring, the `__future__`
    imports and everything to the end of the first import block (else the next statement)."""
    i = 0
    if i < len(chunks) and chunks[i].kind == "docstring":
        i += 1
    while i < len(chunks) and chunks[i].kind == "future":
        i += 1
    first = next((j for j in range(i, len(chunks)) if chunks[j].kind == "import"), None)
    if first is None:
        return min(i + 1, len(chunks))
    end = first
    while end < len(chunks) and chunks[end].kind == "import":
        end += 1
    return end


def bound_names(lines: list[str], chunks: list[Chunk], indices: list[int]) -> set[str]:
    """Names the chunks `indices` may bind at module level (an over-approximation: a name
    wrongly thought bound only makes `ensure_import` spell an import dotted). A simple
    statement binds on its first line; `if`/`try`/`with`/`for` blocks anywhere inside."""
    out: set[str] = set()
    for i in indices:
        ch = chunks[i]
        j = ch.code_line
        while j < ch.end and lines[j].startswith("@"):
            j += 1
        if j >= ch.end:
            continue
        first = lines[j]
        body = lines[j:ch.end] if _COMPOUND.match(first) else [first]
        for line in body:
            m = _BINDS.match(line)
            if m:
                out.update(g for g in m.groups() if g)
            m = _TUPLE_TARGET.match(line)
            if m:
                out.update(re.findall(r"\w+", m.group(1)))
            stripped = line.lstrip()
            if stripped.startswith(("import ", "from ")):
                m2 = _IMPORTED.search(stripped)
                if m2:
                    out.update(p for p in re.split(r"[\s,()\\]+", m2.group(1)) if p.isidentifier() and p != "as")
    return out


class View:
    """Some chunks of a file concatenated in file order; maps the view's lines to the file's."""

    def __init__(self, text: str, chunks: list[Chunk], keep: set[int]) -> None:
        lines = cached_lines(text)
        runs: list[list[int]] = []  # [view line, file line, count]
        parts: list[str] = []
        view_line = 0
        for i in sorted(keep):
            ch = chunks[i]
            n = ch.end - ch.start
            if runs and runs[-1][1] + runs[-1][2] == ch.start:
                runs[-1][2] += n
            else:
                runs.append([view_line, ch.start, n])
            parts.extend(lines[ch.start:ch.end])
            view_line += n
        self.runs: list[tuple[int, int, int]] = [(a, b, c) for a, b, c in runs]
        self._view0 = [r[0] for r in self.runs]
        self.text = "".join(parts)
        skipped = [i for i in range(len(chunks)) if i not in keep]
        self.other_names = frozenset(bound_names(lines, chunks, skipped))

    def run_of(self, view_line: int, left: bool = False) -> int:
        """The run holding a view line; `left`: a run's first line counts as the end of the
        previous run (an insertion after the previous statement, not before the next one)."""
        key = view_line - 1 if left and view_line > 0 else view_line
        return max(bisect.bisect_right(self._view0, key) - 1, 0)

    def to_file_line(self, view_line: int, left: bool = False) -> int:
        view0, file0, _ = self.runs[self.run_of(view_line, left)]
        return file0 + (view_line - view0)

    def to_view_line(self, file_line: int) -> int | None:
        for view0, file0, n in self.runs:
            if file0 <= file_line < file0 + n:
                return view0 + (file_line - file0)
        return None
