"""The one registry ties every code to its module, docs, examples, fixture, docs page and guide refs."""
from __future__ import annotations

import re

import pytest

from testpaths import FIXTURES, ROOT
from resilint.rules.docs import SECTIONS, generated_pages, sections
from resilint.rules.registry import all_rules

ENGINE_CODES = {"RES998", "RES999"}
RULES = list(all_rules().items())


@pytest.mark.parametrize("code,rule", RULES, ids=[c for c, _ in RULES])
def test_rule_is_complete(code: str, rule) -> None:
    assert re.fullmatch(r"(RES|SEC|LLM|DB)\d{3}", code)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name), "name must be kebab-case"
    module = rule.__module__.rsplit(".", 1)[-1]
    assert module == f"{code.lower()}_{rule.name.replace('-', '_')}", f"module should be named {code.lower()}_{rule.name.replace('-', '_')}.py"
    assert rule.message and rule.severity
    assert list(sections(rule)) == list(SECTIONS), "docs need exactly ruff's six sections, in order"
    assert all(sections(rule).values()), "no empty docs section"
    if rule.fix_applicability is not None:
        assert rule.fix_applicability in ("safe", "unsafe") and rule.fix_title
        assert rule.fix_applicability in sections(rule)["Fix safety"].lower()
    if code not in ENGINE_CODES | {"RES900"}:
        assert rule.refs, "every catalog rule cites the guide"
        assert rule.valid and rule.invalid, "VALID and INVALID examples are required"
    if code != "RES998":
        assert (FIXTURES / f"{code}.py").exists(), f"missing tests/fixtures/{code}.py"


def test_guide_refs_resolve() -> None:
    from resilint.rules import knowledge

    unresolved = {
        code: [ref for ref in rule.refs if knowledge.resolve_ref(ref) is None]
        for code, rule in RULES
    }
    unresolved = {k: v for k, v in unresolved.items() if v}
    assert not unresolved, f"refs pointing nowhere in the knowledge base: {unresolved}"


def test_docs_pages_are_fresh() -> None:
    docs = ROOT / "docs" / "rules"
    stale = [name for name, text in generated_pages().items()
             if not (docs / name).exists() or (docs / name).read_text(encoding="utf-8") != text]
    extra = [p.name for p in docs.glob("*.md") if p.name not in generated_pages()]
    assert not stale and not extra, (
        f"docs/rules is out of date ({stale or extra}); regenerate with `python -m resilint.rules.docs`"
    )
