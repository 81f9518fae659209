"""`textDocument/hover`: explain the finding, suppressed code or resilience API under the cursor.

All the content comes from `resilint.rules.explain.hover_at` (no pygls there); this module
only maps LSP positions, picks the locale and finds the workspace's team guides.

Wiring: `register(server)` once in `serve.create_server` (after the session exists).
"""
from __future__ import annotations

import asyncio
import inspect
import logging
import os
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from .documents import client_col_to_char

if TYPE_CHECKING:
    from resilint.rules.knowledge import Guide
    from pygls.lsp.server import LanguageServer

log = logging.getLogger("resilint.server")

#: How long a workspace's list of guide files is reused before it is discovered again.
#: The files themselves are re-read whenever their mtime/size change (load_guide caches).
DISCOVERY_TTL = 2.0


class GuideSet:
    """Team guides per (workspace root, configured `guides`): discovered, cached, reloaded."""

    def __init__(self, ttl: float = DISCOVERY_TTL) -> None:
        self.ttl = ttl
        self._lock = threading.Lock()
        self._paths: dict[tuple[str, tuple[str, ...]], tuple[float, list[Path]]] = {}

    def clear(self) -> None:
        with self._lock:
            self._paths.clear()

    def guides(self, root: Path | None, configured: list[str] | tuple[str, ...] | None) -> list[Guide]:
        if root is None and not configured:
            return []
        key = (str(root or ""), tuple(configured or ()))
        now = time.monotonic()
        with self._lock:
            hit = self._paths.get(key)
        if hit is None or now - hit[0] > self.ttl:
            try:
                from resilint.rules.knowledge import discover_guides  # the knowledge base loads on first hover

                paths = discover_guides(root or Path.cwd(), list(configured or ()))
            except Exception as exc:  # never break a hover on a bad guide setting
                log.info("guide discovery failed in %s: %s", root, exc)
                paths = []
            with self._lock:
                self._paths[key] = (now, paths)
        else:
            paths = hit[1]
        out: list[Guide] = []
        for p in paths:
            try:
                from resilint.rules.knowledge import load_guide

                g = load_guide(p)  # cached on (mtime, size): edits are picked up
            except Exception as exc:
                log.info("cannot load guide %s: %s", p, exc)
                continue
            if g.entries:
                out.append(g)
        return out


class _PyprojectLocale:
    """`[tool.resilint] locale` read from the pyproject.toml itself (not the merged options,
    where the editor's `locale` may have been layered in), cached on mtime."""

    def __init__(self) -> None:
        self._cache: dict[str, tuple[int, str | None]] = {}

    def get(self, source: Path | None) -> str | None:
        if source is None:
            return None
        try:
            mtime = os.stat(source).st_mtime_ns
        except OSError:
            return None
        key = str(source)
        hit = self._cache.get(key)
        if hit is not None and hit[0] == mtime:
            return hit[1]
        value: str | None = None
        try:
            import tomllib
        except ImportError:  # pragma: no cover - Python 3.10
            import tomli as tomllib  # type: ignore[no-redef]
        try:
            data = tomllib.loads(Path(source).read_text(encoding="utf-8"))
            raw = data.get("tool", {}).get("resilint", {}).get("locale")
            value = raw if isinstance(raw, str) else None
        except Exception:
            value = None
        self._cache[key] = (mtime, value)
        return value


def _capture_client_locale(server: LanguageServer, state: dict[str, Any]) -> None:
    """Remember `InitializeParams.locale` (the session does not keep it)."""
    try:
        features = server.protocol.fm.features
        user = features.get(types.INITIALIZE)
    except Exception:
        return

    if user is None:
        return

    def remember(args: tuple, kwargs: dict) -> None:
        try:
            params = args[-1] if args else kwargs.get("params")
            state["client_locale"] = getattr(params, "locale", None)
        except Exception:
            pass

    # The stored handler is already bound to the server: it is called as handler(params).
    if inspect.iscoroutinefunction(user):
        async def initialize(*args: Any, **kwargs: Any) -> Any:
            remember(args, kwargs)
            return await user(*args, **kwargs)
    else:
        def initialize(*args: Any, **kwargs: Any) -> Any:  # type: ignore[misc]
            remember(args, kwargs)
            return user(*args, **kwargs)

    try:
        features[types.INITIALIZE] = initialize
    except Exception:
        pass


def register(server: LanguageServer) -> None:
    session = server.resilint_session  # type: ignore[attr-defined]
    state: dict[str, Any] = {"client_locale": None}
    guide_set = GuideSet()
    pyproject_locale = _PyprojectLocale()
    server.resilint_guides = guide_set  # type: ignore[attr-defined]
    if not hasattr(session, "client_locale"):  # older sessions do not keep InitializeParams.locale
        _capture_client_locale(server, state)

    def prepare(params: types.HoverParams) -> tuple | None:
        """Snapshot what the hover needs (on the event loop: the document cannot change under it)."""
        doc = session.documents.get(params.text_document.uri)
        if doc is None or getattr(doc, "closed", False) or not doc.is_python():
            return None
        lines = doc.lines
        line = params.position.line
        if line < 0 or line >= len(lines):
            return None
        col = client_col_to_char(lines[line], params.position.character, session.encoding)
        settings = config = None
        try:
            resolved = session.resolve(doc)
            settings, config = resolved.settings, resolved.config
        except Exception as exc:
            log.debug("hover: no settings for %s: %s", doc.uri, exc)
        editor = session.settings_for_path(doc.path)
        client_locale = getattr(session, "client_locale", None) or state["client_locale"]
        from resilint.rules.explain import resolve_locale  # the knowledge base loads after start-up, not before

        locale = resolve_locale(
            client_locale,
            (getattr(editor, "lint", None) or {}).get("locale"),
            pyproject_locale.get(getattr(config, "source", None)),
        )
        folder = session.folder_for(doc.path)
        root = folder.path if folder is not None and folder.path is not None else getattr(config, "root", None)
        configured = list(getattr(getattr(config, "options", None), "guides", None) or ())
        path = str(doc.path) if doc.path is not None else doc.uri
        return doc.text, path, line, col, list(doc.findings or ()), settings, locale, root, configured

    def compute(snap: tuple) -> types.Hover | None:
        text, path, line, col, findings, settings, locale, root, configured = snap
        guides = guide_set.guides(root, configured)
        from resilint.rules.explain import hover_at

        md = hover_at(text, path, line, col, findings=findings, settings=settings, locale=locale, guides=guides)
        if not md:
            return None
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=md))

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(ls: LanguageServer, params: types.HoverParams) -> types.Hover | None:
        try:
            snap = prepare(params)
            if snap is None:
                return None
            # Off the event loop: the first hover on a new version of a big file parses it.
            return await asyncio.to_thread(compute, snap)
        except Exception:
            log.exception("hover failed for %s", params.text_document.uri)
            return None
