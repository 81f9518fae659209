"""Every rule's VALID/INVALID/review examples, generated into tests (one source with the docs).

VALID: no default-tier finding of the code (a review-tier finding may remain, it is opt-in).
INVALID: the code fires. Review examples: the code fires only in the review tier (confidence
medium) under `select = ["ALL"]`, and not at all with the default selection.
"""
from __future__ import annotations

import pytest

from resilint.rules.engine import analyze
from resilint.rules.model import Confidence
from resilint.rules.registry import all_rules
from resilint.rules.settings import FileSettings, Options
from ruleharness import run

CASES = [
    pytest.param(code, kind, i, src, id=f"{code}-{kind}-{i}")
    for code, rule in all_rules().items()
    for kind, examples in (("valid", rule.valid), ("invalid", rule.invalid), ("review", rule.review_examples))
    for i, src in enumerate(examples)
]


@pytest.mark.parametrize("code,kind,index,source", CASES)
def test_example(code: str, kind: str, index: int, source: str) -> None:
    findings = run(source)
    codes = [f.code for f in findings]
    assert "RES998" not in codes, f"internal error on example:\n{source}"
    default_tier = [f for f in findings if f.code == code and f.confidence is not Confidence.MEDIUM]
    if kind == "valid":
        assert not default_tier, f"{code} fired on a VALID example:\n{source}"
    elif kind == "invalid":
        assert code in codes, f"{code} did not fire on an INVALID example:\n{source}"
    else:
        assert not default_tier and code in codes, f"{code} is not review tier only on:\n{source}"
        # With the default selection the review tier is off.
        defaults = analyze(source, "example.py", FileSettings(Options())).findings
        assert code not in [f.code for f in defaults], f"{code}'s review tier is on by default:\n{source}"
