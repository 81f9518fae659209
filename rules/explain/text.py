"""The words of every hover: labels in both languages, locale choice, safe Markdown helpers
and the team guide's blocks."""
from __future__ import annotations

import re
from collections.abc import Iterable
from os import PathLike
from pathlib import Path
from typing import Any

from ..knowledge import (
    Entry,
    Guide,
    escape_markdown,
    load_guide,
)
from ..knowledge.render import location_link
from ..model import DOCS_URL



MAX_CHARS = 6000
GUIDE_DOCS_URL = DOCS_URL.split("/docs/rules/", 1)[0] + "/docs/guide/{page}"

_LABELS: dict[str, dict[str, str]] = {
    "why": {"en": "Why it matters", "pt-BR": "Por que importa"},
    "guide": {"en": "Engineering guide", "pt-BR": "Guia de engenharia"},
    "team": {"en": "Your team's guide", "pt-BR": "Guia do seu time"},
    "fix": {"en": "How to fix", "pt-BR": "Como corrigir"},
    "before": {"en": "Before", "pt-BR": "Antes"},
    "after": {"en": "After", "pt-BR": "Depois"},
    "quickfix": {"en": "Quick fix", "pt-BR": "Correção rápida"},
    "playbook": {"en": "Playbook", "pt-BR": "Playbook"},
    "first_steps": {"en": "first steps", "pt-BR": "primeiros passos"},
    "full": {"en": "full playbook", "pt-BR": "playbook completo"},
    "owasp": {"en": "OWASP", "pt-BR": "OWASP"},
    "suppressed": {
        "en": "This comment suppresses `{code}` on this line.",
        "pt-BR": "Este comentário suprime `{code}` nesta linha.",
    },
    "suppressed_file": {
        "en": "This comment suppresses `{code}` in the whole file.",
        "pt-BR": "Este comentário suprime `{code}` no arquivo inteiro.",
    },
    "disabled": {
        "en": "`{code}` is not enabled for this file.",
        "pt-BR": "`{code}` não está habilitada para este arquivo.",
    },
    "what": {"en": "What it does", "pt-BR": "O que verifica"},
    "more": {
        "en": "More: `resilint rule {code}` · [docs]({url})",
        "pt-BR": "Mais: `resilint rule {code}` · [documentação]({url})",
    },
    "cut": {"en": "(shortened)", "pt-BR": "(resumido)"},
    "findings_more": {"en": "Also here: {codes}", "pt-BR": "Também aqui: {codes}"},
}


def _t(key: str, locale: str, **kw: Any) -> str:
    text = _LABELS[key].get(locale) or _LABELS[key]["en"]
    return text.format(**kw) if kw else text


# --------------------------------------------------------------------------- locale

def _locale_or_none(value: str | None) -> str | None:
    if not value or not isinstance(value, str) or not value.strip():
        return None
    low = value.strip().replace("_", "-").lower()
    if low == "pt" or low.startswith("pt-"):
        return "pt-BR"
    if low == "en" or low.startswith("en-"):
        return "en"
    return None


def resolve_locale(client_locale: str | None, setting: str | None, pyproject: str | None) -> str:
    """The hover language: "en" or "pt-BR".

    Precedence (highest first): the editor setting ``resilint.locale`` (the reader's own
    explicit choice), then ``[tool.resilint] locale`` in pyproject.toml (the team's default),
    then the client's UI locale from ``initialize`` (``pt``, ``pt-BR``, ``pt_BR``, ``pt-PT``
    → pt-BR; ``en-*`` → en), then "en".  Values that are not English or Portuguese are
    skipped (a ``de`` UI falls through to "en").
    """
    for value in (setting, pyproject, client_locale):
        loc = _locale_or_none(value)
        if loc:
            return loc
    return "en"


# --------------------------------------------------------------------------- helpers

_HTML = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
_SCHEME = re.compile(r"\b(command|javascript|vbscript|data|file)\s*:", re.IGNORECASE)


def _safe_inline(text: str, limit: int = 600) -> str:
    """Our own text that may embed user identifiers: keep code spans, kill HTML and links."""
    text = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", str(text))
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    text = "".join(_HTML.get(c, c) for c in text)
    text = text.replace("](", "]\\(").replace("[", "\\[")
    text = _SCHEME.sub(lambda m: m.group(1) + "\\:", text)
    if text.count("`") % 2:
        text = text.replace("`", "'")
    return text


_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.DOTALL)


def _no_html(text: str) -> str:
    """Docs prose: HTML-escape ``<``, ``>``, ``&`` outside code spans (inside them they are literal)."""
    out, last = [], 0
    for m in _CODE_SPAN.finditer(text):
        out.append("".join(_HTML.get(c, c) for c in text[last:m.start()]))
        out.append(m.group(0))
        last = m.end()
    out.append("".join(_HTML.get(c, c) for c in text[last:]))
    return _SCHEME.sub(lambda m: m.group(1) + "\\:", "".join(out))


def _code_block(code: str) -> str:
    code = code.strip("\n")
    m = re.match(r"^```[a-zA-Z]*\n(.*?)\n?```\s*$", code, re.DOTALL)
    body = m.group(1) if m else code
    body = body.replace("```", "ˋˋˋ")
    return f"```python\n{body}\n```"


def _first_paragraph(text: str, limit: int = 700) -> str:
    para = text.strip().split("\n\n", 1)[0].strip()
    para = " ".join(para.split())
    if len(para) > limit:
        para = para[: limit - 1].rsplit(" ", 1)[0] + "…"
    return para


def _guides(guides: Iterable[Any] | None) -> list[Guide]:
    out: list[Guide] = []
    for g in guides or ():
        if isinstance(g, Guide):
            out.append(g)
        elif isinstance(g, (str, PathLike)):
            try:
                out.append(load_guide(g))
            except Exception:  # a broken guide never breaks a hover
                continue
    return out


def _team_entry(guides: list[Guide], ref: str) -> tuple[Guide, Entry] | None:
    for guide in guides:
        try:
            hit = guide.resolve(ref)
        except Exception:
            hit = None
        if hit is not None:
            return guide, hit
    return None


def _team_block(guide: Guide, entry: Entry, locale: str) -> str:
    """The team's wording, verbatim but escaped, with a link to file:line."""
    title = escape_markdown(entry.title_for(locale), 200, keep_newlines=False)
    body = entry.body_for(locale)
    bullets = entry.field_for("bullets", locale) or entry.field_for("items", locale)
    text_lines: list[str] = []
    quotes = "\"'“”‘’«» ."
    if body and body.strip().strip(quotes) != entry.title_for(locale).strip().strip(quotes):
        text_lines.append(body)
    elif not body or body.strip().strip(quotes) != entry.title_for(locale).strip().strip(quotes):
        if isinstance(bullets, list):
            text_lines.extend(f"- {b}" for b in bullets)
        elif bullets:
            text_lines.append(str(bullets))
    verbatim = escape_markdown("\n".join(text_lines), 700) if text_lines else ""
    link = location_link(entry) or ""
    gtitle = escape_markdown(guide.title or Path(str(guide.path)).name, 120, keep_newlines=False)
    head = f"**{escape_markdown(entry.id, 20)}** — **{title}**"
    out = [f"*{_t('team', locale)}:* {gtitle}" + (f" · {link}" if link else ""), "", head]
    if verbatim:
        out += ["", verbatim]
    return "\n".join(out)
