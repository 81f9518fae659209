"""`hover_at`: which hover a position gets (suppressed code, findings, then an API)."""
from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ..knowledge.model import normalize_locale
from ..model import SYNTAX_ERROR, Finding, Span
from .api import _api_hover
from .cards import explain_rule
from .directives import _directive_code_at
from .locate import _file_cache
from .text import _t

if TYPE_CHECKING:
    from ..settings import FileSettings


# --------------------------------------------------------------------------- entry point

def _span_size(s: Span) -> tuple[int, int]:
    return (s.end_line - s.line, s.end_col - s.col if s.end_line == s.line else 10**6)


def hover_at(
    text: str,
    path: str,
    line: int,
    col: int,
    *,
    findings: Iterable[Finding] = (),
    settings: FileSettings | None = None,
    locale: str | None = "en",
    guides: Iterable[Any] = (),
) -> str | None:
    """Hover Markdown for (0-based ``line``, 0-based character ``col``) of ``text``, or None."""
    loc = normalize_locale(locale)
    fc = _file_cache(text, path)

    # (b) a rule code inside a suppression comment
    hit = _directive_code_at(text, line, col, fc)
    if hit is not None:
        code, kind = hit
        key = "suppressed_file" if kind == "ignore-file" else "suppressed"
        note = "*" + _t(key, loc, code=code) + "*"
        if settings is not None and not settings.is_enabled(code):
            note += "  \n*" + _t("disabled", loc, code=code) + "*"
        md = explain_rule(code, loc, guides=guides, note=note)
        if md is not None:
            return md

    # (a) findings whose range holds the position (the narrowest first)
    here = [f for f in findings or () if f.span.contains(line, col) and f.code != SYNTAX_ERROR]
    if here:
        here.sort(key=lambda f: (_span_size(f.span), f.code))
        first = here[0]
        others = sorted({f.code for f in here[1:] if f.code != first.code})
        note = "*" + _t("findings_more", loc, codes=", ".join(f"`{c}`" for c in others)) + "*" if others else None
        md = explain_rule(first.code, loc, finding=first, guides=guides, note=note)
        if md is not None:
            return md

    # (c) a resilience API under the cursor, even without a finding
    return _api_hover(fc, line, col, loc)
