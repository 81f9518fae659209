"""The server's state: open documents, workspace folders, settings, client capabilities."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types

from .documents import Document, uri_to_path
from .workspace_settings import ConfigCache, EditorSettings, Resolved, parse_settings


@dataclass
class Folder:
    uri: str
    path: Path | None
    settings: EditorSettings | None = None  # from workspace/configuration (folder scope)


@dataclass
class Session:
    documents: dict[str, Document] = field(default_factory=dict)
    folders: list[Folder] = field(default_factory=list)
    init_settings: EditorSettings = field(default_factory=EditorSettings)
    init_options: Any = None  # initializationOptions as received
    global_settings: EditorSettings | None = None  # from workspace/configuration (global)
    capabilities: types.ClientCapabilities = field(default_factory=types.ClientCapabilities)
    client_info: Any = None
    client_locale: str | None = None  # InitializeParams.locale
    encoding: str = types.PositionEncodingKind.Utf16
    generation: int = 0  # bumped whenever settings or config files change
    configs: ConfigCache = field(default_factory=ConfigCache)
    #: pyproject.toml URI -> ConfigError currently shown there.
    config_errors: dict[str, Any] = field(default_factory=dict)
    shown_messages: set[str] = field(default_factory=set)
    shutting_down: bool = False

    # ---- client capabilities ----
    def _cap(self, dotted: str) -> Any:
        value: Any = self.capabilities
        for part in dotted.split("."):
            value = getattr(value, part, None)
            if value is None:
                return None
        return value

    @property
    def pull_diagnostics(self) -> bool:
        return self._cap("text_document.diagnostic") is not None

    @property
    def supports_configuration(self) -> bool:
        return bool(self._cap("workspace.configuration"))

    @property
    def dynamic_watch(self) -> bool:
        return bool(self._cap("workspace.did_change_watched_files.dynamic_registration"))

    @property
    def diagnostic_refresh(self) -> bool:
        return bool(self._cap("workspace.diagnostics.refresh_support"))

    # ---- folders and settings ----
    def set_folders(self, params: types.InitializeParams) -> None:
        folders = params.workspace_folders or []
        if folders:
            self.folders = [Folder(f.uri, uri_to_path(f.uri)) for f in folders]
        elif params.root_uri:
            self.folders = [Folder(params.root_uri, uri_to_path(params.root_uri))]
        elif params.root_path:
            self.folders = [Folder(Path(params.root_path).as_uri(), Path(params.root_path))]

    def folder_for(self, path: Path | None) -> Folder | None:
        best: Folder | None = None
        if path is not None:
            for folder in self.folders:
                if folder.path is None:
                    continue
                try:
                    path.relative_to(folder.path)
                except ValueError:
                    continue
                if best is None or len(folder.path.parts) > len(best.path.parts):  # type: ignore[union-attr]
                    best = folder
        if best is None and path is None and self.folders:
            best = self.folders[0]
        return best

    def base_settings(self) -> EditorSettings:
        return self.global_settings or self.init_settings

    def settings_for_path(self, path: Path | None) -> EditorSettings:
        folder = self.folder_for(path)
        if folder is not None and folder.settings is not None:
            return folder.settings
        return self.base_settings()

    def apply_configuration(self, global_raw: Any, folder_raws: list[Any]) -> bool:
        """Install settings from the client; True (and caches invalidated) when they changed."""
        before = [s.as_json() for s in self.all_settings()]
        base = parse_settings(global_raw, self.init_settings) if global_raw is not None else None
        self.global_settings = base
        for folder, raw in zip(self.folders, folder_raws):
            folder.settings = parse_settings(raw, base or self.init_settings) if raw is not None else None
        changed = before != [s.as_json() for s in self.all_settings()]
        if changed:
            self.invalidate()
        return changed

    def all_settings(self) -> list[EditorSettings]:
        return [self.base_settings(), *(f.settings for f in self.folders if f.settings is not None)]

    def invalidate(self) -> None:
        self.generation += 1
        self.configs.clear()

    def resolve(self, doc: Document) -> Resolved:
        if doc.resolved is None or doc.resolved_gen != self.generation:
            folder = self.folder_for(doc.path)
            root = folder.path if folder is not None else None
            doc.resolved = self.configs.resolve(doc.path, self.settings_for_path(doc.path), root)
            doc.resolved_gen = self.generation
        return doc.resolved
