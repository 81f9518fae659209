"""Markdown safety for workspace-derived text shown in hovers.

``escape_markdown`` turns arbitrary text into inert Markdown: no raw HTML,
no links/images/autolinks (so no ``command:`` URIs), no emphasis or code
spans that could swallow the rest of the hover, no control characters, and a
bounded length (cut on a character boundary, ending with an ellipsis).
"""

from __future__ import annotations

import re

__all__ = ["DEFAULT_MAX_CHARS", "escape_markdown"]

DEFAULT_MAX_CHARS = 2000
ELLIPSIS = "…"

# Inline-significant characters, escaped everywhere (CommonMark backslash escapes).
_SPECIAL = set("\\`*_[]|~!#")
# Angle brackets and ampersands become entities: inert even for renderers
# that ignore backslash escapes or allow a subset of HTML.
_ENTITIES = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
_CTRL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
# Block markers that only matter at the start of a line: lists, setext/thematic breaks.
_ORDERED = re.compile(r"^(\s*\d{1,9})([.)])", re.MULTILINE)
# URI-like "scheme:rest" (command:, javascript:, file:...): break the scheme.
_SCHEME = re.compile(r"\b([A-Za-z][A-Za-z0-9+.\-]{1,30}):(?=[^\s])")


def escape_markdown(text: str | None, max_chars: int = DEFAULT_MAX_CHARS, *, keep_newlines: bool = True) -> str:
    """Escape ``text`` so a Markdown renderer shows it literally.

    The length bound applies to the *source* text (before escaping);
    longer text is cut and ends with ``…``.  Newlines are kept as hard line
    breaks (two trailing spaces) unless ``keep_newlines`` is False, in which
    case they become spaces.
    """
    if not text:
        return ""
    text = str(text).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    text = _CTRL.sub("", text)
    if max_chars is not None and max_chars > 0 and len(text) > max_chars:
        text = text[: max(0, max_chars - 1)].rstrip() + ELLIPSIS
    if not keep_newlines:
        text = text.replace("\n", " ")
    out: list[str] = []
    for ch in text:
        if ch in _ENTITIES:
            out.append(_ENTITIES[ch])
        elif ch in _SPECIAL:
            out.append("\\" + ch)
        else:
            out.append(ch)
    result = "".join(out)
    result = _ORDERED.sub(lambda m: m.group(1) + "\\" + m.group(2), result)
    result = re.sub(r"^(\s*)([-+=])", lambda m: m.group(1) + "\\" + m.group(2), result, flags=re.MULTILINE)
    result = _SCHEME.sub(lambda m: m.group(1) + "\\:", result)
    if keep_newlines:
        result = result.replace("\n", "  \n")
    return result
