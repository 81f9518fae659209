"""The properties every fix must have, as checks over one text.

Shared by the CI test (tests/test_fix_properties.py: a fixed sample) and the whole-corpus run
(bench/fix_property_corpus.py: every stdlib file, any tree), so both check exactly the same:

- each offered fix is the same computed from a partial parse (the statement and the imports,
  what `compute_fix` does) and from the whole file;
- each offered fix, applied alone: the result parses; its finding is gone (one fewer of its
  code) and no other finding appears; everything outside the edit ranges is byte-identical;
  the edits are trimmed (no common prefix/suffix with their replacement);
- all fixes together (`fix_all`, unsafe included): the result parses, the findings that had
  a fix are gone, and a second `fix_all` applies nothing (it converged).

`check_file` records every violation (and every exception a fix raises) instead of stopping
at the first, so one corpus run lists all of them.
"""
from __future__ import annotations

import ast
import random
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from resilint.rules.engine import analyze
from resilint.rules.fixes import FixDocument, apply_edits, compute_fix, fix_all, fixable
from resilint.rules.model import Edit, Finding
from ruleharness import all_rules_settings
from testpaths import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from stdlib_corpus import stdlib_files

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


@dataclass
class FileResult:
    """What checking one text found."""

    parses: bool = True  # whether libcst parses the file (nothing is checked otherwise)
    findings: int = 0  # findings of the text (suppression bookkeeping codes left out)
    offered: Counter = field(default_factory=Counter)  # code -> fixes offered and checked alone
    unfixed: Counter = field(default_factory=Counter)  # code -> fixable findings without a fix
    applied: int = 0  # fixes `fix_all` applied
    failures: list[str] = field(default_factory=list)
    # findings libcst cannot fix: its code generation recursed too deep (a 15,000-line implicit
    # string concatenation in pydoc_data/topics.py); `compute_fix` gives None for them outside tests
    too_deep: list[str] = field(default_factory=list)

    @property
    def n_offered(self) -> int:
        return sum(self.offered.values())


def stdlib_sample(n: int = 150) -> list[Path]:
    """A fixed sample of small stdlib modules (the CI corpus)."""
    small = []
    for path in stdlib_files():
        try:
            size = path.stat().st_size
        except OSError:
            continue
        if 400 <= size <= 4000:
            small.append(path)
    return random.Random(20240601).sample(small, min(n, len(small)))


def inject(text: str, i: int) -> tuple[str, int]:
    """`text` with injection `i` appended, and the 0-based line where the injection starts."""
    base = text.rstrip() + "\n\n"
    snippet = INJECTIONS[i % len(INJECTIONS)]
    return base + snippet.lstrip("\n"), base.count("\n") + len(re.findall(r"\r(?!\n)", base))


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


def check_edits(old: str, new: str, edits: tuple[Edit, ...]) -> None:
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


def _failure(where: str, exc: BaseException) -> str:
    detail = str(exc).splitlines()[0][:300] if str(exc) else ""
    return f"{where}: {type(exc).__name__}: {detail}" if not isinstance(exc, AssertionError) else f"{where}: {detail}"


def _check_one(finding: Finding, text: str, path: str, doc: FixDocument, before: Counter,
               injected_from_line: int | None, result: FileResult) -> None:
    fix = compute_fix(finding, text, path, SETTINGS, doc=doc, strict=True)
    if fix is None:
        result.unfixed[finding.code] += 1
        assert injected_from_line is None or finding.span.line < injected_from_line, "no fix for an injected finding"
        return
    result.offered[finding.code] += 1
    whole = compute_fix(finding, text, path, SETTINGS, doc=FixDocument(text, path, SETTINGS, partial=False), strict=True)
    assert whole == fix, "the fix from a partial parse differs from the whole-file one"
    new = apply_edits(text, fix.edits)
    try:
        ast.parse(new)
    except SyntaxError as exc:
        raise AssertionError(f"fixed text does not parse: {exc}") from None
    check_edits(text, new, fix.edits)
    after = _counts(new, path)
    assert after[finding.code] <= before[finding.code] - 1, "finding not gone"
    grown = {c: n for c, n in after.items() if n > before[c]}
    assert not grown, f"the fix added findings {grown}"


def _check_all(text: str, path: str, result: FileResult) -> None:
    new, applied, remaining = fix_all(text, path, SETTINGS, unsafe=True)
    result.applied = applied
    ast.parse(new)
    offered = result.n_offered
    assert applied >= offered - sum(result.unfixed.values()) or applied >= 1, "fix_all applied too few"
    left = Counter(f.code for f in remaining if fixable(f) and f.code not in IGNORED_CODES)
    for code, n in left.items():
        assert n <= result.unfixed[code], f"{n} {code} left after fix_all (only {result.unfixed[code]} had no fix)"
    again, applied_again, _ = fix_all(new, path, SETTINGS, unsafe=True)
    assert applied_again == 0 and again == new, "fix_all did not converge"


def check_file(text: str, path: str, injected_from_line: int | None = None) -> FileResult:
    """Run every property on one text; `injected_from_line`: findings from there on must have a fix."""
    result = FileResult()
    findings = [f for f in analyze(text, path, SETTINGS).findings if f.code not in IGNORED_CODES]
    before = Counter(f.code for f in findings)
    result.findings = len(findings)
    doc = FixDocument(text, path, SETTINGS)
    if not doc.parses:
        result.parses = False
        return result
    for finding in findings:
        if not fixable(finding):
            continue
        try:
            _check_one(finding, text, path, doc, before, injected_from_line, result)
        except RecursionError:
            result.too_deep.append(f"{path}:{finding.span.line + 1} {finding.code}")
        except Exception as exc:  # noqa: BLE001 - every violation is recorded, the run goes on
            result.failures.append(_failure(f"{path}:{finding.span.line + 1} {finding.code}", exc))
    if result.offered and not result.too_deep:
        try:
            _check_all(text, path, result)
        except Exception as exc:  # noqa: BLE001
            result.failures.append(_failure(f"{path}: fix_all", exc))
    return result
