"""A parsed team guide (`Guide`) and finding an entry across guides."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .model import Entry
from .guide_text import _norm


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
