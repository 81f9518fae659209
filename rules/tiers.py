"""Precision tiers: which codes keep their review-tier findings (`Confidence.MEDIUM`).

The default selection is for findings a maintainer accepts without argument. A rule's review tier
(the conditions listed in its `review_tier`) is off by default, like Sonar's security hotspots, and
opt-in by naming the code, a prefix of it or `ALL` in `select` / `extend-select` (`--select`,
`--extend-select` on the command line). A code enabled only because it is in the default set keeps
its default tier alone; `ignore` and `per-file-ignores` drop both tiers.
"""
from __future__ import annotations

import textwrap
from typing import Any

from .model import Confidence, Rule
from .registry import codes_matching



def explicitly_selected(options: Any) -> frozenset[str]:
    """Codes a selector of `select` / `extend-select` names (the review tier's opt-in).
    `options` is a `settings.Options`, typed Any: this module sits below `settings`."""
    codes: set[str] = set()
    for selector in [*(options.select or ()), *options.extend_select]:
        codes.update(codes_matching(selector))
    return frozenset(codes)


def tier_lines(rule: type[Rule]) -> list[str]:
    """The docs' header line on tiers: the default tier's precision, and how to opt in."""
    default = f"- Precision: {rule.confidence.value} (default tier)"
    if not rule.review_tier:
        return [default]
    return [default + f"; review tier: {Confidence.MEDIUM.value}, opt-in with "
                      f"`extend-select = [\"{rule.code}\"]` (see *Review tier* below)"]


def review_markdown(rule: type[Rule]) -> str:
    """The rule's *Review tier* section, or '' when it has none."""
    text = textwrap.dedent(rule.review_tier).strip()
    if not text:
        return ""
    return (
        "## Review tier\n\n"
        "Off by default; reported with `confidence: \"medium\"` (JSON), `properties.precision: \"medium\"` "
        f"(SARIF) and hint severity in the editor once selected (`--extend-select {rule.code}`):\n\n" + text
    )


def hover_note(rule: type[Rule], confidence: Confidence | None) -> str | None:
    """The hover card's line for a review-tier finding."""
    if confidence is not Confidence.MEDIUM:
        return None
    first = textwrap.dedent(rule.review_tier).strip().split("\n\n")[0]
    return ("*Review tier* (confidence medium): often right, needs a human look. "
            + (first if first else "")).strip()
