"""Every rule's VALID/INVALID examples, generated into tests (one source with the docs)."""
from __future__ import annotations

import pytest

from resilint.rules.registry import all_rules
from ruleharness import run

CASES = [
    pytest.param(code, kind, i, src, id=f"{code}-{kind}-{i}")
    for code, rule in all_rules().items()
    for kind, examples in (("valid", rule.valid), ("invalid", rule.invalid))
    for i, src in enumerate(examples)
]


@pytest.mark.parametrize("code,kind,index,source", CASES)
def test_example(code: str, kind: str, index: int, source: str) -> None:
    codes = [f.code for f in run(source)]
    assert "RES998" not in codes, f"internal error on example:\n{source}"
    if kind == "valid":
        assert code not in codes, f"{code} fired on a VALID example:\n{source}"
    else:
        assert code in codes, f"{code} did not fire on an INVALID example:\n{source}"
