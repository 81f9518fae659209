"""Diagnostics: debounced analysis off the event loop, push and pull, workspace diagnostics.

One single-thread executor per server runs every analysis, so the event loop keeps
answering requests. Each run is for one (document, version); a result is applied only if
that version is still the document's current one, so version N is never published after
N+1 arrived. Work queued for a version that is already stale is skipped before it starts.
"""
from __future__ import annotations

import asyncio
import gc
import hashlib
import logging
import os
import stat
import threading
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from .convert import SOURCE, config_error_diagnostic, to_diagnostic
from .documents import PYTHON_SUFFIXES, Document, uri_to_path
from .notebooks import NotebookDocument
from .session import Session
from .workspace_check import WorkspaceCheck

# The analysis core (and pydantic, through the settings) loads on the analysis thread after
# `initialized` (warm_up), not before the server can answer `initialize`.
if TYPE_CHECKING:
    from pygls.lsp.server import LanguageServer
    from resilint.rules.config import ConfigError
    from resilint.rules.engine import AnalysisResult
    from resilint.rules.settings import FileSettings

log = logging.getLogger("resilint.server")


#: How many documents keep incremental state (the syntax trees of their last text): the most
#: recently analysed ones, i.e. those being typed in. The others keep only their findings, so
#: memory stays bounded however many files are open; their next edit rebuilds the state once.
LIVE_ANALYZERS = 12
_live: OrderedDict[int, Document] = OrderedDict()


def _keep_live(doc: Document) -> None:
    # Closed ones free their trees first; not `doc`, which the event loop may have closed
    # while this analysis runs (its analyzer was then None under run_analysis: defect 3).
    for key in [key for key, other in _live.items() if other.closed and other is not doc]:
        _live.pop(key).analyzer = None
    _live[id(doc)] = doc
    _live.move_to_end(id(doc))
    while len(_live) > LIVE_ANALYZERS:
        _, coldest = _live.popitem(last=False)
        coldest.analyzer = None


def run_analysis(doc: Document | None, text: str, path: str, settings: FileSettings) -> AnalysisResult:
    """The one call into the core (runs on the analysis thread, which alone reads and writes
    `analyzer`, `analyzer_key` and `_live`; the analyzer is held in a local all the same)."""
    from resilint.rules.engine import analyze
    from resilint.rules.incremental import IncrementalAnalyzer

    if doc is not None:
        key = id(settings)
        try:
            analyzer = doc.analyzer
            if analyzer is None or doc.analyzer_key != key:
                analyzer = doc.analyzer = IncrementalAnalyzer(path, settings)
                doc.analyzer_key = key
            _keep_live(doc)
            return analyzer.update(text)
        except Exception:  # a bug in the reuse layer must not cost the user the diagnostics
            log.exception("incremental analysis of %s failed; analysing the whole file", path)
            doc.analyzer = None
    return analyze(text, path, settings)


TOO_LARGE = "larger than"  # the skip reason that the editor shows on the file (see too_large)


def too_large(doc: Document) -> list[types.Diagnostic]:
    """One informational diagnostic on a document over the size limit, the way other linters name
    the huge generated files they skip: never analysed for minutes, never silently empty."""
    if doc.skipped is None or not doc.skipped.startswith(TOO_LARGE):
        return []
    start = types.Position(line=0, character=0)
    return [types.Diagnostic(range=types.Range(start=start, end=start), severity=types.DiagnosticSeverity.Information,
                             source=SOURCE, message=f"File too large, not analysed: {doc.skipped}.")]


