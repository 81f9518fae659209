"""Editor settings (`resilint` section) and how they combine with pyproject.toml.

Sources, lowest to highest: built-in defaults (and the RESILINT_DEBOUNCE_MS environment
variable) < `initializationOptions` < `workspace/configuration` (global scope) <
`workspace/configuration` (the workspace folder's scope).

Lint options (select, ignore, severity, timeouts...) then meet the `[tool.resilint]` table
that applies to the file, according to `configurationPreference`:

- ``filesystemFirst`` (default): keys set in pyproject.toml win; editor values fill only the
  keys the file does not set (so CI and the editor agree wherever the project decided).
- ``editorFirst``: editor values win over pyproject.toml key by key.
- ``filesystemOnly``: editor lint options are ignored (server options still apply).

``maxFileSize`` is the one lint option with a fixed precedence: set in the editor, it overrides
the project's ``max-file-size`` whatever ``configurationPreference`` says (it is how a user
opens one huge file); unset, the project's value (or its default, 10 MiB) applies, so the
editor skips the same files as ``resilint check``.
"""
from __future__ import annotations

import logging
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

# rules.config / rules.settings (and pydantic with them) load on first use, after start-up.
if TYPE_CHECKING:
    from resilint.rules.config import ConfigError, ProjectConfig
    from resilint.rules.settings import FileSettings

log = logging.getLogger("resilint.server")

PREFERENCES = ("filesystemFirst", "editorFirst", "filesystemOnly")
LOG_LEVELS = ("error", "warning", "info", "debug", "trace")
# Nested tables whose own keys are option names (normalised); others hold codes or globs.
_NESTED_OPTION_TABLES = ("timeouts", "retry", "breaker")
_SERVER_KEYS = {
    "enable": "enable",
    "debounce": "debounce",
    "log-level": "log_level",
    "max-file-size": "max_file_size",
    "configuration-preference": "configuration_preference",
    "configuration": "configuration",
}


def _kebab(key: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"-\1", key).replace("_", "-").lower()


def _default_debounce() -> int:
    try:
        return max(0, int(os.environ.get("RESILINT_DEBOUNCE_MS", "100")))
    except ValueError:
        return 100


@dataclass(frozen=True)
class EditorSettings:
    enable: bool = True
    debounce: int = field(default_factory=_default_debounce)  # milliseconds
    log_level: str = "info"
    #: bytes; None = the project's `max-file-size` (one option, one default: rules/settings.py)
    max_file_size: int | None = None
    configuration_preference: str = "filesystemFirst"
    configuration: str | None = None  # explicit pyproject.toml path
    #: Lint options in pyproject spelling (kebab-case), each one validated.
    lint: dict[str, Any] = field(default_factory=dict)
    #: Problems found while reading the settings (shown once to the user).
    errors: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "enable": self.enable,
            "debounce": self.debounce,
            "logLevel": self.log_level,
            "maxFileSize": self.max_file_size,
            "configurationPreference": self.configuration_preference,
            "configuration": self.configuration,
            "lint": self.lint,
        }

    def lint_key(self) -> tuple:
        return (self.configuration_preference, self.configuration, self.max_file_size,
                repr(sorted(self.lint.items())))


def _unwrap(raw: Any) -> dict[str, Any]:
    """Accept `{...}`, `{"settings": {...}}` and `{"resilint": {...}}` shapes."""
    if not isinstance(raw, dict):
        return {}
    for key in ("resilint", "settings", "globalSettings"):
        if isinstance(raw.get(key), dict) and len(raw) == 1:
            return raw[key]
    return raw


#: Settings that belong to editor clients (the VS Code extension) and share the `resilint` section.
_CLIENT_ONLY_KEYS = frozenset({"interpreter", "import-strategy", "trace", "show-notifications", "path", "args"})


def parse_settings(raw: Any, base: EditorSettings | None = None, validate: bool = True) -> EditorSettings:
    """Layer `raw` (an editor JSON object) over `base`; bad values are reported, not fatal.
    `validate=False` reads the server keys only and keeps lint options unchecked: what
    `initialize` needs, without loading the settings models (parse again, validated, after)."""
    base = base or EditorSettings()
    values = {
        "enable": base.enable,
        "debounce": base.debounce,
        "log_level": base.log_level,
        "max_file_size": base.max_file_size,
        "configuration_preference": base.configuration_preference,
        "configuration": base.configuration,
    }
    lint = dict(base.lint)
    errors: list[str] = []
    data = dict(_unwrap(raw))
    if isinstance(data.get("lint"), dict):  # ruff-style `lint.select`
        data.update(data.pop("lint"))
    for key, value in data.items():
        if value is None:
            continue
        name = _kebab(key)
        if name in _CLIENT_ONLY_KEYS:
            continue  # read by editor extensions, not by the server
        if name in _SERVER_KEYS:
            attr = _SERVER_KEYS[name]
            problem = _check_server_value(attr, value)
            if problem:
                errors.append(f"setting resilint.{key}: {problem}")
                continue
            values[attr] = value
            continue
        if name in _NESTED_OPTION_TABLES and isinstance(value, dict):
            value = {_kebab(k): v for k, v in value.items()}
        if not validate:
            lint[name] = value
            continue
        from resilint.rules.config import ConfigError, validate_options

        try:
            validate_options({name: value}, "<editor settings>")
        except ConfigError as exc:
            errors.append(f"setting resilint.{key}: {exc.message}")
            continue
        lint[name] = value
    return EditorSettings(**values, lint=lint, errors=tuple(errors))


