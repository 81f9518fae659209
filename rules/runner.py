"""Checking files on disk: discovery with excludes, and a parallel run in stable order."""
from __future__ import annotations

import os
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .config import DEFAULT_EXCLUDES, ConfigResolver
from .engine import analyze
from .fixes.hooks import fixable
from .index.store import WorkspaceIndex
from .index.view import IndexView
from .model import SYNTAX_ERROR, Finding, Severity, Span
from .notebook import NOTEBOOK_SUFFIX, CellSource, NotebookError, is_python_notebook, read_notebook
from .settings import FileSettings
from .source_files import SkippedFile, check_regular, display_text, read_source_file

PARALLEL_THRESHOLD = 48
#: Set in `Finding.data` by `with_fixes` when the rule's hook found no fix for this occurrence,
#: so that a report (and a warm run from the results cache, which keeps `data` and `fix`) knows
#: the fix was computed and needs no libcst.
NO_FIX = "resilint:no-fix"


@dataclass
class FileResult:
    path: Path
    findings: list[Finding]
    text: str | None = None  # kept only when the caller needs excerpts or fixes
    #: Why the file was skipped (not analysed): shown on stderr, in JSON and in SARIF.
    note: str | None = None
    cells: CellSource | None = None  # a notebook: spans are in its code cells joined (rules/notebook.py)


def discover(paths: list[Path], resolver: ConfigResolver, skipped: list[FileResult] | None = None) -> list[Path]:
    """Regular Python files under `paths`, sorted, excluding default and configured excludes.

    A file named explicitly is always checked (as ruff does without --force-exclude). A `.py`
    name that is not a regular file once its links are resolved (a device, a FIFO, a symlink
    loop), or that is over `max-file-size`, goes to `skipped` with its reason, unread.
    """
    out: list[Path] = []
    seen: set[Path] = set()

    def take(path: Path, limit: int) -> None:
        if path in seen:
            return
        seen.add(path)
        try:
            check_regular(path, limit)
        except SkippedFile as skip:
            if skipped is not None:
                skipped.append(FileResult(path, [], note=f"skipped: {skip.reason}"))
            return
        out.append(path)

    for given in paths:
        if not given.is_dir():
            take(given, resolver.for_path(given).options.max_file_size)
            continue
        for folder, dirs, files in os.walk(given):
            base = Path(folder)
            config = resolver.for_path(base / "__init__.py")
            dirs[:] = sorted(
                d for d in dirs if d not in DEFAULT_EXCLUDES and not config.is_excluded(base / d)
            )
            for name in sorted(files):
                if name.endswith((".py", NOTEBOOK_SUFFIX)):
                    path = base / name
                    if path not in seen and not config.is_excluded(path):
                        take(path, config.options.max_file_size)
    return out


def check_file(path: Path, settings: FileSettings, keep_text: bool = False) -> FileResult:
    try:
        data = read_source_file(path, settings.options.max_file_size)
    except SkippedFile as skip:
        return FileResult(path, [], note=f"skipped: {skip.reason}")
    if path.suffix == NOTEBOOK_SUFFIX:
        return check_notebook(path, data, settings, keep_text)
    result = analyze(data, str(path), settings)
    return FileResult(path, result.findings, display_text(data) if keep_text else None)


def check_notebook(path: Path, data: bytes, settings: FileSettings, keep_text: bool = False) -> FileResult:
    """A notebook's code cells analysed as one module (positions map back through `cells`)."""
    try:
        notebook = read_notebook(data)
    except NotebookError as exc:
        finding = Finding(SYNTAX_ERROR, f"cannot read notebook: {exc}", Span(0, 0, 0, 0), Severity.ERROR)
        return FileResult(path, [finding])
    if not is_python_notebook(notebook):
        return FileResult(path, [], note=f"skipped: a {notebook.language} notebook, not Python")
    cells = notebook.code_source()
    result = analyze(cells.text, str(path), settings)
    return FileResult(path, result.findings, cells.text if keep_text else None, cells=cells)


