"""Report formats of `resilint check`: text (like ruff's), json (ruff's shape), sarif, github."""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Iterable

from resilint.rules.docs import docs_body, sections
from resilint.rules.model import Finding, Severity, Span
from resilint.rules.registry import all_rules, get_rule
from resilint.rules.runner import FileResult
from resilint.rules.source import split_lines




def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _url(code: str) -> str | None:
    rule = get_rule(code)
    return rule.url() if rule else None


def _place(result: FileResult, span: Span) -> tuple[int | None, Span]:
    """(cell number, span in that cell) in a notebook; (None, span) in a Python file."""
    placed = result.cells.to_cell(span) if result.cells is not None else None
    if placed is None:
        return None, span
    return result.cells.keys[placed[0]], placed[1]  # type: ignore[union-attr,return-value]


def _where(result: FileResult, span: Span) -> str:
    """`path:line:col`, or ruff's `nb.ipynb:cell 3:line:col` in a notebook."""
    cell, s = _place(result, span)
    at = f"cell {cell}:" if cell is not None else ""
    return f"{_display(result.path)}:{at}{s.line + 1}:{s.col + 1}"


def rows(results: Iterable[FileResult]) -> Iterable[tuple[FileResult, Finding]]:
    for result in results:
        for finding in result.findings:
            yield result, finding


# ----- text -------------------------------------------------------------------------
def text_report(results: list[FileResult], *, show_source: bool = True, color: bool = False) -> str:
    out: list[str] = []
    total = 0
    fixable = 0
    for result, f in rows(results):
        total += 1
        mark = " [*]" if f.fix is not None or _fix_declared(f.code) else ""
        fixable += bool(mark)
        out.append(f"{_where(result, f.span)}: {f.code}{mark} {f.message}")
        if show_source and result.text is not None:
            placed = result.cells.to_cell(f.span) if result.cells is not None else None
            if placed is not None:  # a notebook: the cell's own text, numbered from its first line
                out.extend(_excerpt(result.cells.sources[placed[0]], replace(f, span=placed[1])))  # type: ignore[union-attr]
            else:
                out.extend(_excerpt(result.text, f))
    for result in results:
        if result.note:
            out.append(f"{_display(result.path)}: {result.note}")
    if total:
        out.append(f"Found {total} finding{'s' if total != 1 else ''}.")
        if fixable:
            out.append(f"[*] {fixable} with a fix available (`resilint check --fix`, some need `--unsafe-fixes`).")
    else:
        out.append("All checks passed!")
    return "\n".join(out) + "\n"


def _fix_declared(code: str) -> bool:
    """A fix is offered when the rule implements one (declared-only fixes are not shown)."""
    rule = get_rule(code)
    return bool(rule and rule.fix_applicability and hasattr(rule, "make_fix"))


def _excerpt(text: str, f: Finding) -> list[str]:
    lines = split_lines(text)
    s = f.span
    if s.line >= len(lines):
        return []
    line = lines[s.line].expandtabs(1)
    width = len(str(s.line + 1))
    end = s.end_col if s.end_line == s.line else len(line)
    carets = "^" * max(1, end - s.col)
    pad = " " * width
    return [
        f"{pad} |",
        f"{s.line + 1} | {line}",
        f"{pad} | {' ' * s.col}{carets} {f.code}",
        "",
    ]


def statistics_report(results: list[FileResult]) -> str:
    counts = Counter(f.code for _, f in rows(results))
    lines = []
    for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        rule = get_rule(code)
        mark = "[*]" if _fix_declared(code) else "   "
        lines.append(f"{n:>5}\t{code}\t{mark} {rule.name if rule else ''}")
    return "\n".join(lines) + ("\n" if lines else "")


# ----- json (ruff's shape) --------------------------------------------------------
def _fix_json(f: Finding, path: Path | None = None, text: str | None = None, resolver=None,
              result: FileResult | None = None) -> dict | None:
    """ruff's `fix` object: {applicability, message, edits}; computed on demand (libcst)
    for findings whose rule has a fix, None when there is none for this occurrence.
    Computing fixes costs a libcst parse per finding, so it happens only with --show-fixes."""
    fix = f.fix
    if fix is None and path is not None and resolver is not None:
        fix = _compute_fix(f, path, text, resolver)
    if fix is None:
        return None
    spans = [e.span if result is None else _place(result, e.span)[1] for e in fix.edits]
    return {
        "applicability": fix.applicability,
        "message": fix.message,
        "edits": [
            {
                "content": e.new_text,
                "location": {"row": s.line + 1, "column": s.col + 1},
                "end_location": {"row": s.end_line + 1, "column": s.end_col + 1},
            }
            for e, s in zip(fix.edits, spans)
        ],
    }


