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
from .index import IndexView, WorkspaceIndex
from .model import SYNTAX_ERROR, Finding, Severity, Span
from .notebook import NOTEBOOK_SUFFIX, CellSource, NotebookError, is_python_notebook, read_notebook
from .settings import FileSettings

#: Files larger than this are skipped with a note (generated code, data dumps).
MAX_FILE_BYTES = 10 * 1024 * 1024
PARALLEL_THRESHOLD = 48


@dataclass
class FileResult:
    path: Path
    findings: list[Finding]
    text: str | None = None  # kept only when the caller needs excerpts or fixes
    note: str | None = None
    cells: CellSource | None = None  # a notebook: spans are in its code cells joined (rules/notebook.py)


def discover(paths: list[Path], resolver: ConfigResolver) -> list[Path]:
    """Python files under `paths`, sorted, excluding default and configured excludes.

    A file named explicitly is always checked (as ruff does without --force-exclude).
    """
    out: list[Path] = []
    seen: set[Path] = set()
    for given in paths:
        if given.is_file():
            if given not in seen:
                seen.add(given)
                out.append(given)
            continue
        if not given.is_dir():
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
                        seen.add(path)
                        out.append(path)
    return out


def check_file(path: Path, settings: FileSettings, keep_text: bool = False) -> FileResult:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return FileResult(path, [], note=f"skipped: {size} bytes is over the {MAX_FILE_BYTES} byte limit")
        data = path.read_bytes()
    except OSError as exc:
        finding = Finding(SYNTAX_ERROR, f"cannot read file: {exc.strerror or exc}", Span(0, 0, 0, 0), Severity.ERROR)
        return FileResult(path, [finding])
    if path.suffix == NOTEBOOK_SUFFIX:
        return check_notebook(path, data, settings, keep_text)
    result = analyze(data, str(path), settings)
    text = None
    if keep_text:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
    return FileResult(path, result.findings, text)


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
    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    if jobs <= 1 or len(work) < PARALLEL_THRESHOLD:
        _init_worker(views)
        try:
            return [_indexed_job(job) for job in work]
        finally:
            _WORKER_VIEWS.clear()
    chunksize = max(4, len(work) // (jobs * 8))
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(views,)) as pool:
        return list(pool.map(_indexed_job, work, chunksize=chunksize))
