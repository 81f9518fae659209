"""Report formats of `resilint check`: text (like ruff's), json (ruff's shape), sarif, github."""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Iterable

from resilint.rules.config import ConfigResolver
from resilint.rules.doc_links import docs_home
from resilint.rules.docs import docs_body, sections
from resilint.rules.model import Finding, Fix, Severity, Span
from resilint.rules.registry import all_rules, get_rule
from resilint.rules.runner import FileResult
from resilint.rules.source import split_lines

from .report_fixes import ReportFixes
from . import skipped




def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except RuntimeError:  # a symlink loop
        return str(Path(_display(path.parent)) / path.name) if path.parent != path else str(path)
    except ValueError:
        return str(path)


def _url(code: str, docs_url: str | None = None) -> str | None:
    rule = get_rule(code)
    return rule.url(docs_url) if rule else None


def docs_url_for(resolver: ConfigResolver | None, path: Path) -> str | None:
    """The `docs-url` setting that applies to `path` (None: the docs shipped in the package)."""
    return resolver.for_path(path).options.docs_url if resolver is not None else None


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
def text_report(results: list[FileResult], *, show_source: bool = True, color: bool = False,
                fixes: ReportFixes | None = None) -> str:
    """`fixes` given: `[*]` marks the findings `--fix` would fix, and ruff's count closes the report."""
    out: list[str] = []
    total = 0
    for result, f in rows(results):
        total += 1
        mark = " [*]" if fixes is not None and fixes.applicable(result, f) else ""
        out.append(f"{_where(result, f.span)}: {f.code}{mark} {f.message}")
        if show_source and result.text is not None:
            placed = result.cells.to_cell(f.span) if result.cells is not None else None
            if placed is not None:  # a notebook: the cell's own text, numbered from its first line
                out.extend(_excerpt(result.cells.sources[placed[0]], replace(f, span=placed[1])))  # type: ignore[union-attr]
            else:
                out.extend(_excerpt(result.text, f))
    if total:
        out.append(f"Found {total} finding{'s' if total != 1 else ''}.")
        summary = fixes.counts(results).summary(fixes.unsafe_cli) if fixes is not None else None
        if summary:
            out.append(summary)
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
def fix_json(fix: Fix | None, result: FileResult | None = None) -> dict | None:
    """ruff's `fix` object: {applicability, message, edits} (1-based rows and columns; in a
    notebook, positions in the finding's cell, as ruff writes them)."""
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


def json_items(results: list[FileResult], fixes: ReportFixes | None = None) -> list[dict]:
    """ruff's JSON items; `fix` is filled in from `fixes` (None without it)."""
    items = []
    for result, f in rows(results):
        docs_url = docs_url_for(fixes.resolver, result.path) if fixes is not None else None
        cell, s = _place(result, f.span)  # a notebook: ruff's 1-based cell number, positions in it
        items.append({
            "cell": cell,
            "code": f.code,
            "confidence": f.confidence.value,
            "end_location": {"row": s.end_line + 1, "column": s.end_col + 1},
            "filename": str(result.path.resolve()),
            "fix": fix_json(fixes.fix(result, f), result) if fixes is not None else None,
            "location": {"row": s.line + 1, "column": s.col + 1},
            "message": f.message,
            "noqa_row": s.line + 1,
            "severity": f.severity.value,
            "url": _url(f.code, docs_url),
        })
    items.extend(skipped.json_items(results))
    return items


def json_report(results: list[FileResult], fixes: ReportFixes | None = None) -> str:
    return json.dumps(json_items(results, fixes), indent=2, ensure_ascii=False) + "\n"


# ----- SARIF 2.1.0 -------------------------------------------------------------------
_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note", Severity.HINT: "note"}


def sarif_fix(uri: str, fix: Fix, result: FileResult | None = None) -> dict:
    """A SARIF `fix`: the edits as replacements in the result's file (in a notebook, regions
    in the cell, like the result's own region)."""
    spans = [e.span if result is None else _place(result, e.span)[1] for e in fix.edits]
    return {
        "description": {"text": f"{fix.message} ({fix.applicability} fix)"},
        "artifactChanges": [{
            "artifactLocation": {"uri": uri},
            "replacements": [
                {
                    "deletedRegion": {
                        "startLine": s.line + 1,
                        "startColumn": s.col + 1,
                        "endLine": s.end_line + 1,
                        "endColumn": s.end_col + 1,
                    },
                    "insertedContent": {"text": e.new_text},
                }
                for e, s in zip(fix.edits, spans)
            ],
        }],
    }


def sarif_report(results: list[FileResult], version: str, fixes: ReportFixes | None = None,
                 docs_url: str | None = None) -> str:
    """`fixes` given: each result carries its fix; `docs_url`: the base of `helpUri` links."""
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
            "helpUri": r.url(docs_url),
            "defaultConfiguration": {"level": _SARIF_LEVEL[r.severity]},
            "properties": {
                "tags": ["resilience" if r.code.startswith("RES") else r.code[:3].lower(),
                         *[f"external/cwe/{c.lower()}" for c in r.cwe],
                         *[f"external/owasp/{o}" for o in r.owasp]],
                "precision": r.confidence.value,
            },
        })
    sarif_results = []
    for result, f in rows(results):
        cell, s = _place(result, f.span)
        uri = _display(result.path).replace("\\", "/")
        entry = {
            "ruleId": f.code,
            "level": _SARIF_LEVEL[f.severity],
            "message": {"text": f.message if cell is None else f"cell {cell}: {f.message}"},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": {"uri": uri},
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
        entry["properties"] = {"precision": f.confidence.value}
        if f.code in index:
            entry["ruleIndex"] = index[f.code]
        fix = fixes.fix(result, f) if fixes is not None else None
        if fix is not None:
            entry["fixes"] = [sarif_fix(uri, fix, result)]
        sarif_results.append(entry)
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "resilint",
                "informationUri": docs_home(docs_url),
                "version": version,
                "rules": driver_rules,
            }},
            "results": sarif_results,
            # Columns count code points, as everywhere in resilint (SARIF's default is UTF-16).
            "columnKind": "unicodeCodePoints",
            "invocations": [skipped.sarif_invocation(results, _display)],
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
