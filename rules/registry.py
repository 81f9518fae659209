"""The one registry of codes: every rule module under the family packages, discovered once."""
from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from .model import Rule

FAMILIES = ("res", "sec", "llm", "db")


def rule_module_names() -> list[str]:
    """The rule modules, one rule each (the `_helpers` beside them are not rules)."""
    names = []
    for family in FAMILIES:
        try:
            package = importlib.import_module(f"{__package__}.{family}")
        except ModuleNotFoundError:
            continue
        names += [f"{package.__name__}.{info.name}"
                  for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name)
                  if not info.name.startswith("_")]
    return names


@lru_cache(maxsize=1)
def all_rules() -> dict[str, type[Rule]]:
    rules: dict[str, type[Rule]] = {}
    for name in rule_module_names():
        module = importlib.import_module(name)
        found = [
            obj
            for obj in vars(module).values()
            if isinstance(obj, type) and issubclass(obj, Rule) and obj is not Rule
            and obj.__module__ == module.__name__
        ]
        if len(found) != 1:
            raise RuntimeError(f"{module.__name__} must define exactly one Rule, found {len(found)}")
        rule = found[0]
        if rule.code in rules:
            raise RuntimeError(f"duplicate rule code {rule.code} in {module.__name__}")
        rules[rule.code] = rule
    return dict(sorted(rules.items()))


def get_rule(code: str) -> type[Rule] | None:
    return all_rules().get(code.upper())


def codes_matching(prefix: str) -> list[str]:
    """Codes selected by a selector: "ALL", a family ("RES"), a prefix ("RES0") or a code."""
    prefix = prefix.strip().upper()
    if prefix == "ALL":
        return list(all_rules())
    return [code for code in all_rules() if code.startswith(prefix)]


def default_codes() -> list[str]:
    return [code for code, rule in all_rules().items() if rule.default_enabled]
