"""Parsing a guide's text per shape: one-line items, playbooks, templates, the quality bar,
numbered sections, headings as a last resort."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .encoding import repair_mojibake
from .model import Entry, SourceLocation
from .guide_model import Guide, PREFIX_KINDS
from .guide_text import _BLOCK_RE, _BULLET_RE, _HEADING_RE, _ITEM_RE, _NUM_LINE_RE, _NUM_SECTION_RE, _ORIGIN_SPLIT, _QB_RE, _detect_lang, _label_of, _parse_front_matter, _split_sources, _title_from, playbook_slug, slugify


# ---------------------------------------------------------------- parser

def parse_guide_text(text: str, path: str | os.PathLike[str] = "<memory>", *, repair: bool = True) -> Guide:
    """Parse guide text (already decoded) into a ``Guide``; never raises."""
    guide = Guide(path=Path(path))
    try:
        _parse_into(guide, text, repair=repair)
    except Exception as exc:  # noqa: BLE001  # pragma: no cover - defensive: partial guide instead of a crash
        guide.errors.append(f"parser error: {type(exc).__name__}: {exc}")
    return guide


def _parse_into(guide: Guide, text: str, *, repair: bool) -> None:
    if repair:
        text, codec = repair_mojibake(text)
        guide.repaired_from = codec
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    fm, start, fm_errors = _parse_front_matter(lines)
    guide.front_matter = fm
    guide.errors.extend(fm_errors)
    lang = fm.get("lang") or fm.get("language") or fm.get("locale")
    guide.lang = "pt-BR" if isinstance(lang, str) and lang.lower().startswith("pt") else ("en" if isinstance(lang, str) and lang else _detect_lang(text))
    spath = str(guide.path)
    L = guide.lang
    entries: list[Entry] = []
    headings: list[tuple[int, int, str]] = []  # (line index, level, text)
    seen_ids: set[str] = set()
    counters = {"PB": 0, "TPL": 0}
    slugs: set[str] = set()

    def loc(i: int, j: int) -> SourceLocation:
        return SourceLocation(spath, i + 1, j + 1)

    def add(entry: Entry) -> None:
        if entry.id in seen_ids:
            guide.errors.append(f"duplicate id {entry.id} at line {entry.location.line if entry.location else '?'} ignored")
            return
        seen_ids.add(entry.id)
        entries.append(entry)

    i = start
    n = len(lines)
    while i < n:
        line = lines[i]
        stripped = line.strip()
        if not stripped:
            i += 1
            continue
        # --- Playbook / Template blocks
        m = _BLOCK_RE.match(line)
        if m:
            kind_word = m.group(1).lower()
            title = m.group(2).strip().strip("*").strip()
            j, fields, sources = _parse_block(lines, i + 1, template=(kind_word == "template"))
            if kind_word == "playbook":
                counters["PB"] += 1
                eid = f"PB{counters['PB']}"
                kind = "playbook"
                slug = playbook_slug(title)
            else:
                counters["TPL"] += 1
                eid = f"TPL{counters['TPL']}"
                kind = "template"
                slug = slugify(title, 40)
            base, k = slug, 2
            while slug in slugs:
                slug = f"{base}-{k}"
                k += 1
            slugs.add(slug)
            body = "\n".join(lines[i : j]).strip()
            add(
                Entry(
                    id=eid,
                    kind=kind,
                    title={L: title},
                    body={L: body},
                    sources=sources,
                    slug=slug,
                    aliases=(title,),
                    fields={name: {L: value} for name, value in fields.items()},
                    location=loc(i, j - 1),
                    lang=L,
                    builtin=False,
                )
            )
            i = j
            continue
        # --- Quality bar paragraph
        m = _QB_RE.match(line)
        if m and "QB" not in seen_ids:
            j = i + 1
            items: list[str] = []
            while j < n and lines[j].strip() and not _HEADING_RE.match(lines[j]):
                items.append(lines[j].strip())
                j += 1
            if items:
                add(
                    Entry(
                        id="QB",
                        kind="quality_bar",
                        title={L: stripped.lstrip("#").strip().strip("*")},
                        body={L: "\n".join(items)},
                        fields={"items": {L: items}},
                        location=loc(i, j - 1),
                        lang=L,
                        builtin=False,
                    )
                )
                i = j
                continue
        # --- numbered sections  ### n. Title
        m = _NUM_SECTION_RE.match(line)
        if m:
            num = int(m.group(1))
            title = m.group(2).strip()
            j = i + 1
            while j < n and not _HEADING_RE.match(lines[j]) and lines[j].strip() not in ("---", "***", "___"):
                j += 1
            block = lines[i + 1 : j]
            while block and not block[-1].strip():
                block.pop()
            end = i + len(block)
            bullets = [bm.group(1).strip() for bm in (_BULLET_RE.match(b) for b in block) if bm]
            add(
                Entry(
                    id=f"T§{num}",
                    kind="fault_tolerance_rule",
                    title={L: title},
                    body={L: "\n".join(b.rstrip() for b in block).strip()},
                    fields={"bullets": {L: bullets}} if bullets else {},
                    slug=slugify(title, 40),
                    aliases=(f"T{num}", f"§{num}", title),
                    location=loc(i, end),
                    lang=L,
                    builtin=False,
                )
            )
            headings.append((i, len(line) - len(line.lstrip("#")), title))
            i = j
            continue
        hm = _HEADING_RE.match(line)
        if hm:
            headings.append((i, len(hm.group(1)), hm.group(2).strip()))
            if guide.title is None and len(hm.group(1)) == 1:
                guide.title = hm.group(2).strip()
            i += 1
            continue
        # --- one-line items  H5: “…” Origem: …
        m = _ITEM_RE.match(line)
        if m:
            prefix = m.group("prefix")
            kind = PREFIX_KINDS.get(prefix, "item")
            eid = f"{prefix}{int(m.group('num'))}"
            parts = _ORIGIN_SPLIT.split(m.group("text"), maxsplit=1)
            statement = parts[0].strip()
            sources = _split_sources(parts[1]) if len(parts) > 1 else ()
            add(
                Entry(
                    id=eid,
                    kind=kind,
                    title={L: _title_from(statement, kind)},
                    body={L: statement},
                    sources=sources,
                    location=loc(i, i),
                    lang=L,
                    builtin=False,
                )
            )
            i += 1
            continue
        i += 1

    if not entries and headings:
        # unknown shape: headings become sections
        for k, (hi, level, htitle) in enumerate(headings):
            nxt = headings[k + 1][0] if k + 1 < len(headings) else n
            block = lines[hi + 1 : nxt]
            while block and not block[-1].strip():
                block.pop()
            slug = slugify(htitle, 40)
            add(
                Entry(
                    id=f"S{k + 1}",
                    kind="section",
                    title={L: htitle},
                    body={L: "\n".join(block).strip()},
                    slug=slug,
                    aliases=(htitle,),
                    location=loc(hi, hi + len(block)),
                    lang=L,
                    builtin=False,
                )
            )
    if not entries and not headings and text.strip():
        guide.errors.append("no recognised guide structure (no items, playbooks, numbered sections or headings)")
    guide.entries = entries


def _parse_block(lines: list[str], i: int, *, template: bool) -> tuple[int, dict[str, Any], tuple[str, ...]]:
    """Parse the labelled fields of a Playbook/Template block starting at line i."""
    fields: dict[str, Any] = {}
    sources: tuple[str, ...] = ()
    current: str | None = None
    n = len(lines)
    in_skeleton = False
    while i < n:
        line = lines[i]
        if not line.strip():
            # a blank line ends the block unless the next non-blank line is a field label
            k = i + 1
            while k < n and not lines[k].strip():
                k += 1
            if k < n and not in_skeleton and _label_of(lines[k]) and not _BLOCK_RE.match(lines[k]):
                i = k
                continue
            break
        if _BLOCK_RE.match(line) or _HEADING_RE.match(line):
            break
        allowed = ("common_mistakes", "sources") if in_skeleton else None
        lab = _label_of(line, allowed)
        if lab:
            name, value = lab
            if name == "sources":
                sources = _split_sources(value)
                current = None
            elif name == "skeleton" and template:
                in_skeleton = True
                current = "skeleton"
                fields["skeleton"] = [value] if value else []
            else:
                in_skeleton = False
                current = name
                fields[name] = [] if name == "steps" and not value else value
            i += 1
            continue
        if in_skeleton:
            fields.setdefault("skeleton", []).append(line.rstrip())
            i += 1
            continue
        nm = _NUM_LINE_RE.match(line) or _BULLET_RE.match(line)
        text = (nm.group(nm.lastindex) if nm else line).strip()
        if current is None:
            current = "steps"
        cur = fields.get(current)
        if isinstance(cur, list):
            cur.append(text)
        elif cur:
            if nm:
                fields[current] = [cur, text]
            else:
                fields[current] = f"{cur} {text}"
        else:
            fields[current] = [text] if nm or current == "steps" else text
        i += 1
    return i, fields, sources
