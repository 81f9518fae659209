"""The fixes a `resilint check` report shows: JSON's `fix` objects, SARIF's `fixes`, the `[*]`
marks and ruff's closing count ("[*] N fixable with the `--fix` option (M hidden fixes can be
enabled with the `--unsafe-fixes` option).").

`resilint check` computes them in its analysis workers (`runner.with_fixes`, cached with the
findings); what is left (results from a cache entry the server stored) is computed here, and
only for findings whose rule has a fix hook. Each is computed once and shared by every format and
by the count; one FixDocument per file is reused by all of that file's findings (it parses only
the statements around each finding), and a file is read again only when it has a fixable finding.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from resilint.rules.config import ConfigResolver
from resilint.rules.fixes.hooks import fixable
from resilint.rules.model import Finding, Fix
from resilint.rules.runner import NO_FIX, FileResult

if TYPE_CHECKING:
    from resilint.rules.fixes import FixDocument


@dataclass(frozen=True)
class FixCounts:
    applicable: int  # applied by `--fix` as the run is configured
    hidden_unsafe: int  # would be applied too with `--unsafe-fixes`

    def summary(self, unsafe_enabled: bool) -> str | None:
        """ruff's closing line (printer.rs wording), or None when nothing is fixable."""
        hidden = self.hidden_unsafe
        es = "" if hidden == 1 else "es"
        if unsafe_enabled or not hidden:
            return f"[*] {self.applicable} fixable with the `--fix` option." if self.applicable else None
        if self.applicable:
            return (f"[*] {self.applicable} fixable with the `--fix` option "
                    f"({hidden} hidden fix{es} can be enabled with the `--unsafe-fixes` option).")
        return f"No fixes available ({hidden} hidden fix{es} can be enabled with the `--unsafe-fixes` option)."


class ReportFixes:
    """Fixes of the findings of one run, computed on first use."""

    def __init__(self, resolver: ConfigResolver, unsafe_fixes: bool = False) -> None:
        self.resolver = resolver
        self.unsafe_cli = unsafe_fixes
        self._fixes: dict[int, Fix | None] = {}
        self._doc: tuple[Path, FixDocument | None] | None = None  # findings come grouped by file

    def unsafe_enabled(self, path: Path) -> bool:
        return self.unsafe_cli or self.resolver.for_path(path).options.unsafe_fixes

    def fix(self, result: FileResult, finding: Finding) -> Fix | None:
        if finding.fix is not None:
            return finding.fix
        if NO_FIX in finding.data or not fixable(finding):
            return None  # computed in the worker (runner.with_fixes): no fix for this occurrence
        # Imported on first need: libcst is ~0.2 s of start-up that a run served from the results
        # cache (fixes computed in the workers and cached) never pays.
        from resilint.rules.fixes import compute_fix

        key = id(finding)
        if key not in self._fixes:
            doc = self._document(result)
            self._fixes[key] = None if doc is None else compute_fix(finding, doc.text, doc.path, doc.settings, doc=doc)
        return self._fixes[key]

    def applicable(self, result: FileResult, finding: Finding) -> bool:
        """`--fix` would apply this finding's fix (ruff's `[*]`)."""
        fix = self.fix(result, finding)
        return fix is not None and (fix.applicability == "safe" or self.unsafe_enabled(result.path))

    def counts(self, results: Iterable[FileResult]) -> FixCounts:
        applicable = hidden = 0
        for result in results:
            if not result.findings:
                continue
            unsafe = self.unsafe_enabled(result.path)
            for finding in result.findings:
                fix = self.fix(result, finding)
                if fix is None:
                    continue
                if fix.applicability == "safe" or unsafe:
                    applicable += 1
                else:
                    hidden += 1
        return FixCounts(applicable, hidden)

    def _document(self, result: FileResult) -> FixDocument | None:
        if self._doc is not None and self._doc[0] == result.path:
            return self._doc[1]
        # a notebook's fixes are computed on its code cells joined, where its spans are
        text = result.text if result.cells is None else result.cells.text
        if text is None:
            try:
                text = result.path.read_bytes().decode("utf-8-sig")
            except (OSError, UnicodeDecodeError):
                text = None
        doc = None
        if text is not None:
            settings = self.resolver.for_path(result.path).settings_for(result.path)
            from resilint.rules.fixes import FixDocument

            doc = FixDocument(text, str(result.path), settings)
        self._doc = (result.path, doc)
        return doc
