"""Properties every fix must have, over real code.

Corpus: examples/, tests/fixtures/*.py, and a fixed sample of ~150 small stdlib modules with a
snippet appended that gives the fixable rules something to find. For each file:

- each offered fix is the same computed from a partial parse (the statement and the imports,
  what `compute_fix` does) and from the whole file;
- each offered fix, applied alone: the result parses; its finding is gone (one fewer of its
  code) and no other finding appears; everything outside the edit ranges is byte-identical;
  the edits are trimmed (no common prefix/suffix with their replacement);
- all fixes together (`fix_all`, unsafe included): the result parses, the findings that had
  a fix are gone, and a second `fix_all` applies nothing (it converged).
"""
from __future__ import annotations

import ast
import random
import re
import sys
from collections import Counter
from pathlib import Path

import pytest
from resilint.rules.engine import analyze
from resilint.rules.fixes import FixDocument, apply_edits, compute_fix, fix_all, fixable
from resilint.rules.model import Edit
from ruleharness import all_rules_settings
from testpaths import FIXTURES, ROOT

sys.path.insert(0, str(ROOT / "bench"))
from stdlib_corpus import stdlib_files  # noqa: E402

SETTINGS = all_rules_settings()
IGNORED_CODES = {"RES900", "RES998", "RES999"}  # a fix may leave a suppression without work

INJECTIONS = (
    '''
import requests
import subprocess


def _resilint_injected_a(url, cmd):
    requests.get(url)
    subprocess.run(cmd)
    return requests.post(
        url,
        json={},  # payload
    )
''',
    '''
import asyncio
import time
import requests as _rq


async def _resilint_injected_b(url):
    time.sleep(1)
    queue = asyncio.Queue()
    return _rq.get(url, timeout=None), queue
''',
    '''
from tenacity import retry


@retry
def _resilint_injected_c(url):
    import requests
    return requests.get(url, timeout=5)
''',
    '''
import logging
import tenacity as _t


@_t.retry(reraise=True)
def _resilint_injected_d():
    try:
        pass
    except Exception:
        logging.error("failed")
''',
)


def _stdlib_sample(n: int = 150) -> list[Path]:
    small = []
    for path in stdlib_files():
        try:
            size = path.stat().st_size
        except OSError:
            continue
        if 400 <= size <= 4000:
            small.append(path)
    return random.Random(20240601).sample(small, min(n, len(small)))


def _corpus() -> list[tuple[str, Path, int]]:
    """(id, path, injection index or -1)."""
    items: list[tuple[str, Path, int]] = []
    for path in sorted((ROOT / "examples").rglob("*.py")):
        items.append((f"examples/{path.relative_to(ROOT / 'examples')}", path, -1))
    for path in sorted(FIXTURES.glob("*.py")):
        items.append((f"fixtures/{path.name}", path, -1))
    return items


STDLIB = _stdlib_sample()


def _offsets(text: str) -> list[int]:
    """Line start offsets, written independently of rules.fixes (\\r\\n, \\r, \\n end a line)."""
    starts = [0]
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\r" and text[i + 1:i + 2] == "\n":
            i += 2
            starts.append(i)
            continue
        i += 1
        if ch in "\r\n":
            starts.append(i)
    return starts


def _check_edits(old: str, new: str, edits: tuple[Edit, ...]) -> None:
    starts = _offsets(old)
    ranges = sorted(
        (starts[e.span.line] + e.span.col, starts[e.span.end_line] + e.span.end_col, e.new_text) for e in edits
    )
    rebuilt, pos = [], 0
    for start, end, new_text in ranges:
        assert pos <= start <= end, "edits overlap or go backwards"
        rebuilt.append(old[pos:start])
        rebuilt.append(new_text)
        replaced = old[start:end]
        if replaced and new_text:  # trimmed: no common first/last character (except a line break)
            assert replaced[0] != new_text[0] or replaced[0] in "\r\n", (replaced, new_text)
            assert replaced[-1] != new_text[-1] or replaced[-1] in "\r\n", (replaced, new_text)
        assert len(replaced) <= 400, f"edit replaces {len(replaced)} characters: not minimal"
        pos = end
    rebuilt.append(old[pos:])
    assert "".join(rebuilt) == new, "text outside the edit ranges changed"


def _counts(text: str, path: str) -> Counter:
    return Counter(f.code for f in analyze(text, path, SETTINGS).findings if f.code not in IGNORED_CODES)


def check_file(text: str, path: str, injected_from_line: int | None = None) -> int:
    """Run every property on one text; returns the number of fixes offered."""
    findings = [f for f in analyze(text, path, SETTINGS).findings if f.code not in IGNORED_CODES]
    before = Counter(f.code for f in findings)
    doc = FixDocument(text, path, SETTINGS)
    if not doc.parses:
        return -1
    offered = 0
    unfixed: Counter = Counter()
    for finding in findings:
        if not fixable(finding):
            continue
        fix = compute_fix(finding, text, path, SETTINGS, doc=doc, strict=True)
        if fix is None:
            unfixed[finding.code] += 1
            assert injected_from_line is None or finding.span.line < injected_from_line, (
                f"{path}: no fix for injected {finding.code} at line {finding.span.line + 1}"
            )
            continue
        offered += 1
        where = f"{path}:{finding.span.line + 1} {finding.code}"
        whole = compute_fix(finding, text, path, SETTINGS, doc=FixDocument(text, path, SETTINGS, partial=False), strict=True)
        assert whole == fix, f"{where}: the fix from a partial parse differs from the whole-file one"
        new = apply_edits(text, fix.edits)
        try:
            ast.parse(new)
        except SyntaxError as exc:  # pragma: no cover - the failure message
            pytest.fail(f"{where}: fixed text does not parse: {exc}")
        _check_edits(text, new, fix.edits)
        after = _counts(new, path)
        assert after[finding.code] <= before[finding.code] - 1, f"{where}: finding not gone"
        grown = {c: n for c, n in after.items() if n > before[c]}
        assert not grown, f"{where}: the fix added findings {grown}"
    if offered:
        new, applied, remaining = fix_all(text, path, SETTINGS, unsafe=True)
        ast.parse(new)
        assert applied >= offered - sum(unfixed.values()) or applied >= 1
        left = Counter(f.code for f in remaining if fixable(f) and f.code not in IGNORED_CODES)
        for code, n in left.items():
            assert n <= unfixed[code], f"{path}: {n} {code} left after fix_all (only {unfixed[code]} had no fix)"
        again, applied_again, _ = fix_all(new, path, SETTINGS, unsafe=True)
        assert applied_again == 0 and again == new, f"{path}: fix_all did not converge"
    return offered


@pytest.mark.parametrize("name,path,_", _corpus(), ids=[c[0] for c in _corpus()])
def test_fix_properties_on_project_files(name: str, path: Path, _: int) -> None:
    check_file(path.read_text(encoding="utf-8"), str(path))


def _inject(text: str, i: int) -> tuple[str, int]:
    base = text.rstrip() + "\n\n"
    snippet = INJECTIONS[i % len(INJECTIONS)]
    return base + snippet.lstrip("\n"), base.count("\n") + len(re.findall(r"\r(?!\n)", base))


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
        text, first_line = _inject(original, i)
        n = check_file(text, str(path), injected_from_line=first_line)
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
        assert check_file(text, f"crlf{i}.py", injected_from_line=1) >= 2
        new, _, _ = fix_all(text, f"crlf{i}.py", SETTINGS, unsafe=True)
        assert "\n" not in new.replace("\r\n", ""), "a fix wrote a bare \\n into a CRLF file"
