"""Workspace-wide checks: `workspace/diagnostic` and the `resilint.checkWorkspace` command.

Both walk every workspace folder with work-done progress ("N/M files"), stop early when the
request or the progress is cancelled, and reuse the diagnostics of files whose result id
(mtime, size, settings generation) did not change since the last check.
"""
from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from lsprotocol import types
from pygls.capabilities import get_capability
from pygls.exceptions import JsonRpcException

log = logging.getLogger("resilint.server")

CHECK_WORKSPACE = "resilint.checkWorkspace"
TITLE = "resilint: checking the workspace"
# Partial results go out in batches: one $/progress per file would cost more than the analysis.
BATCH_FILES = 20
BATCH_SECONDS = 0.25
# A client that never answers window/workDoneProgress/create must not stall the check.
CREATE_TIMEOUT = 5.0


class WorkProgress:
    """One work-done progress token (the client's or one we created), or none at all."""

    def __init__(self, server: Any, token: types.ProgressToken | None) -> None:
        self.server = server
        self.token = token
        self._percentage = -1

    @classmethod
    async def create(cls, server: Any) -> WorkProgress:
        token = f"resilint-workspace-{uuid.uuid4()}"
        try:
            await asyncio.wait_for(server.work_done_progress.create_async(token), CREATE_TIMEOUT)
        except (asyncio.TimeoutError, JsonRpcException) as exc:  # refused or no answer: check without progress
            log.info("window/workDoneProgress/create failed: %s", exc)
            return cls(server, None)
        return cls(server, token)

    def begin(self, total: int) -> None:
        if self.token is not None:
            self.server.work_done_progress.begin(self.token, types.WorkDoneProgressBegin(
                title=TITLE, cancellable=True, message=f"0/{total} files", percentage=0))

    def report(self, done: int, total: int) -> None:
        percentage = done * 100 // total if total else 100
        if self.token is None or percentage == self._percentage:
            return  # percentage steps only: a large workspace must not flood the client
        self._percentage = percentage
        self.server.work_done_progress.report(self.token, types.WorkDoneProgressReport(
            message=f"{done}/{total} files", percentage=percentage))

    @property
    def cancelled(self) -> bool:
        """The user pressed cancel on the progress (window/workDoneProgress/cancel)."""
        if self.token is None:
            return False
        future = self.server.work_done_progress.tokens.get(self.token)
        return future is not None and future.cancelled()

    def end(self, message: str) -> None:
        if self.token is None:
            return
        self.server.work_done_progress.end(self.token, types.WorkDoneProgressEnd(message=message))
        # pygls keeps every token forever, and refuses to create a token it already holds.
        self.server.work_done_progress.tokens.pop(self.token, None)


@dataclass
class Outcome:
    items: list[Any]
    checked: int
    total: int
    problems: int
    cancelled: bool

    def summary(self) -> str:
        if self.cancelled:
            return f"cancelled after {self.checked}/{self.total} files"
        return f"{self.checked} files checked, {self.problems} problems"


@dataclass
class _DiskFile:
    path: Path
    resolved: Any
    editor: Any
    result_id: str
    stat: Any  # source_files.FileStat, taken by the walk (links followed when they resolve)


class AnalysisHost(Protocol):
    """What the workspace check needs from the per-document diagnostics (`diagnostics.Diagnostics`
    implements it). An interface here, not an import: `diagnostics` owns a `WorkspaceCheck`, so
    the dependency points one way only."""

    server: Any
    session: Any
    executor: Any
    indexes: Any  # indexing.ServerIndexes, or None

    async def ensure_current(self, doc: Any) -> None: ...
    def hold_warm_up(self) -> None: ...
    def release_warm_up(self) -> None: ...
    def _report_config_error(self, source: Path | None, error: Any) -> None: ...
    def _workspace_files(self, open_paths: set[Path]) -> list[tuple[Path, Any, Any, Any]]: ...


