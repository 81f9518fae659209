"""Text helpers of the guide parser: slugs, accents, front matter, the labels of each shape."""
from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from typing import Any



# ---------------------------------------------------------------- helpers

def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def slugify(text: str, max_len: int = 48) -> str:
    s = _strip_accents(text).lower()
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    if len(s) > max_len:
        s = s[:max_len].rsplit("-", 1)[0] or s[:max_len]
    return s or "section"


def _norm(text: str) -> str:
    return slugify(text.replace("§", " "), max_len=200)


_PLAYBOOK_SLUGS = (
    (r"\bmigra", "migration"),
    (r"\bpostgres|\bbanco\b|\bdatabase\b", "postgres"),
    (r"\bkafka|consumer lag|streaming", "kafka"),
    (r"\bkubernetes|\bdeploy", "kubernetes-deploy"),
    (r"\bllm\b|\bagent", "llm-incident"),
    (r"\brag\b", "rag"),
    (r"\bapi\b", "api-change"),
    (r"seguranca|security|vulnerab", "security"),
    (r"\bcusto|\bcost", "cost-latency"),
    (r"latencia|latency|incidente|incident", "incident"),
)


def playbook_slug(title: str) -> str:
    """Stable kebab slug for a playbook title (known topics get short slugs)."""
    low = _strip_accents(title).lower()
    for pattern, slug in _PLAYBOOK_SLUGS:
        if re.search(pattern, low):
            return slug
    return slugify(title, 40)


def _detect_lang(text: str) -> str:
    low = _strip_accents(text[:20000]).lower()
    pt = len(re.findall(r"\b(nao|para|com|uma|voce|sem|quando|ou|dos|das|sao|mudanca|falhas?|servicos?)\b", low))
    en = len(re.findall(r"\b(the|and|with|when|without|you|should|must|for|of|is|are)\b", low))
    return "pt-BR" if pt > en else "en"


def _parse_scalar(raw: str) -> Any:
    v = raw.strip()
    if not v:
        return ""
    if v[0] in "[{":
        try:
            return json.loads(v)
        except ValueError:
            if v[0] == "[" and v.endswith("]"):
                return [_parse_scalar(p) for p in _split_flow(v[1:-1]) if p.strip()]
            return v
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
        return v[1:-1]
    low = v.lower()
    if low in ("true", "yes", "on"):
        return True
    if low in ("false", "no", "off"):
        return False
    if low in ("null", "~"):
        return None
    if re.fullmatch(r"-?\d+", v):
        return int(v)
    if re.fullmatch(r"-?\d+\.\d+", v):
        return float(v)
    return v


def _split_flow(text: str) -> list[str]:
    parts, buf, quote = [], [], ""
    for ch in text:
        if quote:
            buf.append(ch)
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
            buf.append(ch)
        elif ch == ",":
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    parts.append("".join(buf))
    return parts


def _parse_front_matter(lines: list[str]) -> tuple[dict[str, Any], int, list[str]]:
    """Return (front_matter, index of first body line, errors)."""
    if not lines or lines[0].strip() != "---":
        return {}, 0, []
    data: dict[str, Any] = {}
    errors: list[str] = []
    last_key: str | None = None
    for i in range(1, min(len(lines), 500)):
        line = lines[i]
        if line.strip() in ("---", "..."):
            return data, i + 1, errors
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = re.match(r"^([A-Za-z_][\w.-]*)\s*:\s*(.*)$", line)
        if m and not line[0].isspace():
            last_key = m.group(1)
            data[last_key] = _parse_scalar(m.group(2)) if m.group(2).strip() else []
            continue
        m = re.match(r"^\s+-\s+(.*)$", line)
        if m and last_key is not None:
            cur = data.get(last_key)
            if not isinstance(cur, list):
                cur = [] if cur in ("", None) else [cur]
            cur.append(_parse_scalar(m.group(1)))
            data[last_key] = cur
            continue
        errors.append(f"front matter line {i + 1} not understood")
    errors.append("front matter not closed")
    return {}, 0, errors