def _check_server_value(attr: str, value: Any) -> str | None:
    if attr == "enable" and not isinstance(value, bool):
        return "expected true or false"
    is_int = isinstance(value, int) and not isinstance(value, bool)
    if attr == "debounce" and not (is_int and value >= 0):
        return "expected a non-negative integer"
    if attr == "max_file_size" and not (is_int and value > 0):  # PositiveInt, like `max-file-size`
        return "expected a positive integer (bytes)"
    if attr == "log_level" and value not in LOG_LEVELS:
        return f"expected one of {', '.join(LOG_LEVELS)}"
    if attr == "configuration_preference" and value not in PREFERENCES:
        return f"expected one of {', '.join(PREFERENCES)}"
    if attr == "configuration" and not isinstance(value, str):
        return "expected a path to a pyproject.toml"
    return None


@dataclass
class Resolved:
    """The configuration in force for one document."""

    config: ProjectConfig
    settings: FileSettings
    error: ConfigError | None = None  # the pyproject.toml problem we fell back from


class ConfigCache:
    """Resolves pyproject + editor settings per file; shared by the loop and the worker."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._configs: dict[tuple, tuple[ProjectConfig, ConfigError | None]] = {}

    def clear(self) -> None:
        with self._lock:
            self._configs.clear()

    def resolve(self, path: Path | None, editor: EditorSettings, fallback_root: Path | None,
                real: bool = False, folders: dict[Path, Path | None] | None = None) -> Resolved:
        """`real`: `path` has its links resolved already. `folders`: a memo of the pyproject.toml
        that applies per folder, for a walk resolving many files (`find_pyproject`)."""
        from resilint.rules.config import find_pyproject

        explicit = Path(editor.configuration).expanduser() if editor.configuration else None
        if explicit is not None:
            pyproject: Path | None = explicit
        elif path is not None and folders is not None:
            pyproject = find_pyproject(path.parent, folders)
        else:
            start = path if path is not None else fallback_root
            pyproject = find_pyproject(start) if start is not None else None
        root = fallback_root or (path.parent if path is not None else Path.cwd())
        key = (pyproject, root if pyproject is None else None, editor.lint_key())
        with self._lock:
            cached = self._configs.get(key)
        if cached is None:
            cached = self._build(pyproject, root, editor)
            with self._lock:
                self._configs[key] = cached
        config, error = cached
        if path is None:
            return Resolved(config, config.settings_for(config.root / "untitled.py"), error)
        return Resolved(config, config.settings_for(path, real=real), error)

    @staticmethod
    def _build(pyproject: Path | None, root: Path, editor: EditorSettings) -> tuple[ProjectConfig, ConfigError | None]:
        from resilint.rules.config import ConfigError, ProjectConfig, load_config, validate_options
        from resilint.rules.settings import Options

        error: ConfigError | None = None
        if pyproject is None:
            loaded = ProjectConfig(root, None, Options())
        else:
            try:
                loaded = load_config(pyproject)
            except ConfigError as exc:
                error = exc
                loaded = ProjectConfig(pyproject.parent, pyproject, Options())
        file_opts = loaded.options.model_dump(by_alias=True, exclude_unset=True)
        pref = editor.configuration_preference
        lint = {} if pref == "filesystemOnly" else editor.lint
        if not lint and editor.max_file_size is None:
            return loaded, error
        merged = {**lint, **file_opts} if pref == "filesystemFirst" else {**file_opts, **lint}
        if editor.max_file_size is not None:  # set in the editor, it wins (module docstring)
            merged["max-file-size"] = editor.max_file_size
        try:
            options = validate_options(merged, "<editor settings>")
        except ConfigError as exc:  # each key was valid alone; the mix was not
            log.warning("editor settings ignored: %s", exc)
            return loaded, error
        return ProjectConfig(loaded.root, loaded.source, options), error
