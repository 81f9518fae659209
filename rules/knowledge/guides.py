"""Team-guide loader: parse a team's engineering guide into ``Entry`` objects.

Recognised shapes (the team's text is kept verbatim, after mojibake repair):

* YAML-ish front matter between ``---`` lines at the top (``key: value``,
  quoted strings, ``[a, b]`` / JSON lists, true/false, numbers).
* One-line items ``H5: “…” Origem: …`` with the prefixes ``H`` (heuristic),
  ``P`` (pillar), ``RF`` (red flag), ``ES`` (early signal), ``C`` (cause →
  effect).  Any other ``ABC12:`` prefix becomes kind ``item``.  Text after
  ``Origem:``/``Origin:``/``Source(s):``/``Fonte(s):`` becomes ``sources``
  (split on `` + ``).  Optional list bullets / bold markers are accepted.
* ``Playbook: <title>`` blocks with labelled fields (Portuguese or English
  labels: Quando usar/When to use, Objetivo/Goal, Entradas mín./Minimum
  inputs, Passos/Steps (numbered lines), Saídas/Outputs, QA checklist, Erros
  comuns/Common mistakes, Alertas/Alerts, Escalonar/Escalate, Origem/Source).
  IDs ``PB1``, ``PB2``… in file order, plus a kebab ``slug``.
* ``Template: <title>`` blocks (Quando usar, Copy/paste skeleton, Erros
  comuns, Origem): IDs ``TPL1``…
* A ``Quality bar`` paragraph: ID ``QB``; each ``Label: …`` line is an item.
* Numbered sections ``### n. Title`` followed by bullets: ID ``T§n``.
  Scheme: "T" = team rule; ``T§n`` is section *n* of the guide, which is how
  the rule catalog cites the fault-tolerance rules prompt (seed 004).
* Anything else: when no entry of the shapes above was found, each Markdown
  heading becomes a ``section`` entry ``S1``, ``S2``… (with a slug alias).

Every entry records ``location`` = (path, 1-based line, end line).  The loader
never raises on bad input: binary, unreadable or oversized files give an empty
or partial ``Guide`` whose ``errors`` explain what happened.
"""

from __future__ import annotations

import json
import os
import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .encoding import decode_bytes, looks_binary, repair_mojibake
from .model import Entry, SourceLocation

__all__ = [
    "AUTO_DISCOVERY_PATTERNS",
    "MAX_GUIDE_BYTES",
    "Guide",
    "clear_guide_cache",
    "discover_guides",
    "load_guide",
    "parse_guide_text",
    "playbook_slug",
    "slugify",
]

MAX_GUIDE_BYTES = 1_000_000

AUTO_DISCOVERY_PATTERNS = (
    ".cursor/rules/**/*.mdc",
    ".github/prompts/*.prompt.md",
    ".github/copilot-instructions.md",
    "AGENTS.md",
)

PREFIX_KINDS = {
    "H": "heuristic",
    "P": "pillar",
    "RF": "red_flag",
    "ES": "early_signal",
    "C": "cause_effect",
}


@dataclass
class Guide:
    """A parsed team guide."""

    path: Path
    entries: list[Entry] = field(default_factory=list)
    front_matter: dict[str, Any] = field(default_factory=dict)
    title: str | None = None
    lang: str = "en"
    encoding: str = "utf-8"
    repaired_from: str | None = None  # codec of the repaired mojibake, if any
    errors: list[str] = field(default_factory=list)
    truncated: bool = False

    def get(self, entry_id: str) -> Entry | None:
        for entry in self.entries:
            if entry.id == entry_id:
                return entry
        return None

    def by_kind(self, kind: str) -> list[Entry]:
        return [e for e in self.entries if e.kind == kind]

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for e in self.entries:
            out[e.kind] = out.get(e.kind, 0) + 1
        return out

    def resolve(self, ref: str) -> Entry | None:
        """Find an entry of this guide by ID, slug or alias (case/accents-insensitive)."""
        key = _norm(ref)
        for e in self.entries:
            if _norm(e.id) == key or (e.slug and _norm(e.slug) == key) or any(_norm(a) == key for a in e.aliases):
                return e
        m = re.fullmatch(r"t\W*(\d+)", key)
        if m:
            return self.get(f"T§{int(m.group(1))}")
        return None


def resolve_in_guides(guides: Iterable[Guide], ref: str) -> Entry | None:
    """First team-guide entry matching ``ref`` (ID, slug, alias) across ``guides``, in order.

    Lets a hover show the team's own wording ("file:line") next to the
    built-in entry returned by ``resolve_ref``.
    """
    for guide in guides:
        hit = guide.resolve(ref)
        if hit is not None:
            return hit
    return None


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


# ---------------------------------------------------------------- file loading + cache

_CACHE: dict[str, tuple[int, int, Guide]] = {}
_CACHE_LOCK = threading.Lock()
_CACHE_MAX = 64


def clear_guide_cache() -> None:
    with _CACHE_LOCK:
        _CACHE.clear()


