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

import os
import threading
from pathlib import Path

from .encoding import decode_bytes, looks_binary
from .guide_discovery import discover_guides
from .guide_model import AUTO_DISCOVERY_PATTERNS, MAX_GUIDE_BYTES, Guide, resolve_in_guides
from .guide_parser import parse_guide_text
from .guide_text import playbook_slug, slugify

__all__ = [
    "AUTO_DISCOVERY_PATTERNS",
    "MAX_GUIDE_BYTES",
    "Guide",
    "clear_guide_cache",
    "discover_guides",
    "load_guide",
    "parse_guide_text",
    "playbook_slug",
    "resolve_in_guides",
    "slugify",
]


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
