"""Markdown rendering of entries and API docs (hover/docs)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .mdsafe import escape_markdown
from .model import (
    FIELD_LABELS,
    KIND_LABELS,
    ApiDoc,
    Entry,
    normalize_locale,
)

__all__ = ["location_link", "render_api_markdown", "render_entry_markdown"]

BRIEF_MAX_CHARS = 320


def _label(name: str, locale: str) -> str:
    return FIELD_LABELS.get(name, {}).get(locale) or name.replace("_", " ").capitalize()


def location_link(entry: Entry) -> str | None:
    """``[path:line](file:///abs/path#Lline)`` for team-guide entries."""
    loc = entry.location
    if loc is None:
        return None
    label = escape_markdown(f"{Path(loc.path).name}:{loc.line}", 200)
    try:
        p = Path(loc.path)
        if p.is_absolute():
            uri = p.as_uri() + f"#L{loc.line}"
            return f"[{label}]({uri})"
    except ValueError:
        pass
    return label


def _first_paragraph(text: str, limit: int) -> str:
    para = text.strip().split("\n\n", 1)[0].strip()
    if len(para) > limit:
        cut = para[: limit - 1].rsplit(" ", 1)[0]
        para = cut + "…"
    return para


def _field_md(value: Any, locale: str, safe: bool, numbered: bool) -> list[str]:
    esc = (lambda s: escape_markdown(s, 1000, keep_newlines=False)) if not safe else (lambda s: s)
    if isinstance(value, list):
        lines = []
        for k, item in enumerate(value, 1):
            bullet = f"{k}." if numbered else "-"
            lines.append(f"{bullet} {esc(str(item))}")
        return lines
    return [esc(str(value))]


def render_entry_markdown(entry: Entry, locale: str = "en", *, brief: bool = False) -> str:
    """Render an entry as Markdown in ``locale`` ("en" or "pt-BR").

    Built-in text is trusted; team-guide text (``entry.builtin`` False) is
    passed through ``escape_markdown``.  ``brief`` gives the header line and
    the first paragraph of the body only (for hovers on a finding).
    """
    loc = normalize_locale(locale)
    safe = entry.builtin
    esc = (lambda s, n=4000: s) if safe else (lambda s, n=4000: escape_markdown(s, n))
    kind = KIND_LABELS.get(entry.kind, {}).get(loc, entry.kind)
    title = entry.title_for(loc)
    header = f"**{esc(entry.id, 50)}** · {kind} — **{esc(title, 300)}**"
    body = entry.body_for(loc)
    out: list[str] = [header]
    if brief:
        if body:
            out += ["", esc(_first_paragraph(body, BRIEF_MAX_CHARS), BRIEF_MAX_CHARS + 10)]
        link = location_link(entry)
        if link:
            out += ["", f"*{_label('defined_at', loc)}:* {link}"]
        return "\n".join(out).rstrip() + "\n"
    if body and (safe or not entry.fields):
        out += ["", esc(body)]
    for name in entry.field_names():
        value = entry.field_for(name, loc)
        if not value:
            continue
        if name == "skeleton":
            out += ["", f"**{_label(name, loc)}**", "", "```text"]
            out += [str(v).replace("```", "ˋˋˋ") for v in (value if isinstance(value, list) else [value])]
            out += ["```"]
            continue
        lines = _field_md(value, loc, safe, numbered=(name == "steps"))
        if isinstance(value, list):
            out += ["", f"**{_label(name, loc)}**", ""] + lines
        else:
            out += ["", f"**{_label(name, loc)}:** {lines[0]}"]
    if entry.sources:
        src = "; ".join(esc(s, 300) for s in entry.sources)
        out += ["", f"*{_label('sources', loc)}:* {src}"]
    if entry.see_also:
        out += ["", f"*{_label('see_also', loc)}:* " + ", ".join(esc(s, 60) for s in entry.see_also)]
    link = location_link(entry)
    if link:
        out += ["", f"*{_label('defined_at', loc)}:* {link}"]
    return "\n".join(out).rstrip() + "\n"


def render_api_markdown(doc: ApiDoc, locale: str = "en") -> str:
    """Hover Markdown for a third-party API."""
    loc = normalize_locale(locale)
    out = [f"**`{doc.qualname}`**", "", doc.summary_for(loc)]
    if doc.defaults_for(loc):
        out += ["", f"**{_label('defaults', loc)}:** {doc.defaults_for(loc)}"]
    if doc.advice_for(loc):
        out += ["", f"**{_label('advice', loc)}:** {doc.advice_for(loc)}"]
    if doc.refs:
        from .store import get_entry  # local import: store loads JSON lazily

        refs = []
        for r in doc.refs:
            e = get_entry(r)
            refs.append(f"{r} ({e.title_for(loc)})" if e else r)
        out += ["", f"*{_label('see_also', loc)}:* " + "; ".join(refs)]
    return "\n".join(out).rstrip() + "\n"
