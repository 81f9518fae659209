"""Text edits between two versions of a file: a line diff, each changed block trimmed to the
characters that changed (never splitting a CRLF pair). What every fix hands back as `Edit`s."""
from __future__ import annotations

import bisect
import difflib

from ..model import Edit, Span
from .chunks import line_starts, lines_keepends


def position_of(starts: list[int], offset: int) -> tuple[int, int]:
    line = bisect.bisect_right(starts, offset) - 1
    return line, offset - starts[line]


def edits_between(old: str, new: str, base: str | None = None) -> tuple[Edit, ...]:
    """Minimal edits turning `old` into `new`: changed line blocks, trimmed to what changed
    (`base`: see `_diff_offsets`)."""
    starts = line_starts(old)
    edits: list[Edit] = []
    for start, end, new_text in _diff_offsets(old, new, base):
        line, col = position_of(starts, start)
        end_line, end_col = position_of(starts, end)
        edits.append(Edit(Span(line, col, end_line, end_col), new_text))
    return tuple(edits)


def _diff_offsets(old: str, new: str, base: str | None = None) -> list[tuple[int, int, str]]:
    """(start, end, new text) replacements in `old`: a line diff, each block trimmed. `base`:
    what `new` was derived from, `old` line for line but not always character for character
    (libcst's printing of `old`); the changed lines are found between `base` and `new`."""
    if old == new:
        return []
    old_lines = lines_keepends(old)
    new_lines = lines_keepends(new)
    base_lines = old_lines
    if base is not None and base != old:
        base_lines = lines_keepends(base)
        if len(base_lines) != len(old_lines):
            base_lines = old_lines
    old_offsets = [0]
    for line in old_lines:
        old_offsets.append(old_offsets[-1] + len(line))
    matcher = difflib.SequenceMatcher(None, base_lines, new_lines, autojunk=False)
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
