"""Server commands: `resilint.debugInfo` (versions, settings in force, per-document timings)
and `resilint.checkWorkspace` (server/workspace_check.py)."""
from __future__ import annotations

import platform
import sys
from typing import TYPE_CHECKING, Any

from .session import Session
from .workspace_check import CHECK_WORKSPACE

if TYPE_CHECKING:
    from pygls.lsp.server import LanguageServer

DEBUG_INFO = "resilint.debugInfo"


def _version(dist: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def debug_info(session: Session, uri: str | None = None) -> dict[str, Any]:
    docs = []
    for doc in session.documents.values():
        if uri and doc.uri != uri:
            continue
        resolved = doc.resolved
        docs.append({
            "uri": doc.uri,
            "version": doc.version,
            "languageId": doc.language_id,
            "analyzedVersion": doc.analyzed_version,
            "lastAnalysisMs": round(doc.last_ms, 3) if doc.last_ms is not None else None,
            "analyses": doc.analyses,
            "diagnostics": len(getattr(doc, "_diagnostics", [])),
            "syntaxError": doc.syntax is not None,
            "skipped": doc.skipped,
            "configFile": str(resolved.config.source) if resolved and resolved.config.source else None,
            "enabledRules": sorted(resolved.settings.enabled) if resolved else None,
            "options": resolved.config.options.model_dump(by_alias=True, exclude_defaults=True)
            if resolved else None,
        })
    client = session.client_info
    return {
        "versions": {
            "resilint": _version("resilint"),
            "pygls": _version("pygls"),
            "lsprotocol": _version("lsprotocol"),
            "python": sys.version.split()[0],
            "platform": platform.platform(),
        },
        "client": {"name": getattr(client, "name", None), "version": getattr(client, "version", None)},
        "positionEncoding": getattr(session.encoding, "value", session.encoding),
        "diagnosticMode": "pull" if session.pull_diagnostics else "push",
        "incrementalAnalyzer": True,
        "workspaceFolders": [
            {"uri": f.uri, "settings": f.settings.as_json() if f.settings else None} for f in session.folders
        ],
        "globalSettings": session.base_settings().as_json(),
        "configErrors": {uri: str(err) for uri, err in session.config_errors.items()},
        "documents": docs,
    }


def register(server: LanguageServer, session: Session) -> None:
    @server.command(DEBUG_INFO)
    def _debug_info(ls, *args):  # no annotations: pygls evaluates them
        uri = None
        if args and isinstance(args[0], str):
            uri = args[0]
        elif args and isinstance(args[0], dict):
            uri = args[0].get("uri")
        return debug_info(session, uri)

    @server.command(CHECK_WORKSPACE)
    async def _check_workspace(ls, *args):  # no annotations: pygls evaluates them
        return await ls.resilint_diagnostics.workspace.command()
