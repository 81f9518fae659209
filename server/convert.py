"""Finding -> lsprotocol Diagnostic (character columns -> the negotiated position encoding)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from lsprotocol import types
from resilint.rules.model import UNUSED_SUPPRESSION, Finding, Severity, Span
from resilint.rules.registry import get_rule
from resilint.rules.source import char_to_utf8, char_to_utf16

SOURCE = "resilint"

_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
    Severity.HINT: types.DiagnosticSeverity.Hint,
}


def to_client_col(line: str, col: int, encoding: str) -> int:
    col = max(0, min(col, len(line)))
    if encoding == types.PositionEncodingKind.Utf8:
        return char_to_utf8(line, col)
    if encoding == types.PositionEncodingKind.Utf32:
        return col
    return char_to_utf16(line, col)


def to_range(span: Span, lines: list[str], encoding: str) -> types.Range:
    def pos(line: int, col: int) -> types.Position:
        if not lines:
            return types.Position(line=0, character=0)
        if line >= len(lines):
            line, col = len(lines) - 1, len(lines[-1])
        line = max(line, 0)
        return types.Position(line=line, character=to_client_col(lines[line], col, encoding))

    return types.Range(start=pos(span.line, span.col), end=pos(span.end_line, span.end_col))


def _json_safe(value: Any, depth: int = 0) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if depth < 3 and isinstance(value, (list, tuple)):
        return [_json_safe(v, depth + 1) for v in value]
    if depth < 3 and isinstance(value, dict):
        return {str(k): _json_safe(v, depth + 1) for k, v in value.items()}
    return str(value)


def diagnostic_data(finding: Finding) -> dict[str, Any]:
    rule = get_rule(finding.code)
    data: dict[str, Any] = {"code": finding.code}
    data.update({k: _json_safe(v) for k, v in finding.data.items()})
    data["fix_available"] = finding.fix is not None
    if finding.fix is not None:
        data["fix_title"] = finding.fix.message
        data["fix_applicability"] = finding.fix.applicability
    elif rule is not None and rule.fix_title:
        data["fix_title"] = rule.fix_title
    return data


def to_diagnostic(finding: Finding, lines: list[str], encoding: str, uri: str,
                  path: Path | None = None, docs_url: str | None = None) -> types.Diagnostic:
    rule = get_rule(finding.code)
    tags = [types.DiagnosticTag.Unnecessary] if finding.code == UNUSED_SUPPRESSION else None
    related = None
    if finding.related:
        related = []
        for r in finding.related:
            same = path is not None and r.path and Path(r.path) == path
            target = uri if (same or not r.path) else Path(r.path).resolve().as_uri()
            rng = to_range(r.span, lines, encoding) if target == uri else types.Range(
                start=types.Position(line=r.span.line, character=r.span.col),
                end=types.Position(line=r.span.end_line, character=r.span.end_col),
            )
            related.append(types.DiagnosticRelatedInformation(
                location=types.Location(uri=target, range=rng), message=r.message))
    return types.Diagnostic(
        range=to_range(finding.span, lines, encoding),
        message=finding.message,
        severity=_SEVERITY.get(finding.severity, types.DiagnosticSeverity.Warning),
        code=finding.code,
        code_description=types.CodeDescription(href=rule.url(docs_url)) if rule is not None else None,
        source=SOURCE,
        tags=tags,
        related_information=related,
        data=diagnostic_data(finding),
    )


def config_error_diagnostic(line1: int, message: str, key: str, lines: list[str],
                            encoding: str) -> types.Diagnostic:
    """A diagnostic on a pyproject.toml at the bad key's line (1-based, 0 = unknown)."""
    line = max(line1 - 1, 0)
    text = lines[line] if line < len(lines) else ""
    start = len(text) - len(text.lstrip())
    return types.Diagnostic(
        range=types.Range(start=types.Position(line=line, character=to_client_col(text, start, encoding)),
                          end=types.Position(line=line, character=to_client_col(text, len(text), encoding))),
        message=f"invalid resilint configuration{f' ({key})' if key else ''}: {message}",
        severity=types.DiagnosticSeverity.Error,
        source=SOURCE,
        code="config",
    )