class Diagnostics:
    def __init__(self, server: LanguageServer, session: Session) -> None:
        self.server = server
        self.session = session
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="resilint-analysis")
        self._result_counter = 0
        self.workspace = WorkspaceCheck(self)  # workspace/diagnostic and resilint.checkWorkspace
        #: server/indexing.ServerIndexes, once the server wires it: cross-module names.
        self.indexes: Any = None
        self._warming = False
        self._warm_lock = threading.Lock()
        self._holds = 0  # workspace checks running: the warm-up waits for them
        self._paused: Any = None  # the warm-up's next step, while held

    def warm_up(self) -> None:
        """Import every rule module on the analysis thread while the client starts up (once).

        One module per job, each job queueing the next, and none while a workspace check runs
        (`hold_warm_up`): a check answered from the results cache needs no rule at all, and the
        warm-up would hold the GIL it needs. A document's analysis imports what it needs itself."""
        if self._warming:
            return
        self._warming = True
        t0 = time.perf_counter()
        todo: list[str] | None = None  # the rule modules not imported yet, last first

        def step() -> None:
            import importlib

            from resilint.rules import registry

            nonlocal todo
            with self._warm_lock:
                if self._holds:
                    self._paused = step
                    return
            if todo is None:
                todo = registry.rule_module_names()[::-1]
            if todo:
                importlib.import_module(todo.pop())
                self._submit(step)
                return
            from resilint.rules.engine import analyze
            from resilint.rules.settings import FileSettings

            registry.all_rules()
            analyze("import requests\n", "<warm-up>", FileSettings.default())
            # Modules, rule classes and lsprotocol's types live as long as the process: keep the
            # garbage collector's full passes (100+ ms over them) off the typing path.
            gc.freeze()
            log.debug("rules loaded in %.0f ms", (time.perf_counter() - t0) * 1000)

        asyncio.get_running_loop().run_in_executor(self.executor, step)

    def _submit(self, job: Any) -> None:
        try:
            self.executor.submit(job)
        except RuntimeError:  # shutting down
            pass

    def hold_warm_up(self) -> None:
        """Pause the warm-up until `release_warm_up` (called on the event loop)."""
        with self._warm_lock:
            self._holds += 1

    def release_warm_up(self) -> None:
        with self._warm_lock:
            self._holds -= 1
            job = self._paused if not self._holds else None
            if job is not None:
                self._paused = None
        if job is not None:
            self._submit(job)

    # ---- scheduling ----
    def schedule(self, doc: Document, immediate: bool = False) -> None:
        """(Re)start the debounce timer for `doc` (push clients only)."""
        if self.session.pull_diagnostics:
            return
        if doc.pending is not None:
            doc.pending.cancel()
        delay = 0.0 if immediate else self.session.settings_for_path(doc.path).debounce / 1000
        doc.pending = asyncio.get_running_loop().create_task(self._debounced(doc, doc.version, delay))

    async def _debounced(self, doc: Document, version: int, delay: float) -> None:
        if delay > 0:
            await asyncio.sleep(delay)
        if doc.closed or doc.version != version:
            return
        await self.analysis_for(doc, version)

    async def ensure_current(self, doc: Document) -> None:
        """Wait until the document's current version is analysed (pull requests)."""
        for _ in range(50):
            version = doc.version
            if doc.closed or doc.analyzed_version == version:
                return
            await self.analysis_for(doc, version)

    async def analysis_for(self, doc: Document, version: int) -> None:
        inflight = doc.inflight  # dropped by `reanalyse` when the inputs change
        if inflight is not None and inflight[0] == version and not inflight[1].done():
            fut = inflight[1]
        else:
            fut = asyncio.get_running_loop().create_task(self._run(doc, version))
            doc.inflight = (version, fut)
        await asyncio.shield(fut)

    async def _run(self, doc: Document, version: int) -> None:
        session = self.session
        editor = session.settings_for_path(doc.path)
        resolved = session.resolve(doc)
        self._report_config_error(resolved.config.source, resolved.error)
        skip = self._skip_reason(doc, editor, resolved)
        if skip is not None:
            doc.findings, doc.syntax = [], None
            self._finish(doc, version, None)
            return
        text, path = doc.text, str(doc.path) if doc.path else doc.uri
        settings = resolved.settings

        def work() -> tuple[AnalysisResult, float] | None:
            if doc.closed or doc.version != version:
                return None  # stale before it started
            t0 = time.perf_counter()
            with_index = settings if self.indexes is None else self.indexes.settings_for(doc, text, path, settings)
            result = run_analysis(doc, text, path, with_index)
            return result, (time.perf_counter() - t0) * 1000

        loop = asyncio.get_running_loop()
        try:
            outcome = await loop.run_in_executor(self.executor, work)
        except Exception:
            log.exception("analysis of %s failed", doc.uri)
            outcome = None
            if not doc.closed and doc.version == version:
                self._finish(doc, version, None)  # keep what is shown; do not retry forever
            return
        if outcome is None or doc.closed or doc.version != version:
            return  # a newer version arrived: drop this result
        result, ms = outcome
        doc.last_ms = ms
        doc.analyses += 1
        if result.syntax_error is not None:
            # Typing stays calm: keep the last good findings (moved through the edits).
            doc.syntax = result.syntax_error
        else:
            doc.findings, doc.syntax = result.findings, None
        for message in result.internal_errors:
            log.warning("%s: %s", doc.uri, message)
        log.debug("analysed %s v%s in %.1f ms (%d findings)", doc.uri, version, ms, len(result.findings))
        self._finish(doc, version, ms)

    def _skip_reason(self, doc: Document, editor, resolved) -> str | None:
        reason = None
        if not editor.enable:
            reason = "disabled by the `enable` setting"
        elif not doc.is_python():
            reason = f"not a Python document (languageId {doc.language_id!r})"
        elif self._too_large(doc, limit := resolved.settings.options.max_file_size):
            # One limit for open documents and files on disk: the project's `max-file-size`,
            # or the editor's `maxFileSize` when set (server/workspace_settings.py).
            source = "maxFileSize" if editor.max_file_size is not None else "max-file-size"
            reason = f"{TOO_LARGE} {source} ({limit} bytes)"
        elif doc.path is not None and resolved.config.is_excluded(doc.path):
            reason = "excluded by the configuration"
        if reason != doc.skip_logged:
            if reason is not None:
                log.info("skipping %s: %s", doc.uri, reason)
            doc.skip_logged = reason
        doc.skipped = reason
        return reason

    @staticmethod
    def _too_large(doc: Document, limit: int) -> bool:
        return len(doc.text) > limit or len(doc.text.encode("utf-8", "surrogatepass")) > limit

    def _finish(self, doc: Document, version: int, ms: float | None) -> None:
        doc.analyzed_version = version
        diagnostics = self.lsp_diagnostics(doc)
        fingerprint = hashlib.sha1(repr([
            (d.code, d.message, d.range.start.line, d.range.start.character,
             d.range.end.line, d.range.end.character, d.severity) for d in diagnostics
        ]).encode()).hexdigest()
        if fingerprint != doc.fingerprint or not doc.result_id:
            self._result_counter += 1
            doc.result_id = f"{self._result_counter}"
            doc.fingerprint = fingerprint
        doc._diagnostics = diagnostics
        if not self.session.pull_diagnostics:
            if isinstance(doc, NotebookDocument):  # one publication per cell
                doc.publish(self.server, diagnostics, version)
                return
            self.server.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=doc.uri, diagnostics=diagnostics, version=version)
            )

    def lsp_diagnostics(self, doc: Document) -> list[types.Diagnostic]:
        if doc.skipped is not None:
            return too_large(doc)
        findings = list(doc.findings)
        if doc.syntax is not None:
            findings.append(doc.syntax)
        findings.sort(key=lambda f: f.sort_key())
        lines, enc = doc.line_view, self.session.encoding
        resolved = getattr(doc, "resolved", None)
        docs_url = resolved.settings.options.docs_url if resolved is not None else None
        # Converted diagnostics are kept per finding: an edit re-converts only the findings
        # that are new or moved, or whose lines changed (columns depend on the line's text).
        old: dict = getattr(doc, "_diagnostic_cache", None) or {}
        cache: dict = {}
        out: list[types.Diagnostic] = []
        n = len(lines)
        for f in findings:
            k = (f.code, f.message, f.span, f.severity, docs_url)
            span = f.span
            texts = tuple(lines[i] if 0 <= i < n else None for i in sorted({span.line, span.end_line, *(
                x for r in f.related for x in (r.span.line, r.span.end_line))}))
            hit = old.get(k)
            diagnostic = None
            if hit is not None and hit[1] == enc and hit[2] == texts:
                try:
                    if hit[0] is f or hit[0] == f:
                        diagnostic = hit[3]
                except Exception:  # a finding's data that cannot be compared: convert again
                    diagnostic = None
            if diagnostic is None:
                diagnostic = to_diagnostic(f, lines, enc, doc.uri, doc.path, docs_url)
            cache[k] = (f, enc, texts, diagnostic)
            out.append(diagnostic)
        doc._diagnostic_cache = cache  # type: ignore[attr-defined]
        return out

    def clear(self, doc: Document) -> None:
        if doc.pending is not None:
            doc.pending.cancel()
        if not self.session.pull_diagnostics and isinstance(doc, NotebookDocument):
            doc.publish(self.server, [], None)
        elif not self.session.pull_diagnostics:
            self.server.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=doc.uri, diagnostics=[]))

    def reanalyse_all(self) -> None:
        """After a settings or config-file change."""
        self.reanalyse(list(self.session.documents.values()))

    def reanalyse(self, docs: list[Document]) -> None:
        """What the analysis of `docs` reads changed (settings, config files, other modules):
        analyse them again at their current version (push: publish; pull: ask the client to
        pull again). An analysis in flight started with the old inputs, so it is not reused."""
        for doc in docs:
            if doc.closed:
                continue
            doc.analyzed_version = None
            doc.inflight = None
            self.schedule(doc, immediate=True)
        if docs and self.session.pull_diagnostics and self.session.diagnostic_refresh:
            self.server.workspace_diagnostic_refresh(None)

    # ---- configuration problems ----
    def _report_config_error(self, source: Path | None, error: ConfigError | None) -> None:
        session = self.session
        if source is None:
            return
        uri = source.resolve().as_uri()
        previous = session.config_errors.get(uri)
        if error is None:
            if previous is not None:
                del session.config_errors[uri]
                self.server.text_document_publish_diagnostics(
                    types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
            return
        if previous is not None and str(previous) == str(error):
            return
        session.config_errors[uri] = error
        try:
            lines = source.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            lines = []
        self.server.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=uri,
            diagnostics=[config_error_diagnostic(error.line, error.message, error.key, lines, session.encoding)],
        ))
        message = f"resilint: invalid configuration, using defaults: {error}"
        log.error("%s", message)
        self.server.window_show_message(types.ShowMessageParams(type=types.MessageType.Error, message=message))

    def recheck_config_files(self) -> None:
        """Clear or refresh pyproject.toml diagnostics after the files changed."""
        from resilint.rules.config import ConfigError, load_config

        for uri in list(self.session.config_errors):
            path = uri_to_path(uri)
            if path is None:
                continue
            try:
                load_config(path)
            except ConfigError as exc:
                self._report_config_error(path, exc)
            else:
                self._report_config_error(path, None)

    # ---- pull ----
    async def document_report(self, params: types.DocumentDiagnosticParams) -> Any:
        doc = self.session.documents.get(params.text_document.uri)
        if doc is None:
            return types.RelatedFullDocumentDiagnosticReport(items=[], result_id=None)
        await self.ensure_current(doc)
        if params.previous_result_id and params.previous_result_id == doc.result_id:
            return types.RelatedUnchangedDocumentDiagnosticReport(result_id=doc.result_id)
        return types.RelatedFullDocumentDiagnosticReport(
            items=getattr(doc, "_diagnostics", []), result_id=doc.result_id)

    def _workspace_files(self, open_paths: set[Path]) -> list[tuple[Path, Any, Any, Any]]:
        """(path, resolved config, editor settings, FileStat) of each Python file of the workspace
        folders that is not open, each walked and stat-ed once (`walk_files`)."""
        from resilint.rules.config import DEFAULT_EXCLUDES
        from resilint.rules.source_files import FileStat, walk_files

        session = self.session
        out = []
        seen: set[Path] = set()
        folders: dict[Path, Path | None] = {}  # pyproject.toml per folder, for this walk

        def prune(name: str, parent: str) -> bool:
            return name in DEFAULT_EXCLUDES

        for folder in session.folders:
            if folder.path is None or not folder.path.is_dir():
                continue
            editor = folder.settings or session.base_settings()
            if not editor.enable:
                continue
            for found in walk_files(folder.path, PYTHON_SUFFIXES, prune):
                st = found.stat
                if st is not None and stat.S_ISREG(st.st_mode):
                    path = Path(found.real)
                else:  # named as skipped where the link is, never read
                    path = Path(found.located)
                    try:  # a symlink loop or a broken link: still named
                        st = st or FileStat.of(path.lstat())
                    except OSError:  # deleted while walking
                        continue
                if path in seen or path in open_paths:
                    continue
                seen.add(path)
                file_editor = session.settings_for_path(path)
                resolved = session.configs.resolve(path, file_editor, folder.path, real=True, folders=folders)
                if resolved.config.is_excluded(path, real=True):
                    continue
                out.append((path, resolved, file_editor, st))
        return out


def register(server: LanguageServer, diagnostics: Diagnostics) -> None:
    @server.feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(identifier="resilint", inter_file_dependencies=False, workspace_diagnostics=True),
    )
    async def document_diagnostic(ls: LanguageServer, params: types.DocumentDiagnosticParams):
        return await diagnostics.document_report(params)

    @server.feature(types.WORKSPACE_DIAGNOSTIC)
    async def workspace_diagnostic(ls: LanguageServer, params: types.WorkspaceDiagnosticParams):
        return await diagnostics.workspace.report(params)
