"""The files on disk of a workspace check: the CLI's results cache first, then all cores.

`workspace/diagnostic` used to analyse every file on the one analysis thread (31.5 s on a
tree that `resilint check` does in 18.2 s). Here each file is first looked up in the same
`.resilint_cache/` the CLI writes (same key: content, resolved settings, version, index
dependencies), so a check after a restart, or after a CLI run, analyses nothing; the misses
go to a process pool (like `resilint check --jobs`) when there are enough of them to pay for
starting it. The workers run resilint's own analysis on file bytes: no workspace code is
imported or run. Workers are spawned, not forked (the server runs threads), and get the
index views once, at start.

Files that are not regular (a link to /dev/zero, a FIFO, a symlink loop), over
`max-file-size` or unreadable are never read: each gets one information diagnostic saying
why, so the editor shows the file was skipped instead of showing nothing.
"""
from __future__ import annotations

import asyncio
import collections
import dataclasses
import logging
import multiprocessing
import os
import stat
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from resilint.rules.index.fingerprints import dependency_keys
from resilint.rules.results_cache import ResultsCache, SettingsKeys, cache_dir_for, entry_key
from resilint.rules.source import decode_source, split_lines
from resilint.rules.source_files import SkippedFile, check_regular, check_stat, read_source_file

from .convert import SOURCE, to_diagnostic

# rules.runner (and the rule engine it imports) loads only when a file is analysed: a check
# after a restart, served from the results cache, needs neither.
if TYPE_CHECKING:
    from resilint.rules.runner import FileResult

log = logging.getLogger("resilint.server")

#: Below this many files to analyse, starting worker processes costs more than it saves.
POOL_THRESHOLD = 48
#: Files per task sent to a worker, and tasks queued per worker: enough to keep every worker
#: busy, few enough that 8,000 files do not hold 8,000 futures and their pending results.
CHUNK_FILES = 8
CHUNKS_PER_WORKER = 3
#: How long a check waits for the folder's index being built (its findings depend on it).
INDEX_WAIT = 120.0


def skipped_diagnostic(reason: str) -> types.Diagnostic:
    return types.Diagnostic(
        range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)),
        message=f"resilint did not check this file: {reason}",
        severity=types.DiagnosticSeverity.Information,
        source=SOURCE,
    )


def diagnostics_of(path: Path, findings: list[Any], encoding: str, limit: int,
                   docs_url: str | None = None) -> list[types.Diagnostic]:
    """LSP diagnostics of `findings` (the file is read again only when there are some: the
    positions are converted to the client's encoding against its lines)."""
    if not findings:
        return []
    try:
        lines = split_lines(decode_source(read_source_file(path, limit)))
    except (SkippedFile, UnicodeDecodeError, SyntaxError, LookupError):
        lines = []
    return [to_diagnostic(f, lines, encoding, path.as_uri(), path, docs_url) for f in findings]


@dataclass
class _Plan:
    file: Any  # workspace_check._DiskFile
    settings: Any
    index_root: str | None
    cache: ResultsCache | None = None
    real: str = ""
    stat: Any = None  # a FileStat from the walk, or an os.stat_result
    content_hash: str = ""
    key: str = ""
    diagnostics: list[types.Diagnostic] | None = None  # known already: a cache hit or a skip


