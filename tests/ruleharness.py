"""Helpers shared by the rule tests: run the engine with every rule on, read expectations."""
from __future__ import annotations

import re
from pathlib import Path

from resilint.rules.engine import analyze
from resilint.rules.settings import FileSettings, Options

_EXPECT = re.compile(r"#\s*expect:\s*([A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*)")


def all_rules_settings(**options) -> FileSettings:
    return FileSettings(Options.model_validate({"select": ["ALL"], **options}))


def run(source: str, path: str = "example.py", **options):
    return analyze(source, path, all_rules_settings(**options)).findings


def expectations(text: str) -> set[tuple[int, str]]:
    """{(1-based line, code)} from `# expect: CODE[, CODE]` comments."""
    out: set[tuple[int, str]] = set()
    for number, line in enumerate(text.splitlines(), 1):
        m = _EXPECT.search(line)
        if m:
            for code in m.group(1).split(","):
                out.add((number, code.strip()))
    return out


def fixture_path(code: str) -> Path:
    return Path(__file__).parent / "fixtures" / f"{code}.py"
