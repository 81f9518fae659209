"""Peers' suppressions: the ruff / flake8 (`# noqa: S110`) and bandit (`# nosec B110`) codes
that mean the same as a resilint rule. A team that already decided a line for its other linter
is not asked again (RULES.md, "From application code").

ruff's `S` codes are flake8-bandit's renumbering of bandit's tests, so `S110` and `B110` are the
same check; `ASYNC2xx` are flake8-async's blocking calls in `async def`. The table is shown in
docs/suppressions.md and by `resilint rule --peer-suppressions`. Peers' comments are never judged
by RES900: an unused `# noqa: S110` is ruff's business.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

#: resilint code -> the peers' codes that suppress it (ruff/flake8 `S`, bandit `B`).
TABLE: dict[str, tuple[str, ...]] = {
    "RES001": ("S113", "B113"),
    "RES021": ("S110", "S112", "BLE001", "B110", "B112"),
    "RES030": ("ASYNC2xx",),
    "SEC001": ("S501", "B501"),
    "SEC002": ("S602", "S604", "S605", "B602", "B604", "B605"),
    "SEC003": ("S608", "B608"),
    "SEC004": ("S301", "S403", "B301", "B403"),
    "SEC005": ("S102", "S307", "B102", "B307"),
    "SEC006": ("S105", "S106", "S107", "B105", "B106", "B107"),
    "SEC007": ("S201", "B201"),
    "SEC009": ("S311", "S324", "B311", "B324"),
    "SEC012": ("S306", "B306"),
    "SEC013": ("S313", "S314", "S315", "S316", "S317", "S318", "S319", "S320",
               "B313", "B314", "B315", "B316", "B317", "B318", "B319", "B320"),
    "SEC014": ("S104", "B104"),
}

#: `respect-peer-suppressions`: "codes" = peers' comments naming a code of the table suppress its
#: resilint rule, and a bare `# nosec` (bandit: skip every test on this line) suppresses the rules
#: that have a bandit equivalent (default); "all" = a bare `# nosec` suppresses every finding on its
#: line; "none" = peers' comments are ignored. (A bare `# noqa` is resilint's own, always suppresses.)
Mode = Literal["codes", "all", "none"]

_ASYNC_BLOCKING = re.compile(r"^ASYNC2[0-9][0-9]$")
_BY_PEER: dict[str, str] = {peer: ours for ours, peers in TABLE.items() for peer in peers if "x" not in peer}


def _bandit(peer: str) -> bool:
    return peer.startswith("B") and peer != "BLE001"  # BLE001 is flake8-blind-except's, not bandit's


#: The rules a bare `# nosec` suppresses in the default mode: those bandit has a test for. A team
#: that silenced bandit on a line (in real code: `pickle.loads(...)  # nosec` with a written reason)
#: decided that line's security question; resilint's rules with no bandit test still report.
BANDIT_EQUIVALENTS: frozenset[str] = frozenset(ours for ours, peers in TABLE.items() if any(map(_bandit, peers)))


@lru_cache(maxsize=512)
def suppressed_by(codes: tuple[str, ...]) -> frozenset[str]:
    """The resilint codes that a peer's comment naming `codes` suppresses."""
    out = {_BY_PEER[c] for c in codes if c in _BY_PEER}
    if any(_ASYNC_BLOCKING.match(c) for c in codes):
        out.add("RES030")
    return frozenset(out)


def table_markdown() -> str:
    rows = ["| resilint | ruff / flake8 (`# noqa: ...`) | bandit (`# nosec ...`) |", "|---|---|---|"]
    for ours, peers in TABLE.items():
        noqa = ", ".join(f"`{p}`" for p in peers if not _bandit(p))
        nosec = ", ".join(f"`{p}`" for p in peers if _bandit(p))
        rows.append(f"| {ours} | {noqa} | {nosec or '—'} |")
    return "\n".join(rows) + "\n"


def rule_line(code: str) -> list[str]:
    """The header line of a rule's docs naming the peers' codes that suppress it."""
    peers = TABLE.get(code)
    if not peers:
        return []
    return ["- Peers' suppressions: " + ", ".join(f"`{p}`" for p in peers)
            + " (`# noqa: ...` / `# nosec ...`; setting `respect-peer-suppressions`)"]
