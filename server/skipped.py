"""Files `resilint check` did not analyse, named with their reason in every output format.

A skipped file must never hide behind "All checks passed!" (issue 17, defect 8): text and
github output name each one on stderr, JSON carries one entry per file (ruff's item shape,
`code: null` as ruff writes for a file it could not check, plus `skipped`: the reason), SARIF
a `toolExecutionNotifications` entry of `invocations[0]`, and `--statistics` counts them.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from resilint.rules.runner import FileResult

#: SARIF notification descriptor (`reportingDescriptorReference.id`) of a skipped file.
SKIPPED_ID = "skipped-file"


def skipped(results: Iterable[FileResult]) -> list[FileResult]:
    return [r for r in results if r.note]


def stderr_lines(results: Iterable[FileResult], display: Callable[[Path], str]) -> str:
    return "".join(f"{display(r.path)}: {r.note}\n" for r in skipped(results))


def statistics_line(results: Iterable[FileResult]) -> str:
    n = len(skipped(results))
    return f"{n:>5}\tskipped\t    files not checked (named on stderr)\n" if n else ""


def json_items(results: Iterable[FileResult]) -> list[dict]:
    return [{
        "cell": None,
        "code": None,
        "end_location": {"row": 1, "column": 1},
        "filename": str(_absolute(r.path)),
        "fix": None,
        "location": {"row": 1, "column": 1},
        "message": r.note,
        "noqa_row": None,
        "severity": "info",
        "skipped": (r.note or "").removeprefix("skipped: "),
        "url": None,
    } for r in skipped(results)]


def sarif_invocation(results: Iterable[FileResult], display: Callable[[Path], str]) -> dict:
    return {
        "executionSuccessful": True,
        "toolExecutionNotifications": [{
            "level": "warning",
            "message": {"text": f"{display(r.path)}: {r.note}"},
            "descriptor": {"id": SKIPPED_ID},
            "locations": [{"physicalLocation": {"artifactLocation": {
                "uri": display(r.path).replace("\\", "/")}}}],
        } for r in skipped(results)],
    }


def _absolute(path: Path) -> Path:
    try:
        return path.parent.resolve() / path.name  # not path.resolve(): a symlink loop raises
    except (OSError, RuntimeError):
        return path.absolute()
