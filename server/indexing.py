"""Cross-module analysis in the server: one `WorkspaceIndex` per workspace folder.

Threads, and why:
  * an index is built on its own thread ("resilint-index") after `initialized`: a cold build
    of a large folder takes seconds, and the first publish of a document never waits for it
    (a document opened before its index is ready is re-analysed once it is);
  * every read and write of a ready index happens on the analysis thread (the diagnostics
    executor, a single thread): the index is not thread-safe. An open document's text is
    indexed there once typing pauses (`UPDATE_DELAY`), not before each analysis;
  * jedi (installed-package re-exports) runs on the index thread after a document's first
    publish; its answer only ever causes a second, enriched publish.
The event loop only schedules: the typing-pause timers, re-publishing the open dependents of a
module whose summary changed, and the documents of a folder whose index became ready.
"""
from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
import re
import queue
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from .documents import PYTHON_SUFFIXES, Document, uri_to_path

if TYPE_CHECKING:  # the index code loads with the first index build, after start-up
    from resilint.rules.settings import FileSettings
    from resilint.rules.index.store import WorkspaceIndex
    from resilint.rules.index.view import IndexView
    from .diagnostics import Diagnostics
    from .session import Session

log = logging.getLogger("resilint.server")

#: Transitive importers re-published after one module's summary changed (a bound on the walk).
MAX_DEPENDENTS = 200
#: How long shutdown waits for the cache to be written (it runs after any analysis in flight).
SAVE_WAIT = 2.0
#: Typing pause after which an open document's text is indexed (seconds).
UPDATE_DELAY = 0.5
#: How long jedi waits for a document's first publish (then it goes ahead anyway).
FIRST_PUBLISH_WAIT = 10.0
#: Settings objects remembered with their view (one per folder / configuration in practice).
MAX_SETTINGS = 64
#: Index changes remembered for the documents' pinned views (older pins are refreshed).
MAX_CHANGES = 512
_FROM_IMPORT = re.compile(r"^from[ \t]+[\w.]+[ \t]+import\b.*$", re.MULTILINE)



