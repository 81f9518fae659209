"""Markdown safety for workspace-derived text shown in hovers.

``escape_markdown`` turns arbitrary text into inert Markdown: no raw HTML,
no links/images/autolinks (so no ``command:`` URIs), no emphasis or code
spans that could swallow the rest of the hover, no control characters, and a
bounded length (cut on a character boundary, ending with an ellipsis).
"""

from __future__ import annotations

import re

__all__ = ["escape_markdown", "DEFAULT_MAX_CHARS"]

DEFAULT_MAX_CHARS = 2000
ELLIPSIS = "…"

# Every ASCII punctuation character that CommonMark/GFM can give meaning to.
_SPECIAL = set("\\`*_{}[]()<>#+-.!|~&:\"'=$^")
_CTRL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def escape_markdown(text: str | None, max_chars: int = DEFAULT_MAX_CHARS, *, keep_newlines: bool = True) -> str:
    """Escape ``text`` so a Markdown renderer shows it literally.

    The length bound applies to the *source* text (before escaping);
    longer text is cut and ends with ``…``.  Newlines are kept as hard line
    breaks (two trailing spaces) unless ``keep_newlines`` is False, in which
    case they become spaces.
    """
    if not text:
        return ""
    text = str(text).replace("\r\n", "\n").replace("\r", "\n")
    text = _CTRL.sub("", text)
    if max_chars is not None and max_chars > 0 and len(text) > max_chars:
        cut = text[: max(0, max_chars - 1)]
        # avoid leaving half of a surrogate pair / combining sequence dangling
        cut = cut.rstrip()
        text = cut + ELLIPSIS
    out: list[str] = []
    for ch in text:
        if ch in _SPECIAL:
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("  \n" if keep_newlines else " ")
        elif ch == "\t":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)