class DiskChecker:
    """One per server; `check()` per workspace check."""

    def __init__(self, host: Any, jobs: int | None = None) -> None:
        self.host = host
        self.jobs = jobs if jobs is not None else (os.cpu_count() or 1)
        self._caches: dict[str, ResultsCache] = {}
        self._keys = SettingsKeys()
        self.analysed = 0
        self.cached = 0

    async def check(self, files: list[Any], cancelled: Callable[[], bool]) -> AsyncIterator[tuple[Any, list]]:
        """(file, diagnostics) for each of `files`, cache hits first, then as analysed."""
        loop = asyncio.get_running_loop()
        executor = self.host.executor
        indexes = getattr(self.host, "indexes", None)
        if files and indexes is not None:
            await indexes.built(INDEX_WAIT)
        plans, views = await loop.run_in_executor(executor, self._plan_all, files)
        misses = [p for p in plans if p.diagnostics is None]
        self.cached += len(plans) - len(misses)
        pooled = self.jobs > 1 and len(misses) >= POOL_THRESHOLD
        log.info("workspace check: %d files from the results cache, %d to analyse%s", len(plans) - len(misses),
                 len(misses), f" on {self.jobs} worker processes" if pooled else "")
        for plan in plans:
            if plan.diagnostics is not None:
                yield plan.file, plan.diagnostics
        if not misses:
            return
        self.analysed += len(misses)
        from resilint.rules.runner import _indexed_jobs, _init_worker

        pool = None
        try:
            if pooled:
                pool = ProcessPoolExecutor(max_workers=self.jobs, mp_context=multiprocessing.get_context("spawn"),
                                           initializer=_init_worker, initargs=(views,))
                chunks = iter([misses[i:i + CHUNK_FILES] for i in range(0, len(misses), CHUNK_FILES)])
                queued: collections.deque = collections.deque()

                def submit_next() -> None:
                    chunk = next(chunks, None)
                    if chunk is not None:
                        queued.append((chunk, pool.submit(_indexed_jobs, [
                            (p.file.path, p.settings, False, p.index_root) for p in chunk])))

                for _ in range(self.jobs * CHUNKS_PER_WORKER):
                    submit_next()
                while queued:
                    chunk, future = queued.popleft()
                    submit_next()  # before waiting: the workers never run dry
                    results = await asyncio.wrap_future(future)
                    for plan, result in zip(chunk, results):
                        if cancelled():
                            return
                        yield plan.file, self._finish(plan, result)
            else:
                for plan in misses:
                    if cancelled():
                        return
                    result = await loop.run_in_executor(executor, _run_here, plan, views)
                    yield plan.file, self._finish(plan, result)
        finally:
            if pool is not None:
                pool.shutdown(wait=False, cancel_futures=True)
            await loop.run_in_executor(executor, self._save)

    # ---- the analysis thread ----
    def _plan_all(self, files: list[Any]) -> tuple[list[_Plan], dict[str, Any]]:
        indexes = getattr(self.host, "indexes", None)
        views: dict[str, Any] = {}
        deps: dict[str, dict[str, str]] = {}
        plans = []
        for f in files:
            root = indexes._root_of(f.path) if indexes is not None else None
            index = indexes.indexes.get(root) if root is not None else None
            key = None
            if index is not None:
                key = str(root)
                if key not in views:
                    views[key] = index.view()
                    deps[key] = dependency_keys(index.entries, index.aliases)
            plans.append(self._plan(f, key, deps))
        return plans, views

    def _plan(self, f: Any, index_root: str | None, deps: dict[str, dict[str, str]]) -> _Plan:
        settings = f.resolved.settings
        plan = _Plan(f, settings, index_root)
        limit = settings.options.max_file_size  # the editor's maxFileSize when set (workspace_settings)
        # A regular file comes with the walk's stat, of its real path (workspace_check._disk_files);
        # anything else is stat-ed again here, for the reason it is skipped.
        walked = stat.S_ISREG(f.stat.st_mode)
        try:
            if walked:
                check_stat(f.path, f.stat, limit)
                plan.stat = f.stat
            else:
                plan.stat = check_regular(f.path, limit)
        except SkippedFile as skip:
            plan.diagnostics = [skipped_diagnostic(skip.reason)]
            return plan
        root = str(f.resolved.config.real_root)
        cache = self._caches.get(root)
        if cache is None:
            cache = self._caches[root] = ResultsCache(Path(root), cache_dir_for(Path(root), settings))
        plan.real = str(f.path) if walked else os.path.realpath(f.path)

        def read() -> bytes | None:
            try:
                return read_source_file(f.path, limit)
            except SkippedFile:
                return None

        content_hash = cache.content_hash(plan.real, plan.stat, read)
        if content_hash is None:
            return plan  # the analysis names the reason
        dependency = f"index:{deps[index_root].get(plan.real, '')}" if index_root is not None else "single-file"
        plan.cache, plan.content_hash = cache, content_hash
        plan.key = entry_key(content_hash, self._keys.of(settings), dependency)
        findings = cache.lookup(plan.real, plan.key)
        if findings is not None:
            plan.diagnostics = diagnostics_of(f.path, findings, self.host.session.encoding, limit,
                                              settings.options.docs_url)
        return plan

    def _finish(self, plan: _Plan, result: FileResult) -> list[types.Diagnostic]:
        if result.note:
            return [skipped_diagnostic(result.note.removeprefix("skipped: "))]
        if plan.cache is not None and plan.stat is not None:
            plan.cache.store(plan.real, plan.stat, plan.content_hash, plan.key, result.findings)
        return diagnostics_of(plan.file.path, result.findings, self.host.session.encoding,
                              plan.settings.options.max_file_size, plan.settings.options.docs_url)

    def _save(self) -> None:
        for cache in self._caches.values():
            cache.save()
        self._caches.clear()  # the next check reads what this one (or a CLI run) wrote
        self._keys = SettingsKeys()


def _run_here(plan: _Plan, views: dict[str, Any]) -> FileResult:
    from resilint.rules.runner import _indexed_job, _init_worker

    _init_worker(views)
    try:  # a copy: the job sets the view on the settings, which the session shares
        return _indexed_job((plan.file.path, dataclasses.replace(plan.settings), False, plan.index_root))
    finally:
        _init_worker({})