class BackgroundWorker:
    """One daemon thread running index builds and jedi look-ups in order. A daemon, unlike a
    ThreadPoolExecutor's worker: `exit` must not wait for a cold build of a big folder (the
    index and its cache only add findings; a build cut short costs nothing)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._tasks: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._closed = False

    def submit(self, fn: Any, *args: Any) -> None:
        if self._closed:
            return
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
            self._thread.start()
        self._tasks.put((fn, args))

    def _run(self) -> None:
        while True:
            fn, args = self._tasks.get()
            if fn is None:
                return
            try:
                fn(*args)
            except Exception:
                log.exception("background index task failed")

    def shutdown(self) -> None:
        self._closed = True
        self._tasks.put((None, ()))

class ServerIndexes:
    """The workspace folders' indexes, as the diagnostics see them (`settings_for`)."""

    def __init__(self, session: Session, diagnostics: Diagnostics) -> None:
        self.session = session
        self.diagnostics = diagnostics
        self.indexes: dict[Path, WorkspaceIndex] = {}
        self.builder = BackgroundWorker("resilint-index")
        self.loop: asyncio.AbstractEventLoop | None = None
        # id(editor settings) -> (settings, view, settings with the view): one object per
        # view, so the incremental analyzer (keyed by id(settings)) is kept until the view changes.
        self._with_view: dict[int, tuple[FileSettings, IndexView, FileSettings]] = {}
        self._jedi: dict[Path, Any] = {}
        self._jedi_asked: dict[str, tuple[str, ...]] = {}
        #: path -> (document, folder, text, version) to index once typing pauses (analysis thread only).
        self._pending: dict[str, tuple[Document, Path, str, int]] = {}
        self._timers: dict[str, asyncio.TimerHandle] = {}  # event loop only
        # Analysis thread only: the index changes so far, (revision, index, the real paths whose
        # analysis they may change, or None for all), and per open document the settings it
        # was last analysed with: (revision, index, settings, settings with the view).
        self._revision = 0
        self._changes: list[tuple[int, WorkspaceIndex, frozenset[str] | None]] = []
        self._pins: dict[str, tuple[int, WorkspaceIndex, FileSettings, FileSettings]] = {}
        self._closed = False
        #: Folders whose build is queued or running (event loop only).
        self.pending: set[Path] = set()

    async def built(self, timeout: float) -> None:
        """Wait, at most `timeout` seconds, for the builds in progress: a workspace check's
        findings, and so its results-cache keys, depend on the folder's index."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.pending and not self._closed and loop.time() < deadline:
            await asyncio.sleep(0.05)

    # ---- building (event loop -> index thread -> event loop) ----
    def start(self) -> None:
        """Build an index for every workspace folder not indexed yet (after `initialized`)."""
        self.loop = asyncio.get_running_loop()
        for folder in self.session.folders:
            root = folder.path
            if root is None or root in self.indexes or not root.is_dir():
                continue
            self.pending.add(root)
            self.builder.submit(self._build, root)

    def _build(self, root: Path) -> None:
        t0 = time.perf_counter()
        try:
            # One process: forking a server that runs threads is not safe.
            from resilint.rules.index.store import WorkspaceIndex

            index = WorkspaceIndex.build(root, jobs=1)
        except Exception:
            log.exception("indexing %s failed; cross-module findings are off for it", root)
            if self.loop is not None:
                self.loop.call_soon_threadsafe(self.pending.discard, root)
            return
        s = index.stats
        log.info("indexed %s in %.0f ms: %d files (%d parsed, %d prefiltered, %d from the cache)",
                 root, (time.perf_counter() - t0) * 1000, s.files, s.parsed, s.skipped, s.cache_hits)
        if self.loop is not None and not self._closed:
            self.loop.call_soon_threadsafe(self._ready, root, index)

    def _ready(self, root: Path, index: WorkspaceIndex) -> None:
        self.pending.discard(root)
        if self._closed:
            return
        self.indexes[root] = index
        self.diagnostics.reanalyse([d for d in self.session.documents.values() if self._root_of(d.path) == root])

    # ---- the analysis thread ----
    def settings_for(self, doc: Document | None, text: Any, path: str, settings: FileSettings) -> FileSettings:
        """`settings` with the workspace view of `path`'s folder (called on the analysis thread,
        with the text about to be analysed; an open document's text updates the index once
        typing pauses, see `_defer_update`)."""
        root = self._root_of(Path(path)) if doc is None or doc.path is not None else None
        index = self.indexes.get(root) if root is not None else None
        if index is None:
            return settings
        if doc is not None and isinstance(text, str) and not self._closed:
            self._defer_update(doc, root, path, text)
            real = os.path.realpath(path)
            pin = self._pins.get(real)
            if pin is not None and pin[1] is index and pin[2] is settings and self._pin_holds(pin[0], index, real):
                return pin[3]
            enriched = self._with_index(index, settings)
            self._pins[real] = (self._revision, index, settings, enriched)
            return enriched
        return self._with_index(index, settings)

    def _pin_holds(self, revision: int, index: WorkspaceIndex, real: str) -> bool:
        """No index change since `revision` can change the analysis of `real`: a new view
        means a new incremental analyzer, i.e. a whole-file analysis, so a document keeps its
        view while only unrelated modules, or its own summary, changed (its analysis reads the
        other modules' summaries; its own matters only for `self.x` of its own classes read
        before `__init__` sets them, which a later change of another module refreshes)."""
        if revision == self._revision:
            return True
        if not self._changes or self._changes[0][0] > revision + 1:
            return False  # changes were forgotten
        for rev, changed_index, affected in reversed(self._changes):
            if rev <= revision:
                break
            if changed_index is index and (affected is None or real in affected):
                return False
        return True

    def _changed(self, index: WorkspaceIndex, affected: frozenset[str] | None) -> None:
        self._revision += 1
        self._changes.append((self._revision, index, affected))
        if len(self._changes) > MAX_CHANGES:
            del self._changes[: MAX_CHANGES // 2]

    def _with_index(self, index: WorkspaceIndex, settings: FileSettings) -> FileSettings:
        view = index.view()
        hit = self._with_view.get(id(settings))
        if hit is not None and hit[0] is settings and hit[1] is view:
            return hit[2]
        enriched = dataclasses.replace(settings, workspace_index=view)
        if len(self._with_view) >= MAX_SETTINGS:  # settings of earlier configurations
            self._with_view.clear()
        self._with_view[id(settings)] = (settings, view, enriched)
        return enriched

    def _defer_update(self, doc: Document, root: Path, path: str, text: str) -> None:
        """Index an open document's text once typing pauses for UPDATE_DELAY: re-summarising
        parses the whole file (~50 ms for 6,000 lines), which on every keystroke would delay
        every publish. Meanwhile the view differs only in this module's own summary, which its
        own analysis barely reads (it reads the other modules')."""
        self._pending[path] = (doc, root, text, doc.version)
        if self.loop is not None:
            self.loop.call_soon_threadsafe(self._arm, path)

    def _arm(self, path: str) -> None:
        timer = self._timers.pop(path, None)
        if timer is not None:
            timer.cancel()
        if self.loop is not None and not self._closed:
            self._timers[path] = self.loop.call_later(UPDATE_DELAY, self._fire, path)

    def _fire(self, path: str) -> None:
        self._timers.pop(path, None)
        try:
            self.diagnostics.executor.submit(self._apply_pending, path)
        except RuntimeError:  # the analysis executor is shut down
            pass

    def _apply_pending(self, path: str) -> None:
        item = self._pending.pop(path, None)
        if item is None or self._closed:
            return
        doc, root, text, version = item
        index = self.indexes.get(root)
        if index is None or doc.closed or doc.version != version:
            return  # typing went on: the analysis of the newer text arms the timer again
        before = index.dependencies(path)
        try:
            changed = index.update_file(path, text)
        except Exception:
            log.exception("indexing %s failed", path)
            return
        if changed:
            self._after_change(index, path, before)
        self._ask_jedi(doc, root, index, path, text)

    def _after_change(self, index: WorkspaceIndex, path: str, before: list[str] | None = None,
                      everyone: bool = False) -> None:
        """A module's summary changed: re-publish the open modules that import it, directly or
        through re-exports (their findings and `related` locations may have changed), and the
        open modules it refers to, before or after the change (their `related` uses may list
        places in it: LLM001 at `client = OpenAI()` lists the uses)."""
        real = os.path.realpath(path)
        seen = {real}
        todo = [path]
        while todo and len(seen) < MAX_DEPENDENTS:
            for dependent in index.dependents(todo.pop()):
                if dependent not in seen:
                    seen.add(dependent)
                    todo.append(dependent)
        seen.discard(real)
        affected = seen | {*(before or ()), *index.dependencies(path)}
        self._changed(index, None if everyone else frozenset(affected))
        if affected and self.loop is not None:
            self.loop.call_soon_threadsafe(self._republish, affected)

    def _republish(self, real_paths: set[str]) -> None:
        docs = [d for d in self.session.documents.values()
                if d.path is not None and os.path.realpath(d.path) in real_paths]
        self.diagnostics.reanalyse(docs)

    def _disk_changes(self, changes: list[tuple[str, str | None]]) -> None:
        """Watched files changed on disk (not open in the editor): created/changed -> re-index
        from disk, deleted -> remove (analysis thread)."""
        for path, text in changes:
            root = self._root_of(Path(path))
            index = self.indexes.get(root) if root is not None else None
            if index is None:
                continue
            before = index.dependencies(path)
            added = os.path.realpath(path) not in index.entries
            if text is None:
                changed = index.remove(path)
            else:
                changed = index.update_file(path, text)
            if changed:
                # a module added or removed changes the module map every analysis reads
                self._after_change(index, path, before, everyone=added or text is None)

    def _save_all(self) -> None:
        for index in list(self.indexes.values()):
            index.save()

    # ---- jedi: after the first publish, on the index thread ----
    def _ask_jedi(self, doc: Document, root: Path, index: WorkspaceIndex, path: str, text: str) -> None:
        """Ask jedi about a document's `from X import Y` lines when they changed (not on every edit)."""
        imports = tuple(_FROM_IMPORT.findall(text))
        if not imports or self._jedi_asked.get(path) == imports:
            return
        self._jedi_asked[path] = imports
        self.builder.submit(self._settle, doc, root, path, text, index.first_party)

    def _settle(self, doc: Document, root: Path, path: str, text: str, first_party: frozenset[str]) -> None:
        from resilint.rules import jedi_resolve

        # Never on the first-publish path: jedi holds the GIL while it works.
        deadline = time.monotonic() + FIRST_PUBLISH_WAIT
        while doc.analyses == 0 and not doc.closed and time.monotonic() < deadline:
            time.sleep(0.05)
        if self._closed or doc.closed or not jedi_resolve.available():
            return
        try:
            resolver = self._jedi.get(root)
            if resolver is None:
                resolver = self._jedi[root] = jedi_resolve.JediResolver(root)
            aliases = resolver.settle_imports(path, text, first_party)
        except Exception:
            log.exception("jedi could not settle the imports of %s", path)
            return
        if self._closed:
            return
        try:
            self.diagnostics.executor.submit(self._set_aliases, root, path, aliases)
        except RuntimeError:  # the analysis executor is shut down
            pass

    def _set_aliases(self, root: Path, path: str, aliases: dict[str, str]) -> None:
        index = self.indexes.get(root)
        if index is not None and index.set_aliases(path, aliases):
            self._changed(index, None)  # aliases are global names: any module may read them
            if self.loop is not None:
                self.loop.call_soon_threadsafe(self._republish, {os.path.realpath(path)})

    # ---- LSP events (event loop) ----
    def files_changed(self, changes: list[types.FileEvent]) -> None:
        """`workspace/didChangeWatchedFiles`: open documents keep their editor text."""
        open_paths = {os.path.realpath(d.path) for d in self.session.documents.values() if d.path is not None}
        work: list[tuple[str, bool]] = []
        for change in changes:
            path = uri_to_path(change.uri)
            if path is None or not str(path).endswith(PYTHON_SUFFIXES) or os.path.realpath(path) in open_paths:
                continue
            work.append((str(path), change.type == types.FileChangeType.Deleted))
        if work:
            self.diagnostics.executor.submit(self._read_and_apply, work)

    def _read_and_apply(self, work: list[tuple[str, bool]]) -> None:
        from resilint.rules.source import decode_source
        from resilint.rules.source_files import SkippedFile, read_source_file

        changes: list[tuple[str, str | None]] = []
        for path, deleted in work:
            text = None
            if not deleted:
                try:
                    text = decode_source(read_source_file(path))  # regular files only, bounded
                except (SkippedFile, UnicodeDecodeError, SyntaxError, LookupError):
                    text = None
            changes.append((path, text))
        self._disk_changes(changes)

    def document_closed(self, doc: Document) -> None:
        """`didClose`: the editor's text is gone (maybe never saved), so the index reads the file
        on disk again, or forgets a module that has none (issue 17, defect 6). Queued on the
        analysis thread after any pending update of that text, which sees `doc.closed` and stops."""
        if doc.path is None or not str(doc.path).endswith(PYTHON_SUFFIXES) or self._closed:
            return
        try:
            self.diagnostics.executor.submit(self._read_and_apply, [(str(doc.path), False)])
        except RuntimeError:  # the analysis executor is shut down
            pass

    def saved(self) -> None:
        """`didSave`: persist the cache (on the analysis thread, after the pending analysis)."""
        self.diagnostics.executor.submit(self._save_all)

    def shutdown(self) -> None:
        """Write the caches before the analysis executor goes (waits at most SAVE_WAIT)."""
        self._closed = True
        self.builder.shutdown()
        if not any(index.dirty for index in self.indexes.values()):
            return
        try:
            self.diagnostics.executor.submit(self._save_all).result(timeout=SAVE_WAIT)
        except Exception as exc:
            log.info("workspace index cache not saved: %s", exc)

    def folders_changed(self) -> None:
        """Workspace folders were added or removed: index the new ones, forget the removed."""
        roots = {f.path for f in self.session.folders if f.path is not None}
        for root in [r for r in self.indexes if r not in roots]:
            del self.indexes[root]
        self.start()

    # ---- helpers ----
    def _root_of(self, path: Path | None) -> Path | None:
        folder = self.session.folder_for(path) if path is not None else None
        return folder.path if folder is not None else None