def with_fixes(result: FileResult, settings: FileSettings) -> FileResult:
    """`result` with each fixable finding's fix computed (`Finding.fix`, or `NO_FIX` in its data).

    Run in the analysis worker by `resilint check` (never on the server's keystroke path): the
    fixes are then computed on all cores, from the text the worker already holds, with one
    FixDocument per file, and the results cache stores them with the findings.
    """
    todo = [f for f in result.findings if f.fix is None and NO_FIX not in f.data and fixable(f)]
    if not todo or result.note is not None:
        return result
    # Imported here, not at the top: libcst is ~0.2 s of start-up that a run served from the results
    # cache (every fix already computed) or a file without fixable findings never needs.
    from .fixes import FixDocument, compute_fix

    text = result.cells.text if result.cells is not None else result.text
    if text is None:
        try:
            text = display_text(read_source_file(result.path, settings.options.max_file_size))
        except SkippedFile:
            return result
    doc = FixDocument(text, str(result.path), settings)
    for finding in todo:
        finding.fix = compute_fix(finding, text, str(result.path), settings, doc=doc)
        if finding.fix is None:
            finding.data = {**finding.data, NO_FIX: True}
    return result


def _check_job(job: tuple[Path, FileSettings, bool]) -> FileResult:
    return check_file(*job)


def check_paths(files: list[Path], resolver: ConfigResolver, jobs: int | None = None,
                keep_text: bool = False) -> list[FileResult]:
    """Results in the order of `files`, whether run sequentially or on all cores."""
    work = [(path, resolver.for_path(path).settings_for(path), keep_text) for path in files]
    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    if jobs <= 1 or len(work) < PARALLEL_THRESHOLD:
        return [_check_job(job) for job in work]
    chunksize = max(4, len(work) // (jobs * 8))
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(_check_job, work, chunksize=chunksize))


# ----- the CLI's run: index the checked tree, then check with it ----------------------------------------
_WORKER_VIEWS: dict[str, IndexView] = {}


def _init_worker(views: dict[str, IndexView]) -> None:
    _WORKER_VIEWS.clear()
    _WORKER_VIEWS.update(views)


def _indexed_job(job: tuple[Any, Any, bool, str | None]) -> Any:
    path, settings, keep_text, root = job
    if root is not None:
        settings.workspace_index = _WORKER_VIEWS.get(root)
    return check_file(path, settings, keep_text)


def _indexed_jobs(jobs: list[tuple[Any, Any, bool, str | None]]) -> list[Any]:
    """Several `_indexed_job`s in one task: one round trip to the worker for a few files."""
    return [_indexed_job(job) for job in jobs]


def _indexed_fix_job(job: tuple[Any, Any, bool, str | None]) -> Any:
    return with_fixes(_indexed_job(job), job[1])


def build_indexes(files: list[Path], resolver: Any, jobs: int | None = None,
                  use_cache: bool = True) -> dict[str, WorkspaceIndex]:
    """One index per project root (the folder of the pyproject.toml that applies), over the
    checked files of that project."""
    by_root: dict[str, list[Path]] = {}
    for path in files:
        root = os.path.realpath(resolver.for_path(path).root)
        by_root.setdefault(root, []).append(path)
    out: dict[str, WorkspaceIndex] = {}
    for root, paths in by_root.items():
        if len(paths) < 2:
            continue
        try:
            out[root] = WorkspaceIndex.build(root, paths, use_cache=use_cache, jobs=jobs)
        except Exception as exc:  # the index only adds findings: never fail the check for it
            print(f"resilint: workspace index of {root} skipped: {type(exc).__name__}: {exc}", file=sys.stderr)
    return out


def check_paths_indexed(files: list[Path], resolver: Any, jobs: int | None = None, keep_text: bool = False,
                        use_cache: bool = True) -> list[Any]:
    """`check_paths` with each file's project index in its settings (results in `files` order)."""
    indexes = build_indexes(files, resolver, jobs, use_cache)
    views = {root: index.view() for root, index in indexes.items()}
    work = []
    for path in files:
        config = resolver.for_path(path)
        root = os.path.realpath(config.root)
        work.append((path, config.settings_for(path), keep_text, root if root in views else None))
    return run_indexed(work, views, jobs)


def run_indexed(work: list[tuple[Path, FileSettings, bool, str | None]], views: dict[str, IndexView],
                jobs: int | None = None, fixes: bool = False) -> list[FileResult]:
    """(path, settings, keep_text, index root or None) jobs, on all cores when there are many;
    with `fixes`, each finding's fix is computed in the worker too (`with_fixes`)."""
    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    run = _indexed_fix_job if fixes else _indexed_job
    if jobs <= 1 or len(work) < PARALLEL_THRESHOLD:
        _init_worker(views)
        try:
            return [run(job) for job in work]
        finally:
            _WORKER_VIEWS.clear()
    chunksize = max(4, len(work) // (jobs * 8))
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(views,)) as pool:
        return list(pool.map(run, work, chunksize=chunksize))
