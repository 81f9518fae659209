"""Inline and file-level suppression comments, and RES900 for the ones that suppress nothing.

Forms: `# resilint: ignore[RES001, SEC003]`, bare `# resilint: ignore`, `# noqa: RES001`,
bare `# noqa` (suppresses every finding on its line, never reported as unused), and
`# resilint: ignore-file[RES001]` / `# resilint: ignore-file` anywhere in the file.
Peers' comments (`# noqa: S110`, `# nosec B110`, bare `# nosec`) count as rules/peer_suppressions.py says.
"""
from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .model import SYNTAX_ERROR, UNUSED_SUPPRESSION, Finding, Severity, Span
from .peer_suppressions import BANDIT_EQUIVALENTS, Mode, suppressed_by

if TYPE_CHECKING:
    from .settings import FileSettings

_CODE = r"[A-Z]+[0-9]+"
_RESILINT = re.compile(
    r"#\s*resilint\s*:\s*(?P<kind>ignore-file|ignore)\b(?:\s*\[(?P<codes>[^\]]*)\])?", re.IGNORECASE
)
_NOQA = re.compile(r"#\s*noqa\b(?::\s*(?P<codes>" + _CODE + r"(?:[\s,]+" + _CODE + r")*))?", re.IGNORECASE)
_NOSEC = re.compile(r"#\s*nosec\b(?:\s*:?\s*(?P<codes>B[0-9]+(?:[\s,]+B[0-9]+)*))?", re.IGNORECASE)
_CODE_RE = re.compile(_CODE)
_OURS = re.compile(r"^(RES|SEC|LLM|DB)[0-9]+$")


@dataclass
class Directive:
    kind: str  # "ignore" | "ignore-file" | "noqa" | "nosec" (bandit's)
    line: int  # 0-based
    span: Span  # the comment text, for RES900 and for hover on a code inside it
    codes: list[str] | None  # None = every code
    code_spans: dict[str, Span] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)


def _comments(text: str) -> list[tuple[int, int, str]]:
    """(line0, col, comment) for real comments; strings that contain '#' are not comments."""
    if "#" not in text:
        return []
    out: list[tuple[int, int, str]] = []
    try:
        # newline=None: a lone \r ends a line too (as for the parser), so line numbers match.
        for tok in tokenize.generate_tokens(io.StringIO(text, newline=None).readline):
            if tok.type == tokenize.COMMENT:
                out.append((tok.start[0] - 1, tok.start[1], tok.string))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        pass
    return out


def parse_directives(text: str) -> list[Directive]:
    if "resilint" not in text and "noqa" not in text and "NOQA" not in text and "nosec" not in text:
        return []
    directives: list[Directive] = []
    for line, col, comment in _comments(text):
        for pattern in (_RESILINT, _NOQA, _NOSEC):
            for m in pattern.finditer(comment):
                kind = m.group("kind").lower() if pattern is _RESILINT else "noqa" if pattern is _NOQA else "nosec"
                raw = m.group("codes")
                codes = None
                code_spans: dict[str, Span] = {}
                if raw is not None and raw.strip():
                    codes = []
                    base = col + m.start("codes")
                    for cm in _CODE_RE.finditer(raw):
                        code = cm.group(0).upper()
                        codes.append(code)
                        code_spans[code] = Span(line, base + cm.start(), line, base + cm.end())
                span = Span(line, col + m.start(), line, col + m.end())
                directives.append(Directive(kind, line, span, codes, code_spans))
    return directives


def apply_suppressions(text: str, findings: list[Finding], settings: "FileSettings") -> list[Finding]:
    directives = parse_directives(text)
    if not directives:
        return findings
    by_line: dict[int, list[Directive]] = {}
    file_level: list[Directive] = []
    for d in directives:
        (file_level if d.kind == "ignore-file" else by_line.setdefault(d.line, [])).append(d)
    kept: list[Finding] = []
    mode = settings.options.respect_peer_suppressions
    for f in findings:
        if not _suppressed(f, by_line, file_level, mode):
            kept.append(f)
    if settings.is_enabled(UNUSED_SUPPRESSION):
        kept.extend(_unused(directives, settings))
    return kept


def _suppressed(f: Finding, by_line: dict[int, list[Directive]], file_level: list[Directive],
                mode: Mode = "codes") -> bool:
    if f.code == SYNTAX_ERROR:
        return False
    hit = False
    for d in file_level:
        if d.codes is None or f.code in d.codes:
            d.used.add(f.code)
            hit = True
    for line in {f.span.line, f.span.end_line}:
        for d in by_line.get(line, ()):
            if _covers(d, f.code, mode):
                d.used.add(f.code)
                hit = True
    return hit


def _covers(d: Directive, code: str, mode: Mode) -> bool:
    if d.kind == "nosec":  # bandit's: never ours, counts only through the peers' table
        if mode == "none":
            return False
        if d.codes is None:
            return mode == "all" or code in BANDIT_EQUIVALENTS
        return code in suppressed_by(tuple(d.codes))
    if d.codes is None or code in d.codes:
        return True
    return mode != "none" and code in suppressed_by(tuple(d.codes))


def _unused(directives: list[Directive], settings: "FileSettings") -> list[Finding]:
    out: list[Finding] = []
    severity = settings.severity_for(UNUSED_SUPPRESSION, Severity.INFO)
    for d in directives:
        if d.kind == "nosec" or (d.kind == "noqa" and d.codes is None):
            continue  # bandit's comments, and a bare noqa, belong to every tool: never ours to report
        if d.codes is None:
            if not d.used:
                out.append(Finding(UNUSED_SUPPRESSION, f"Unused `resilint: {d.kind}` directive: it suppresses nothing",
                                   d.span, severity, data={"unused": None}))
            continue
        ours = [c for c in d.codes if _OURS.match(c)]
        unused = [c for c in ours if c not in d.used and settings.is_enabled(c)]
        if unused:
            out.append(Finding(
                UNUSED_SUPPRESSION,
                f"Unused suppression for {', '.join(unused)}: nothing to suppress here",
                d.span, severity, data={"unused": unused},
            ))
    return out
