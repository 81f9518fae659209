"""A rule's card, the hover of a finding: what the rule says, the guide entries it cites, the
playbook of its family, the team's guide text."""
from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from ..knowledge import (
    Entry,
    render_entry_markdown,
    resolve_ref,
)
from ..knowledge.model import normalize_locale
from ..model import Finding, Rule
from .text import GUIDE_DOCS_URL, MAX_CHARS, _code_block, _first_paragraph, _guides, _no_html, _safe_inline, _t, _team_block, _team_entry



# --------------------------------------------------------------------------- playbooks

_W = r"(?<![a-z])"  # rule names are kebab-case: match at the start of a word only
_PLAYBOOK_BY_KEYWORD: tuple[tuple[str, str], ...] = (
    (_W + r"(migrat|alembic|schema|backfill|ddl)", "PB9"),
    (_W + r"(postgres|psycopg|sql|query|queries|locks?(?![a-z])|index|database|db-pool|connection-pool)", "PB4"),
    (_W + r"(kafka|consumer|partition|stream)", "PB5"),
    (_W + r"(rag|retriev|embedding|vector)", "PB8"),
    (_W + r"(token|cost|max-tokens)", "PB10"),
    (_W + r"(deploy|kubernetes|k8s|probe|graceful|shutdown|sigterm)", "PB2"),
    (_W + r"(api-change|pagination|versioning|breaking)", "PB3"),
)
_PLAYBOOK_BY_FAMILY = {"RES": "PB1", "SEC": "PB6", "LLM": "PB7", "DB": "PB4"}
_NO_PLAYBOOK = {"RES900", "RES998", "RES999"}


def playbook_for(rule: type[Rule]) -> Entry | None:
    """The most relevant playbook: a PB ref of the rule, a keyword of its name, its family.

    Timeouts, retries, breakers and async rules (RES) → PB1 incident; SEC → PB6 security;
    LLM → PB7 (RAG rules → PB8, token/cost rules → PB10); migrations → PB9; Postgres/DB → PB4.
    """
    if rule.code in _NO_PLAYBOOK:
        return None
    for ref in rule.refs:
        e = resolve_ref(ref)
        if e is not None and e.kind == "playbook":
            return e
    name = f"{rule.name} {rule.code}".lower()
    if rule.code.startswith("SEC"):  # security findings: the security playbook, whatever the topic
        return resolve_ref("PB6")
    for pattern, pb in _PLAYBOOK_BY_KEYWORD:
        if re.search(pattern, name):
            return resolve_ref(pb)
    family = re.match(r"[A-Z]+", rule.code)
    pb = _PLAYBOOK_BY_FAMILY.get(family.group(0) if family else "")
    return resolve_ref(pb) if pb else None


def _playbook_block(pb: Entry, locale: str) -> str:
    steps = pb.field_for("steps", locale) or []
    url = GUIDE_DOCS_URL.format(page=f"playbooks/{pb.slug}.md") if pb.slug else None
    head = f"**{_t('playbook', locale)} {pb.id}** — {pb.title_for(locale)} ({_t('first_steps', locale)})"
    out = [head, ""]
    for k, step in enumerate(list(steps)[:3], 1):
        out.append(f"{k}. {step}")
    if url:
        out += ["", f"[{_t('full', locale)}: docs/guide/playbooks/{pb.slug}.md]({url})"]
    return "\n".join(out)


# --------------------------------------------------------------------------- rule card

def _get_rule(code: str) -> type[Rule] | None:
    from ..registry import get_rule

    try:
        return get_rule(code)
    except Exception:
        return None


def _assemble(parts: list[str], locale: str, limit: int = MAX_CHARS) -> str:
    """Join whole parts (never cutting a code fence) while they fit under ``limit``."""
    out: list[str] = []
    size = 0
    sep = "\n\n---\n\n"
    for i, part in enumerate(parts):
        part = part.strip()
        if not part:
            continue
        extra = len(part) + (len(sep) if out else 0)
        if size + extra > limit - 40:
            if i == 0:  # the header alone is too long: cut it hard (no fences in headers)
                out.append(part[: limit - 60] + "…")
            out.append(f"*{_t('cut', locale)}*")
            break
        out.append(part)
        size += extra
    return sep.join(out) + "\n"


def explain_rule(
    code: str,
    locale: str = "en",
    *,
    finding: Finding | None = None,
    guides: Iterable[Any] = (),
    note: str | None = None,
    max_chars: int = MAX_CHARS,
) -> str | None:
    """The rule card: title, message, why, guide entries (+ the team's), fix, playbook, OWASP."""
    rule = _get_rule(code)
    if rule is None:
        return None
    loc = normalize_locale(locale)
    loaded = _guides(guides)
    from ..docs import sections

    secs = sections(rule)
    header = [f"### {rule.code} · {rule.name}"]
    if finding is not None:
        header += ["", _safe_inline(finding.message)]
    elif rule.message and "{" not in rule.message:
        header += ["", _safe_inline(rule.message)]
    elif secs.get("What it does"):
        header += ["", f"*{_t('what', loc)}:* " + _no_html(_first_paragraph(secs["What it does"], 500))]
    if note:
        header += ["", note]
    parts = ["\n".join(header)]

    why = secs.get("Why is this bad?")
    if why:
        parts.append(f"**{_t('why', loc)}**\n\n" + _no_html(_first_paragraph(why, 900)))

    # Guide entries: built-in brief render, and the team's verbatim text when a guide defines the ref.
    guide_lines: list[str] = []
    team_lines: list[str] = []
    for ref in rule.refs:
        entry = resolve_ref(ref)
        if entry is not None:
            guide_lines.append(render_entry_markdown(entry, loc, brief=True).strip())
        team = _team_entry(loaded, entry.id if entry is not None else ref) if loaded else None
        if team is None and loaded and entry is None:
            team = _team_entry(loaded, ref)
        if team is not None:
            team_lines.append(_team_block(team[0], team[1], loc))
    if team_lines:
        parts.append("\n\n".join(team_lines))
    if guide_lines:
        parts.append(f"**{_t('guide', loc)}**\n\n" + "\n\n".join(guide_lines))

    example, instead = secs.get("Example"), secs.get("Use instead")
    if example and instead:
        fix = [f"**{_t('fix', loc)}**", "", f"*{_t('before', loc)}:*", "", _code_block(example), "",
               f"*{_t('after', loc)}:*", "", _code_block(instead)]
        if finding is not None and finding.fix is not None:
            fix += ["", f"*{_t('quickfix', loc)}:* " + _safe_inline(finding.fix.message, 200)]
        parts.append("\n".join(fix))

    pb = playbook_for(rule)
    if pb is not None:
        parts.append(_playbook_block(pb, loc))

    owasp = []
    for ref in rule.owasp:
        e = resolve_ref(ref)
        if e is not None:
            owasp.append(render_entry_markdown(e, loc, brief=True).strip())
        else:
            owasp.append(_safe_inline(ref, 60))
    if owasp:
        parts.append(f"**{_t('owasp', loc)}**\n\n" + "\n\n".join(owasp))

    parts.append(_t("more", loc, code=rule.code, url=rule.url()))
    return _assemble(parts, loc, max_chars)
