"""`resilint check` with the results cache: files whose entry key did not change are served
from `.resilint_cache/`, the others are analysed (on all cores) and stored.

The key of a file (`results_cache.entry_key`) is its content hash, its resolved settings,
resilint's version and the state of the index entries it depends on
(`index.fingerprints`), so an edit re-checks the edited file and only those other files
whose cross-module facts it changed.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .index.store import WorkspaceIndex
from .index.fingerprints import dependency_keys
from .notebook import NOTEBOOK_SUFFIX, NotebookError, read_notebook
from .results_cache import ResultsCache, SettingsKeys, cache_dir_for, entry_key
from .runner import FileResult, build_indexes, run_indexed
from .source_files import SkippedFile, check_regular, display_text, read_source_file


@dataclass
class CheckRun:
    results: list[FileResult]
    #: files analysed in this run, and files served from the cache
    analysed: int = 0
    cached: int = 0
    caches: list[ResultsCache] = field(default_factory=list)

    def save(self) -> None:
        """Write the caches (after the output, so what the output computed is kept too)."""
        for cache in self.caches:
            cache.save()


@dataclass
class _Pending:
    cache: ResultsCache
    real: str
    stat: os.stat_result
    content_hash: str
    key: str


def check_cached(files: list[Path], resolver: Any, jobs: int | None = None, keep_text: bool = False,
                 use_index: bool = True, use_cache: bool = True, fixes: bool = False) -> CheckRun:
    """With `fixes`, the fixes of new results are computed in the analysis workers and cached."""
    indexes: dict[str, WorkspaceIndex] = build_indexes(files, resolver, jobs) if use_index else {}
    deps = {root: dependency_keys(index.entries, index.aliases) for root, index in indexes.items()} if use_cache else {}
    caches: dict[str, ResultsCache] = {}
    keys = SettingsKeys()
    results: list[FileResult | None] = [None] * len(files)
    pending: dict[int, _Pending] = {}
    work: list[tuple[Path, Any, bool, str | None]] = []
    slots: list[int] = []
    for i, path in enumerate(files):
        config = resolver.for_path(path)
        settings = config.settings_for(path)
        root = os.path.realpath(config.root)
        index_root = root if root in indexes else None
        if use_cache:
            hit = _lookup(path, settings, root, index_root, deps, caches, keys, keep_text)
            if isinstance(hit, FileResult):
                results[i] = hit
                continue
            if hit is not None:
                pending[i] = hit
        work.append((path, settings, keep_text, index_root))
        slots.append(i)
    if work:
        needed = {job[3] for job in work if job[3] is not None}
        views = {root: indexes[root].view() for root in needed}
        for i, result in zip(slots, run_indexed(work, views, jobs, fixes)):
            results[i] = result
            p = pending.get(i)
            if p is not None and result.note is None:
                p.cache.store(p.real, p.stat, p.content_hash, p.key, result.findings)
    return CheckRun([r for r in results if r is not None], analysed=len(work), cached=len(files) - len(work),
                    caches=list(caches.values()))


def _lookup(path: Path, settings: Any, root: str, index_root: str | None, deps: dict[str, dict[str, str]],
            caches: dict[str, ResultsCache], keys: SettingsKeys, keep_text: bool) -> FileResult | _Pending | None:
    """The cached result, or what storing a new one needs, or None (not cacheable: skipped)."""
    cache = caches.get(root)
    if cache is None:
        cache = caches[root] = ResultsCache(Path(root), cache_dir_for(Path(root), settings))
    limit = settings.options.max_file_size
    real = os.path.realpath(path)
    try:
        st = check_regular(path, limit)
    except SkippedFile:
        return None  # the analysis names it
    content_hash = cache.content_hash(real, st, lambda: _read(path, limit))
    if content_hash is None:
        return None
    dependency = f"index:{deps[index_root].get(real, '')}" if index_root in deps else "single-file"
    key = entry_key(content_hash, keys.of(settings), dependency)
    findings = cache.lookup(real, key)
    if findings is None:
        return _Pending(cache, real, st, content_hash, key)
    if path.suffix == NOTEBOOK_SUFFIX:
        return _notebook_hit(path, limit, findings, keep_text)
    text = None
    if keep_text and findings:
        data = _read(path, limit)
        text = None if data is None else display_text(data)
    return FileResult(path, findings, text)


def _notebook_hit(path: Path, limit: int, findings: list, keep_text: bool) -> FileResult | None:
    """A cached notebook's result with its cells again (its spans are in the cells joined): the
    JSON is read, not analysed. None (analyse it) when it no longer reads as a notebook."""
    if not findings:
        return FileResult(path, findings)
    data = _read(path, limit)
    try:
        cells = read_notebook(data).code_source() if data is not None else None
    except NotebookError:
        cells = None
    if cells is None:
        return None
    return FileResult(path, findings, cells.text if keep_text else None, cells=cells)


def _read(path: Path, limit: int) -> bytes | None:
    try:
        return read_source_file(path, limit)
    except SkippedFile:
        return None