class WorkspaceCheck:
    def __init__(self, diagnostics: AnalysisHost) -> None:
        self.diagnostics = diagnostics
        self.session = diagnostics.session
        self.server = diagnostics.server
        #: file URI -> (result id, diagnostics) of the last check, for files not open in the editor.
        self._cache: dict[str, tuple[str, list[types.Diagnostic]]] = {}
        #: The client has asked for workspace/diagnostic: it shows files that are not open itself.
        self.client_pulls_workspace = False
        self._disk: Any = None
        #: Files whose diagnostics the command pushed (see `opened`).
        self.pushed: set[str] = set()

    @property
    def disk(self) -> Any:
        """Files on disk: the results cache, and a process pool for the misses (the core loads
        on first use, after start-up, as for the per-document analysis)."""
        if self._disk is None:
            from .workspace_disk import DiskChecker

            self._disk = DiskChecker(self.diagnostics)
        return self._disk

    def opened(self, uri: str) -> None:
        """A pushed file was opened in a client that pulls per document (Neovim 0.10+): clear
        the push, or the client would show the pulled and the pushed findings side by side."""
        if uri in self.pushed:
            self.pushed.discard(uri)
            if self.session.pull_diagnostics:
                self.server.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    # ---- workspace/diagnostic ----
    async def report(self, params: types.WorkspaceDiagnosticParams) -> types.WorkspaceDiagnosticReport:
        self.client_pulls_workspace = True
        previous = {p.uri: p.value for p in params.previous_result_ids}
        partial = params.partial_result_token
        stream = _Stream(self.server, partial) if partial is not None else None

        async def progress_for(files: list[_DiskFile]) -> WorkProgress:
            if params.work_done_token is not None:
                return WorkProgress(self.server, params.work_done_token)
            # Clients re-pull the workspace every few seconds: show progress only when
            # something has to be analysed, not for a pass where nothing changed.
            if self._supports_progress() and any(self._needs_analysis(f, previous) for f in files):
                return await WorkProgress.create(self.server)
            return WorkProgress(self.server, None)

        outcome = await self.run(previous, progress_for, stream.add if stream else None)
        if stream is not None:
            stream.flush()
        # With a partial result token every item went out as $/progress: the response stays empty.
        return types.WorkspaceDiagnosticReport(items=[] if stream is not None else outcome.items)

    # ---- resilint.checkWorkspace ----
    async def command(self) -> dict[str, Any]:
        """Check every file and push its diagnostics (for clients without workspace pulls)."""
        # Clients that pull per document but never the workspace (Neovim 0.10-0.11) still need
        # the push; clients that pull the workspace (VS Code) would show pushed files twice.
        pull = self.client_pulls_workspace

        async def progress_for(files: list[_DiskFile]) -> WorkProgress:
            if self._supports_progress():
                return await WorkProgress.create(self.server)
            return WorkProgress(self.server, None)

        def publish(item: Any) -> None:
            # Open documents are pushed by the normal path at their own version.
            if not pull and item.version is None:
                self.pushed.add(item.uri)
                self.server.text_document_publish_diagnostics(
                    types.PublishDiagnosticsParams(uri=item.uri, diagnostics=list(item.items)))

        outcome = await self.run({}, progress_for, publish)
        if pull and self.session.diagnostic_refresh:
            # Its next workspace pull is served from the cache the check just filled.
            self.server.workspace_diagnostic_refresh(None)
        return {"files": outcome.checked, "total": outcome.total, "problems": outcome.problems,
                "cancelled": outcome.cancelled}

    # ---- the check ----
    async def run(self, previous: dict[str, str],
                  progress_for: Callable[[list[_DiskFile]], Awaitable[WorkProgress]],
                  emit: Callable[[Any], None] | None) -> Outcome:
        """Open documents first (at their version), then every file on disk, one file per job
        on the analysis thread so edits and hovers are served in between."""
        self.diagnostics.hold_warm_up()
        try:
            return await self._run(previous, progress_for, emit)
        finally:
            self.diagnostics.release_warm_up()

    async def _run(self, previous: dict[str, str],
                   progress_for: Callable[[list[_DiskFile]], Awaitable[WorkProgress]],
                   emit: Callable[[Any], None] | None) -> Outcome:
        diags, session = self.diagnostics, self.session
        loop = asyncio.get_running_loop()
        docs = list(session.documents.values())
        open_paths = {doc.path.resolve() for doc in docs if doc.path is not None}
        files = await loop.run_in_executor(diags.executor, self._disk_files, open_paths)
        total = len(docs) + len(files)
        progress = await progress_for(files)
        progress.begin(total)
        outcome = Outcome(items=[], checked=0, total=total, problems=0, cancelled=False)
        cache: dict[str, tuple[str, list[types.Diagnostic]]] = {}

        def add(item: Any) -> None:
            outcome.items.append(item)
            outcome.checked += 1
            outcome.problems += len(getattr(item, "items", ()))
            if emit is not None:
                emit(item)
            progress.report(outcome.checked, total)

        try:
            for doc in docs:
                if progress.cancelled:
                    break
                await diags.ensure_current(doc)
                if previous.get(doc.uri) == doc.result_id:
                    add(types.WorkspaceUnchangedDocumentDiagnosticReport(
                        uri=doc.uri, result_id=doc.result_id, version=doc.version))
                else:
                    add(types.WorkspaceFullDocumentDiagnosticReport(
                        uri=doc.uri, items=getattr(doc, "_diagnostics", []),
                        result_id=doc.result_id, version=doc.version))
            todo = []
            reported: set[tuple[int, int]] = set()  # (config, error) pairs: a project's files share them
            for f in files:
                if progress.cancelled:
                    break
                uri = f.path.as_uri()
                pair = (id(f.resolved.config), id(f.resolved.error))
                if pair not in reported:
                    reported.add(pair)
                    diags._report_config_error(f.resolved.config.source, f.resolved.error)
                if previous.get(uri) == f.result_id:
                    if uri in self._cache:
                        cache[uri] = self._cache[uri]
                    add(types.WorkspaceUnchangedDocumentDiagnosticReport(uri=uri, result_id=f.result_id, version=None))
                    continue
                hit = self._cache.get(uri)
                if hit is not None and hit[0] == f.result_id:
                    cache[uri] = hit
                    add(types.WorkspaceFullDocumentDiagnosticReport(
                        uri=uri, items=hit[1], result_id=f.result_id, version=None))
                else:
                    todo.append(f)
            # the results cache, then all cores (server/workspace_disk.py)
            async for f, diagnostics in self.disk.check(todo, lambda: progress.cancelled):
                uri = f.path.as_uri()
                cache[uri] = (f.result_id, diagnostics)
                add(types.WorkspaceFullDocumentDiagnosticReport(
                    uri=uri, items=diagnostics, result_id=f.result_id, version=None))
        except asyncio.CancelledError:  # $/cancelRequest: the client drops the response anyway
            outcome.cancelled = True
            raise
        finally:
            outcome.cancelled = outcome.cancelled or outcome.checked < total
            if outcome.cancelled:
                self._cache.update(cache)
            else:
                self._cache = cache  # files deleted since the last full check drop out
            progress.end(outcome.summary())
            log.info("workspace check: %s", outcome.summary())
        return outcome

    def _disk_files(self, open_paths: set[Path]) -> list[_DiskFile]:
        """Runs on the analysis thread: walking and stat-ing a large tree takes a while."""
        generation = self.session.generation
        return [_DiskFile(path, resolved, editor, f"{st.st_mtime_ns}-{st.st_size}-{generation}", st)
                for path, resolved, editor, st in self.diagnostics._workspace_files(open_paths)]

    def _needs_analysis(self, f: _DiskFile, previous: dict[str, str]) -> bool:
        uri = f.path.as_uri()
        if previous.get(uri) == f.result_id:
            return False
        hit = self._cache.get(uri)
        return hit is None or hit[0] != f.result_id

    def _supports_progress(self) -> bool:
        return bool(get_capability(self.session.capabilities, "window.work_done_progress", False))


class _Stream:
    """Partial results of workspace/diagnostic, sent in batches on the client's token."""

    def __init__(self, server: Any, token: types.ProgressToken) -> None:
        self.server = server
        self.token = token
        self.batch: list[Any] = []
        self.first = True
        self.last = time.monotonic()

    def add(self, item: Any) -> None:
        self.batch.append(item)
        if len(self.batch) >= BATCH_FILES or time.monotonic() - self.last >= BATCH_SECONDS:
            self.flush()

    def flush(self) -> None:
        if not self.batch and not self.first:
            return
        # The spec: a WorkspaceDiagnosticReport first, then WorkspaceDiagnosticReportPartialResults.
        value_type = types.WorkspaceDiagnosticReport if self.first else types.WorkspaceDiagnosticReportPartialResult
        self.server.progress(types.ProgressParams(token=self.token, value=value_type(items=self.batch)))
        self.batch, self.first, self.last = [], False, time.monotonic()