_TEXTS: dict[Path, str | None] = {}


def _compute_fix(f: Finding, path: Path, text: str | None, resolver):
    from resilint.rules.fixes import compute_fix, fixable

    if not fixable(f):
        return None
    if text is None:
        if path not in _TEXTS:
            try:
                _TEXTS.clear()  # one file at a time: findings come grouped by file
                _TEXTS[path] = path.read_bytes().decode("utf-8-sig")
            except (OSError, UnicodeDecodeError):
                _TEXTS[path] = None
        text = _TEXTS[path]
        if text is None:
            return None
    settings = resolver.for_path(path).settings_for(path)
    return compute_fix(f, text, str(path), settings)


def json_items(results: list[FileResult], resolver=None) -> list[dict]:
    items = []
    for result, f in rows(results):
        cell, s = _place(result, f.span)  # a notebook: ruff's 1-based cell number, positions in it
        items.append({
            "cell": cell,
            "code": f.code,
            "end_location": {"row": s.end_line + 1, "column": s.end_col + 1},
            "filename": str(result.path.resolve()),
            "fix": _fix_json(f, result.path, result.text if result.cells is None else result.cells.text, resolver, result),
            "location": {"row": s.line + 1, "column": s.col + 1},
            "message": f.message,
            "noqa_row": s.line + 1,
            "severity": f.severity.value,
            "url": _url(f.code),
        })
    return items


def json_report(results: list[FileResult], resolver=None) -> str:
    """`resolver` given (--show-fixes): each finding's `fix` is computed and filled in."""
    return json.dumps(json_items(results, resolver), indent=2, ensure_ascii=False) + "\n"


# ----- SARIF 2.1.0 -------------------------------------------------------------------
_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note", Severity.HINT: "note"}


def sarif_report(results: list[FileResult], version: str) -> str:
    rules = list(all_rules().values())
    index = {r.code: i for i, r in enumerate(rules)}
    driver_rules = []
    for r in rules:
        parts = sections(r)
        driver_rules.append({
            "id": r.code,
            "name": r.name,
            "shortDescription": {"text": r.name.replace("-", " ")},
            "fullDescription": {"text": parts.get("What it does", r.name)},
            "help": {"text": docs_body(r), "markdown": docs_body(r)},
            "helpUri": r.url(),
            "defaultConfiguration": {"level": _SARIF_LEVEL[r.severity]},
            "properties": {
                "tags": ["resilience" if r.code.startswith("RES") else r.code[:3].lower(),
                         *[f"external/cwe/{c.lower()}" for c in r.cwe],
                         *[f"external/owasp/{o}" for o in r.owasp]],
                "precision": "high",
            },
        })
    sarif_results = []
    for result, f in rows(results):
        cell, s = _place(result, f.span)
        entry = {
            "ruleId": f.code,
            "level": _SARIF_LEVEL[f.severity],
            "message": {"text": f.message if cell is None else f"cell {cell}: {f.message}"},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": {"uri": _display(result.path).replace("\\", "/")},
                    "region": {
                        "startLine": s.line + 1,
                        "startColumn": s.col + 1,
                        "endLine": s.end_line + 1,
                        "endColumn": s.end_col + 1,
                    },
                },
                # a notebook: the region is in the cell (1-based among all cells), as ruff counts
                **({"logicalLocations": [{"name": f"cell {cell}", "kind": "module"}],
                    "properties": {"cell": cell}} if cell is not None else {}),
            }],
        }
        if f.code in index:
            entry["ruleIndex"] = index[f.code]
        sarif_results.append(entry)
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "resilint",
                "informationUri": "https://github.com/resilint/resilint",
                "version": version,
                "rules": driver_rules,
            }},
            "results": sarif_results,
        }],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


# ----- GitHub workflow annotations ---------------------------------------------------
_GH_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice", Severity.HINT: "notice"}


def _gh_escape(value: str, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def github_report(results: list[FileResult]) -> str:
    lines = []
    for result, f in rows(results):
        cell, s = _place(result, f.span)
        props = ",".join([
            f"title={_gh_escape(f'resilint ({f.code})' + (f' cell {cell}' if cell is not None else ''), True)}",
            f"file={_gh_escape(_display(result.path), True)}",
            f"line={s.line + 1}", f"col={s.col + 1}",
            f"endLine={s.end_line + 1}", f"endColumn={s.end_col + 1}",
        ])
        lines.append(f"::{_GH_LEVEL[f.severity]} {props}::{_gh_escape(f'{f.code} {f.message}')}")
    return "\n".join(lines) + ("\n" if lines else "")
