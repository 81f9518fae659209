"""Writing fixed cell sources back into a notebook's JSON text, byte for byte elsewhere.

The file is not re-serialised: the `source` value of each changed cell is located in the
original text and only that value is replaced, so indentation, key order, escapes, outputs
and the final newline stay exactly as the tool that wrote the notebook left them. The new
value takes the old one's form (a list of lines, as nbformat writes, or one string) and its
layout (the whitespace around and between the list items).
"""
from __future__ import annotations

import json
import re
from json.decoder import scanstring

_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


class LayoutError(ValueError):
    """The JSON text is not shaped like a notebook (no top-level `cells` list of objects)."""


def _ws(text: str, i: int) -> int:
    return _WS.match(text, i).end()  # type: ignore[union-attr]


def _expect(text: str, i: int, char: str) -> int:
    i = _ws(text, i)
    if text[i:i + 1] != char:
        raise LayoutError(f"expected {char!r} at offset {i}")
    return i + 1


def _skip_value(text: str, i: int) -> int:
    _, end = _DECODER.raw_decode(text, _ws(text, i))
    return end


def _object_members(text: str, i: int):
    """Yield (key, value_start, value_end) of the JSON object starting at `i`; the last item
    is (None, end_of_object, end_of_object)."""
    i = _expect(text, i, "{")
    i = _ws(text, i)
    if text[i:i + 1] == "}":
        yield None, i + 1, i + 1
        return
    while True:
        i = _expect(text, i, '"')
        key, i = scanstring(text, i)
        i = _expect(text, i, ":")
        start = _ws(text, i)
        end = _skip_value(text, start)
        yield key, start, end
        i = _ws(text, end)
        if text[i:i + 1] == ",":
            i += 1
            continue
        i = _expect(text, i, "}")
        yield None, i, i
        return


def source_spans(text: str) -> list[tuple[int, int] | None]:
    """For each cell, in order, the (start, end) offsets of its `source` value (None if absent)."""
    cells_at = None
    for key, start, _end in _object_members(text, 0):
        if key == "cells":
            cells_at = start
    if cells_at is None:
        raise LayoutError("no top-level `cells`")
    spans: list[tuple[int, int] | None] = []
    i = _expect(text, cells_at, "[")
    i = _ws(text, i)
    if text[i:i + 1] == "]":
        return spans
    while True:
        if text[_ws(text, i):_ws(text, i) + 1] != "{":
            raise LayoutError("a cell is not an object")
        found = None
        end = i
        for key, start, stop in _object_members(text, i):
            if key == "source":
                found = (start, stop)
            end = stop
        spans.append(found)
        i = _ws(text, end)
        if text[i:i + 1] == ",":
            i += 1
            continue
        _expect(text, i, "]")
        return spans


def _ascii_only(text: str) -> bool:
    """Whether the writer escaped non-ASCII characters (json's ensure_ascii)."""
    return text.isascii() and "\\u" in text


def _render(old: str, new_source: str, ascii_only: bool) -> str:
    """`new_source` in the form and layout of the old JSON value `old`."""
    dump = lambda s: json.dumps(s, ensure_ascii=ascii_only)  # noqa: E731
    if not old.startswith("["):
        return dump(new_source)
    items = new_source.splitlines(keepends=True)
    if not items:
        return "[]"
    inner = old[1:-1]
    if not inner.strip():  # an empty list: nbformat's layout, one item per line, indented
        return "[" + ",".join(dump(s) for s in items) + "]"
    lead = inner[: len(inner) - len(inner.lstrip())]
    trail = inner[len(inner.rstrip()):]
    m = re.search(r'"\s*,(\s*)"', inner)  # the whitespace between two items
    between = m.group(1) if m else lead
    return "[" + lead + ("," + between).join(dump(s) for s in items) + trail + "]"


def replace_sources(text: str, new_sources: dict[int, str]) -> str:
    """`text` with the `source` of cell number n (0-based, among all cells) replaced by
    `new_sources[n]`. Raises LayoutError when the text is not a notebook."""
    spans = source_spans(text)
    ascii_only = _ascii_only(text)
    out: list[str] = []
    at = 0
    for index in sorted(new_sources):
        if index >= len(spans) or spans[index] is None:
            raise LayoutError(f"cell {index + 1} has no `source`")
        start, end = spans[index]  # type: ignore[misc]
        out.append(text[at:start])
        out.append(_render(text[start:end], new_sources[index], ascii_only))
        at = end
    out.append(text[at:])
    return "".join(out)
