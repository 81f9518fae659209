"""The server's document store: incremental edits with LSP line rules, findings moved through edits."""
from __future__ import annotations

import random
import re

from lsprotocol import types
from resilint.rules.model import Finding, Severity, Span
from resilint.server.documents import Document, shift_findings, split_keepends

_NL = re.compile(r"\r\n|\r|\n")
ALPHABET = ["a", "b", " ", "\n", "\r\n", "\r", "\x0c", "é", "😀", "\u2028", "x = 1\n"]


def reference_apply(text: str, sl: int, sc16: int, el: int, ec16: int, new: str) -> str:
    """Apply an edit given in UTF-16 columns to `text`, splitting lines only at \\n, \\r\\n, \\r."""
    starts = [0, *(m.end() for m in _NL.finditer(text))]
    contents = _NL.split(text)

    def offset(line: int, col16: int) -> int:
        if line >= len(starts):
            return len(text)
        content, units, i = contents[line], 0, 0
        while i < len(content) and units < col16:
            units += 2 if ord(content[i]) > 0xFFFF else 1
            i += 1
        return starts[line] + i

    a, b = offset(sl, sc16), offset(el, ec16)
    a, b = min(a, b), max(a, b)
    return text[:a] + new + text[b:]


def utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def test_split_keepends_follows_lsp_line_rules():
    assert split_keepends("a\r\nb\rc\nd\x0ce\u2028") == ["a\r\n", "b\r", "c\n", "d\x0ce\u2028"]
    assert split_keepends("a\n") == ["a\n", ""]
    assert split_keepends("") == [""]


def test_random_incremental_edits_match_reference():
    rng = random.Random(1234)
    for _ in range(300):
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 40)))
        doc = Document("file:///t.py", "python", 1, text)
        for _ in range(8):
            contents = _NL.split(text)
            sl = rng.randint(0, len(contents))
            el = rng.randint(sl, len(contents))
            # columns on code-point boundaries (as clients send them), in UTF-16 units
            sline = contents[sl] if sl < len(contents) else "abc"
            eline = contents[el] if el < len(contents) else "abc"
            sc = utf16_len(sline[: rng.randint(0, len(sline))])
            ec = utf16_len(eline[: rng.randint(0, len(eline))])
            if el == sl and ec < sc:
                sc, ec = ec, sc
            new = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 4)))
            expected = reference_apply(text, sl, sc, el, ec, new)
            doc.apply_change(types.TextDocumentContentChangePartial(
                range=types.Range(start=types.Position(sl, sc), end=types.Position(el, ec)), text=new), "utf-16")
            assert doc.text == expected, (text, sl, sc, el, ec, new)
            text = expected
            assert doc.lines == _NL.split(expected)


def _finding(line, col, end_line, end_col):
    return Finding("RES001", "m", Span(line, col, end_line, end_col), Severity.WARNING)


def test_shift_findings_moves_and_drops():
    fs = [_finding(0, 0, 0, 3), _finding(2, 4, 2, 8), _finding(5, 1, 5, 2)]
    # two lines inserted at the start of line 1: later findings move down by two
    out = shift_findings(fs, 1, 0, 1, 0, "x\ny\n")
    assert [f.span for f in out] == [Span(0, 0, 0, 3), Span(4, 4, 4, 8), Span(7, 1, 7, 2)]
    # an edit inside the second finding drops it; a join of lines 4-5 moves the third
    out = shift_findings(fs, 2, 5, 2, 6, "zz")
    assert [f.span for f in out] == [Span(0, 0, 0, 3), Span(5, 1, 5, 2)]
    out = shift_findings(fs, 4, 3, 5, 0, "")
    assert [f.span for f in out][-1] == Span(4, 4, 4, 5)
    # text inserted before a finding on its own line shifts its columns
    out = shift_findings(fs, 2, 0, 2, 0, "ab")
    assert out[1].span == Span(2, 6, 2, 10)
