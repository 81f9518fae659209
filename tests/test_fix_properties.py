"""Properties every fix must have, over real code (the checks: tests/fix_property_checks.py).

Corpus: examples/, tests/fixtures/*.py, and a fixed sample of ~150 small stdlib modules with a
snippet appended that gives the fixable rules something to find. bench/fix_property_corpus.py
runs the same checks over the whole stdlib and real packages.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
from fix_property_checks import INJECTIONS, SETTINGS, check_file, inject, stdlib_sample
from resilint.rules.fixes import fix_all
from testpaths import FIXTURES, ROOT


def _corpus() -> list[tuple[str, Path, int]]:
    """(id, path, injection index or -1)."""
    items: list[tuple[str, Path, int]] = []
    for path in sorted((ROOT / "examples").rglob("*.py")):
        items.append((f"examples/{path.relative_to(ROOT / 'examples')}", path, -1))
    for path in sorted(FIXTURES.glob("*.py")):
        items.append((f"fixtures/{path.name}", path, -1))
    return items


STDLIB = stdlib_sample()


def _assert_clean(text: str, path: str, injected_from_line: int | None = None) -> int:
    """Check one text; fail with every violation found; returns the number of fixes offered (-1: unparsable)."""
    result = check_file(text, path, injected_from_line)
    assert not result.failures, "\n".join(result.failures)
    assert not result.too_deep, f"libcst recursed too deep on {result.too_deep}"
    return result.n_offered if result.parses else -1


@pytest.mark.parametrize("name,path,_", _corpus(), ids=[c[0] for c in _corpus()])
def test_fix_properties_on_project_files(name: str, path: Path, _: int) -> None:
    _assert_clean(path.read_text(encoding="utf-8"), str(path))


def test_fix_properties_on_stdlib_with_injections() -> None:
    assert len(STDLIB) >= 100
    offered = unparsable = skipped = 0
    for i, path in enumerate(STDLIB):
        try:
            original = path.read_text(encoding="utf-8")
            ast.parse(original)
        except (UnicodeDecodeError, SyntaxError, ValueError):
            skipped += 1
            continue
        text, first_line = inject(original, i)
        n = _assert_clean(text, str(path), injected_from_line=first_line)
        if n < 0:
            unparsable += 1
        else:
            offered += n
            assert n >= 2, f"{path}: the injected snippet offered only {n} fixes"
    assert unparsable <= 5, f"libcst could not parse {unparsable} stdlib files"
    assert offered >= 2 * (len(STDLIB) - skipped - unparsable)


def test_injected_snippets_are_fixed_in_crlf_files() -> None:
    for i, snippet in enumerate(INJECTIONS):
        text = '"""Module."""\r\n' + snippet.lstrip("\n").replace("\n", "\r\n")
        assert _assert_clean(text, f"crlf{i}.py", injected_from_line=1) >= 2
        new, _, _ = fix_all(text, f"crlf{i}.py", SETTINGS, unsafe=True)
        assert "\n" not in new.replace("\r\n", ""), "a fix wrote a bare \\n into a CRLF file"