_ORIGIN_SPLIT = re.compile(r"\s*\b(?:Origem|Origin|Sources?|Fontes?)\s*:\s*", re.IGNORECASE)
_ITEM_RE = re.compile(
    r"^\s*(?:[-*+]\s+)?(?:\*\*|__)?(?P<prefix>[A-Z]{1,4})(?P<num>\d{1,3})(?:\*\*|__)?\s*(?::|\)|\s[-–—])\s*(?:\*\*|__)?\s*(?P<text>\S.*)$"
)
_HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_NUM_SECTION_RE = re.compile(r"^#{2,6}\s+(?:\S+\s+)?(\d{1,3})[.)]\s+(.+?)\s*$")
_NUM_LINE_RE = re.compile(r"^\s*(\d{1,3})[).]\s+(.*)$")
_BULLET_RE = re.compile(r"^\s*[-*+•]\s+(.*)$")
_BLOCK_RE = re.compile(r"^\s*(?:#{1,6}\s*)?(?:\*\*)?(Playbook|Template)(?:\*\*)?\s*:\s*(.+?)\s*$", re.IGNORECASE)
_QB_RE = re.compile(r"^\s*(?:#{1,6}\s*)?(?:\*\*)?quality bar\b(.*)$", re.IGNORECASE)

_FIELD_LABELS = {
    "when_to_use": ("quando usar", "when to use", "use when"),
    "goal": ("objetivo", "goal", "objective", "purpose"),
    "min_inputs": ("entradas min.", "entradas min", "entradas minimas", "entradas", "minimum inputs", "min inputs", "min. inputs", "inputs"),
    "steps": ("passos", "steps"),
    "outputs": ("saidas", "outputs"),
    "qa_checklist": ("qa checklist", "checklist de qa", "checklist qa", "qa"),
    "common_mistakes": ("erros comuns", "common mistakes", "pitfalls"),
    "alerts": ("alertas", "alerts"),
    "escalation": ("escalonar", "escalate", "escalation", "escalar"),
    "sources": ("origem", "origin", "source", "sources", "fonte", "fontes"),
    "skeleton": ("copy/paste", "copy-paste", "copiar/colar", "skeleton"),
}
_LABEL_LOOKUP = {label: name for name, labels in _FIELD_LABELS.items() for label in labels}
_LABEL_RE = re.compile(r"^\s*(?:[-*]\s+)?(?:\*\*)?([^:]{2,40}?)(?:\*\*)?\s*:\s*(?:\*\*)?\s*(.*)$")


def _label_of(line: str, allowed: Iterable[str] | None = None) -> tuple[str, str] | None:
    m = _LABEL_RE.match(line)
    if not m:
        return None
    label = _strip_accents(m.group(1)).strip().lower()
    name = _LABEL_LOOKUP.get(label)
    if name is None or (allowed is not None and name not in allowed):
        return None
    return name, m.group(2).strip()


def _split_sources(text: str) -> tuple[str, ...]:
    text = text.strip().rstrip(".").strip()
    if not text:
        return ()
    parts = [p.strip().rstrip(".").strip() for p in re.split(r"\s+\+\s+|;\s+", text)]
    return tuple(p for p in parts if p)


def _title_from(statement: str, kind: str) -> str:
    s = statement.strip()
    m = re.match(r"^[“\"«]([^”\"»]+)[”\"»]\s*(?:$|\(|[.;:])", s)
    if m:
        return m.group(1).strip()
    if kind == "cause_effect" and len(s) <= 160:
        return s.rstrip(".")
    m = re.match(r"^(.{8,140}?)(?::\s|\.\s|;\s|\s\(|$)", s)
    title = (m.group(1) if m else s).strip().rstrip(".:")
    if len(title) > 140:
        title = title[:139].rsplit(" ", 1)[0] + "…"
    return title