def load_guide(path: str | os.PathLike[str], *, use_cache: bool = True, max_bytes: int = MAX_GUIDE_BYTES) -> Guide:
    """Load and parse a team guide; never raises.

    Results are cached by (resolved path, mtime_ns, size): reloading an
    unchanged file is a dict lookup, a changed file is parsed again.
    """
    p = Path(path)
    try:
        st = p.stat()
    except OSError as exc:
        return Guide(path=p, errors=[f"cannot stat {p}: {exc.strerror or exc}"])
    if not p.is_file():
        return Guide(path=p, errors=[f"{p} is not a regular file"])
    try:
        key = str(p.resolve()) if use_cache else ""
    except (OSError, RuntimeError):
        key = str(p.absolute())
    if use_cache:
        with _CACHE_LOCK:
            hit = _CACHE.get(key)
        if hit and hit[0] == st.st_mtime_ns and hit[1] == st.st_size:
            return hit[2]
    guide = _load_uncached(p, st.st_size, max_bytes)
    if use_cache:
        with _CACHE_LOCK:
            if len(_CACHE) >= _CACHE_MAX:
                _CACHE.pop(next(iter(_CACHE)))
            _CACHE[key] = (st.st_mtime_ns, st.st_size, guide)
    return guide


def _load_uncached(p: Path, size: int, max_bytes: int) -> Guide:
    errors: list[str] = []
    truncated = False
    try:
        with open(p, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        return Guide(path=p, errors=[f"cannot read {p}: {exc.strerror or exc}"])
    if len(data) > max_bytes or size > max_bytes:
        truncated = True
        data = data[:max_bytes]
        cut = data.rfind(b"\n")
        if cut > 0:
            data = data[:cut]
        errors.append(f"file larger than {max_bytes} bytes: only the first part was parsed")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, enc = decode_bytes(data)
    elif looks_binary(data):
        return Guide(path=p, errors=errors + ["binary file: not parsed"], truncated=truncated)
    else:
        text, enc = decode_bytes(data)
        if enc != "utf-8":
            errors.append(f"file is not valid UTF-8: decoded as {enc}")
    guide = parse_guide_text(text, p)
    guide.encoding = enc
    guide.truncated = truncated
    guide.errors[:0] = errors
    return guide


# ---------------------------------------------------------------- discovery

def _within(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
        return True
    except ValueError:
        return False


def _walk_files(root: Path, base: Path) -> Iterable[Path]:
    """Files under ``base`` without following directory symlinks."""
    if not base.is_dir() or base.is_symlink():
        return
    for dirpath, dirnames, filenames in os.walk(base, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not (Path(dirpath) / d).is_symlink())
        for name in sorted(filenames):
            yield Path(dirpath) / name


def discover_guides(workspace_root: str | os.PathLike[str], configured: Iterable[str] | None = None) -> list[Path]:
    """Team guides of a workspace: auto-discovered files plus configured paths.

    Auto-discovered: ``.cursor/rules/**/*.mdc``, ``.github/prompts/*.prompt.md``,
    ``.github/copilot-instructions.md``, ``AGENTS.md``.  A candidate whose real
    path (symlinks resolved) leaves the workspace is skipped.  Configured
    entries are paths (relative to the workspace, ``~`` allowed) or glob
    patterns; an explicitly named file may live outside the workspace, but a
    glob only yields files inside it.  Returns existing regular files, in
    order, without duplicates.
    """
    root = Path(workspace_root).expanduser()
    try:
        real_root = root.resolve()
    except (OSError, RuntimeError):
        return []
    found: list[Path] = []
    seen: set[Path] = set()

    def consider(candidate: Path, *, explicit: bool) -> None:
        try:
            real = candidate.resolve()
            if not real.is_file():
                return
        except (OSError, RuntimeError):  # RuntimeError: symlink loop (Python < 3.13)
            return
        if not explicit and not _within(real, real_root):
            return
        if real in seen:
            return
        seen.add(real)
        found.append(candidate)

    if real_root.is_dir():
        cursor = root / ".cursor" / "rules"
        for f in _walk_files(root, cursor):
            if f.name.endswith(".mdc"):
                consider(f, explicit=False)
        prompts = root / ".github" / "prompts"
        if prompts.is_dir() and not prompts.is_symlink():
            for f in sorted(prompts.glob("*.prompt.md")):
                consider(f, explicit=False)
        for rel in (".github/copilot-instructions.md", "AGENTS.md"):
            consider(root / rel, explicit=False)

    for raw in configured or ():
        if not raw or not str(raw).strip():
            continue
        spec = os.path.expanduser(str(raw).strip())
        if any(ch in spec for ch in "*?["):
            pattern_path = Path(spec)
            if not pattern_path.is_absolute():
                pattern_path = root / pattern_path
            # anchor = longest wildcard-free prefix
            parts = []
            for part in pattern_path.parts:
                if any(c in part for c in "*?["):
                    break
                parts.append(part)
            anchor = Path(*parts) if parts else root
            if not anchor.is_dir():
                continue
            rest = str(pattern_path.relative_to(anchor)) if parts else str(pattern_path)
            for f in sorted(anchor.glob(rest)):
                consider(f, explicit=False)
            continue
        candidate = Path(spec)
        if not candidate.is_absolute():
            candidate = root / candidate
        consider(candidate, explicit=True)
    return found
