"""Built-in knowledge entries (``data/entries.json``) and reference resolution."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

from .model import Entry

__all__ = ["all_entries", "entries_of_kind", "get_entry", "resolve_ref", "resolve_refs", "split_refs"]


def _load_json(name: str) -> dict:
    text = resources.files(__package__).joinpath("data").joinpath(name).read_text(encoding="utf-8")
    return json.loads(text)


@lru_cache(maxsize=1)
def _entries() -> tuple[Entry, ...]:
    data = _load_json("entries.json")
    return tuple(Entry.from_dict(d) for d in data["entries"])


@lru_cache(maxsize=1)
def _by_id() -> dict[str, Entry]:
    return {e.id: e for e in _entries()}


def _fold(text: str) -> str:
    s = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).lower()
    s = s.replace("§", " s ")
    return re.sub(r"[^a-z0-9]+", " ", s).strip()


@lru_cache(maxsize=1)
def _alias_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for e in _entries():
        names = [e.id, *(e.aliases or ())]
        if e.slug:
            names.append(e.slug)
        if e.kind in ("playbook", "template", "quality_bar_item", "fault_tolerance_rule"):
            names.extend(e.title.values())
        for name in names:
            index.setdefault(_fold(name), e.id)
    return index


def get_entry(entry_id: str) -> Entry | None:
    """Exact lookup by canonical ID (``H5``, ``PB9``, ``T§6``, ``QB-reversible-migrations``, ``A01``, ``LLM01``)."""
    return _by_id().get(entry_id)


def all_entries() -> list[Entry]:
    """Every built-in entry, in a stable order (guide order, then OWASP)."""
    return list(_entries())


def entries_of_kind(kind: str) -> list[Entry]:
    return [e for e in _entries() if e.kind == kind]


_ID_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(h|p|rf|es|c|pb|tpl)\s*-?\s*0*(\d{1,3})$", re.IGNORECASE), "{P}{n}"),
    (re.compile(r"^t\s*§?\s*-?\s*0*(\d{1,3})$", re.IGNORECASE), "T§{n}"),
    (re.compile(r"^§\s*0*(\d{1,3})$"), "T§{n}"),
    (re.compile(r"^(?:owasp[\s_-]*(?:top[\s_-]*10[\s_-]*)?(?:2021)?[\s:_-]*)?a\s*0?(\d{1,2})(?:\s*:\s*2021)?$", re.IGNORECASE), "A{n2}"),
    (re.compile(r"^(?:owasp[\s_-]*(?:top[\s_-]*10[\s_-]*)?(?:for[\s_-]*)?llm[\s_-]*(?:apps?|applications)?[\s_-]*(?:2025)?[\s:_-]*)?llm\s*0?(\d{1,2})(?:\s*:\s*2025)?$", re.IGNORECASE), "LLM{n2}"),
)


def _canonical_id(ref: str) -> str | None:
    for pattern, fmt in _ID_PATTERNS:
        m = pattern.match(ref)
        if not m:
            continue
        groups = m.groups()
        num = int(groups[-1])
        if fmt == "{P}{n}":
            return f"{groups[0].upper()}{num}"
        return fmt.format(n=num, n2=f"{num:02d}")
    return None


_PREFIX_WORDS = re.compile(r"^(?:quality\s*bar|qb)\b\s*[:\-–—]?\s*", re.IGNORECASE)
_PLAYBOOK_WORDS = re.compile(r"^(?:playbook)\b\s*[:\-–—]?\s*|\s*\bplaybook$", re.IGNORECASE)
_TEMPLATE_WORDS = re.compile(r"^(?:template)\b\s*[:\-–—]?\s*|\s*\btemplate$", re.IGNORECASE)


def resolve_ref(ref: str) -> Entry | None:
    """Resolve a reference as written in RULES.md, docs or a hover to an entry.

    Accepts canonical IDs in any case/spacing (``H5``, ``h 5``, ``T§6``,
    ``T6``, ``§6``, ``A02:2021``, ``OWASP A02``, ``LLM01:2025``,
    ``OWASP-LLM LLM01``), playbook names (``Migration playbook``,
    ``Playbook: postgres``, ``PB9``, Portuguese titles), quality-bar items
    (``Quality bar "migrações reversíveis"``, ``QB-reversible-migrations``),
    slugs, aliases and titles (accent/case-insensitive).  A combined ref such
    as ``A02/A07`` resolves to its first part (see ``resolve_refs``).
    """
    if not ref or not isinstance(ref, str):
        return None
    raw = ref.strip().strip("`*_ ").strip()
    raw = raw.strip("\"'“”‘’«» ")
    if not raw:
        return None
    hit = _by_id().get(raw)
    if hit:
        return hit
    cid = _canonical_id(raw)
    if cid and cid in _by_id():
        return _by_id()[cid]
    index = _alias_index()
    key = _fold(raw)
    if key in index:
        return _by_id()[index[key]]
    # "Quality bar <item>"
    if _PREFIX_WORDS.match(raw):
        rest = _PREFIX_WORDS.sub("", raw).strip().strip("\"'“”‘’«» ")
        if not rest:
            return _by_id().get("QB")
        found = _lookup_in(rest, kinds=("quality_bar_item",))
        if found:
            return found
    # "<x> playbook" / "Playbook <x>"
    if re.search(r"\bplaybook\b", raw, re.IGNORECASE):
        rest = _PLAYBOOK_WORDS.sub("", raw).strip()
        found = _lookup_in(rest, kinds=("playbook",))
        if found:
            return found
    if re.search(r"\btemplate\b", raw, re.IGNORECASE):
        rest = _TEMPLATE_WORDS.sub("", raw).strip()
        found = _lookup_in(rest, kinds=("template",))
        if found:
            return found
    # combined refs: first resolvable part
    parts = split_refs(raw)
    if len(parts) > 1:
        for part in parts:
            found = resolve_ref(part)
            if found:
                return found
    return None


def _lookup_in(text: str, kinds: Iterable[str]) -> Entry | None:
    key = _fold(text.strip("\"'“”‘’«» "))
    if not key:
        return None
    kinds = tuple(kinds)
    index = _alias_index()
    if key in index and _by_id()[index[key]].kind in kinds:
        return _by_id()[index[key]]
    # word containment: every word of the ref appears in the entry's names
    words = set(key.split())
    best: Entry | None = None
    for e in _entries():
        if e.kind not in kinds:
            continue
        names = [e.id, e.slug or "", *e.aliases, *e.title.values()]
        for name in names:
            folded = _fold(name)
            nwords = set(folded.replace("-", " ").split())
            if words <= nwords or key in folded:
                return e
    return best


def split_refs(refs: str) -> list[str]:
    """Split a refs cell (``H5, C1, T§6``; ``A02/A07``; ``LLM02/LLM05``) into single refs.

    A ``/`` splits only when both sides look like IDs, so
    ``Quality bar "migrações reversíveis"`` stays whole.
    """
    out: list[str] = []
    for chunk in re.split(r"[,;]\s*", refs or ""):
        chunk = chunk.strip()
        if not chunk:
            continue
        pieces = [p.strip() for p in chunk.split("/")]
        if len(pieces) > 1 and all(_canonical_id(p) for p in pieces):
            out.extend(pieces)
        else:
            out.append(chunk)
    return out


def resolve_refs(refs: str) -> list[Entry]:
    """Resolve every ref of a refs cell, skipping unknown ones, without duplicates."""
    seen: set[str] = set()
    out: list[Entry] = []
    for part in split_refs(refs):
        e = resolve_ref(part)
        if e and e.id not in seen:
            seen.add(e.id)
            out.append(e)
    return out
