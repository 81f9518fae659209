"""`[tool.resilint]` discovery and validation: the nearest pyproject.toml above each file.

A pyproject.toml without a `[tool.resilint]` table is skipped (as ruff skips one without
`[tool.ruff]`), so a sub-package's pyproject does not silently reset the project's config.
"""
from __future__ import annotations

import fnmatch
import re
import sys
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import ValidationError

from .project import DEFAULT_EXCLUDES
from .settings import FileSettings, Options, selected_codes

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

TEST_FILE_PATTERNS = ("test_*.py", "*_test.py", "conftest.py")


@dataclass
class ConfigError(Exception):
    path: str
    key: str
    line: int  # 1-based; 0 when unknown
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        key = f" [tool.resilint] {self.key}:" if self.key else ""
        return f"{where}:{key} {self.message}"


@dataclass
class ProjectConfig:
    """A validated `[tool.resilint]` table and the folder it applies to."""

    root: Path
    source: Path | None
    options: Options

    def excludes(self) -> list[str]:
        return [*DEFAULT_EXCLUDES, *self.options.exclude, *self.options.extend_exclude]

    @cached_property
    def real_root(self) -> Path:
        return self.root.resolve()

    @cached_property
    def _enabled(self) -> frozenset[str]:
        """The codes on for a file without per-file ignores: one set shared by all the project's
        files (a set per file was 18 MB of a server checking 8,000 files)."""
        return selected_codes(self.options)

    def _relative(self, path: Path, real: bool) -> str:
        """`path` relative to the root, links resolved (`real`: already resolved), else as given."""
        try:
            return (path if real else _real(path)).relative_to(self.real_root).as_posix()
        except ValueError:
            return path.as_posix()

    def is_excluded(self, path: Path, real: bool = False) -> bool:
        return path_matches(PurePosixPath(self._relative(path, real)), self.excludes())

    def settings_for(self, path: Path, real: bool = False) -> FileSettings:
        rel = self._relative(path, real)
        ignores: list[str] = []
        for pattern, codes in self.options.per_file_ignores.items():
            if path_matches(PurePosixPath(rel), [pattern]):
                ignores.extend(codes)
        is_test = is_test_path(PurePosixPath(rel))
        if is_test and not self.options.test_files_secrets:
            ignores.append("SEC006")
        enabled = selected_codes(self.options, ignores) if ignores else self._enabled
        return FileSettings(self.options, enabled, self.root, is_test)


def _real(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a symlink loop: where the link is
        return path.parent.resolve() / path.name


def path_matches(rel: PurePosixPath, patterns: list[str]) -> bool:
    text = rel.as_posix()
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if "/" in pattern or any(ch in pattern for ch in "*?["):
            if fnmatch.fnmatch(text, pattern) or fnmatch.fnmatch(text, pattern + "/*"):
                return True
            if "/" not in pattern and any(fnmatch.fnmatch(part, pattern) for part in rel.parts):
                return True
        elif pattern in rel.parts:
            return True
    return False


def is_test_path(rel: PurePosixPath) -> bool:
    return any(fnmatch.fnmatch(rel.name, p) for p in TEST_FILE_PATTERNS) or "tests" in rel.parts[:-1]


def find_pyproject(start: Path, folders: dict[Path, Path | None] | None = None) -> Path | None:
    """Nearest pyproject.toml with a [tool.resilint] table at or above `start`. `folders`
    memoises the answer per `start`, for a walk that asks once per file (with its folder)."""
    if folders is not None:
        if start not in folders:
            folders[start] = find_pyproject(start)
        return folders[start]
    folder = start if start.is_dir() else start.parent
    folder = folder.resolve()
    for candidate in (folder, *folder.parents):
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file():
            try:
                text = pyproject.read_text(encoding="utf-8")
            except OSError:
                continue
            if re.search(r"^\s*\[\s*tool\s*\.\s*resilint\b", text, re.MULTILINE):
                return pyproject
    return None


def load_config(pyproject: Path) -> ProjectConfig:
    """Validate `[tool.resilint]`; raises ConfigError with file, key, line and what is allowed."""
    try:
        text = pyproject.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(pyproject), "", 0, f"cannot read file: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = int(m.group(1)) if (m := re.search(r"line (\d+)", str(exc))) else 0
        raise ConfigError(str(pyproject), "", line, f"invalid TOML: {exc}") from None
    table = data.get("tool", {}).get("resilint", {})
    return ProjectConfig(pyproject.parent, pyproject, validate_options(table, str(pyproject), text))


def validate_options(table: Any, path: str = "<settings>", text: str = "") -> Options:
    if not isinstance(table, dict):
        raise ConfigError(path, "", key_line(text, ()), "[tool.resilint] must be a table")
    try:
        return Options.model_validate(table)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(str(p) for p in err["loc"])
        key = ".".join(loc)
        raise ConfigError(path, key, key_line(text, loc), _explain(err)) from None


def _explain(err: dict) -> str:
    kind = err.get("type", "")
    got = err.get("input")
    if kind == "extra_forbidden":
        allowed = ", ".join(sorted(_allowed_keys()))
        return f"unknown option; allowed options are: {allowed}"
    msg = err.get("msg", "invalid value").removeprefix("Value error, ")
    shown = repr(got) if not isinstance(got, (dict, list)) or len(repr(got)) < 60 else type(got).__name__
    return f"{msg} (got {shown})"


def _allowed_keys() -> list[str]:
    return [f.alias or name for name, f in Options.model_fields.items()]


_HEADER = re.compile(r"^\s*\[\s*([^\]\[]+?)\s*\]\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-\"'. ]+?)\s*=")


def key_line(text: str, loc: tuple[str, ...]) -> int:
    """1-based line of the deepest key of `loc` under [tool.resilint] (0 when not found)."""
    if not text:
        return 0
    best, best_depth, section, header_line = 0, -1, None, 0
    for number, line in enumerate(text.splitlines(), 1):
        header = _HEADER.match(line)
        if header:
            parts = [p.strip().strip("\"'") for p in header.group(1).split(".")]
            section = parts[2:] if parts[:2] == ["tool", "resilint"] else None
            if section is not None and not header_line:
                header_line = number
            if section is not None and tuple(section) == loc[: len(section)] and len(section) > best_depth:
                best, best_depth = number, len(section)
            continue
        if section is None:
            continue
        key = _KEY.match(line)
        if not key:
            continue
        path = section + [p.strip().strip("\"'") for p in key.group(1).split(".")]
        depth = 0
        while depth < min(len(path), len(loc)) and path[depth] == loc[depth]:
            depth += 1
        if depth == len(path) and depth > best_depth:
            best, best_depth = number, depth
        elif depth > best_depth and depth >= 1 and depth == len(loc):
            best, best_depth = number, depth
    return best or header_line


class ConfigResolver:
    """Finds and caches the config that applies to each file (CLI and server share it)."""

    def __init__(self, explicit: Path | None = None, overrides: dict[str, Any] | None = None,
                 root: Path | None = None) -> None:
        self.explicit = explicit
        self.overrides = overrides or {}
        self.root = root
        self._by_pyproject: dict[Path | None, ProjectConfig] = {}
        #: folder -> its pyproject.toml: one run asks for every file, the answer is per folder.
        self._by_folder: dict[Path, Path | None] = {}

    def for_path(self, path: Path) -> ProjectConfig:
        pyproject = self.explicit or self._pyproject_of(path)
        cached = self._by_pyproject.get(pyproject)
        if cached is not None:
            return cached
        if pyproject is None:
            base = (self.root or (path if path.is_dir() else path.parent)).resolve()
            config = ProjectConfig(base, None, self._apply_overrides(Options()))
        else:
            loaded = load_config(pyproject)
            loaded.options = self._apply_overrides(loaded.options)
            config = loaded
        self._by_pyproject[pyproject] = config
        return config

    def _pyproject_of(self, path: Path) -> Path | None:
        return find_pyproject(path if path.is_dir() else path.parent, self._by_folder)

    def _apply_overrides(self, options: Options) -> Options:
        if not self.overrides:
            return options
        merged = options.model_dump(by_alias=True, exclude_unset=True)
        merged.update(self.overrides)
        return validate_options(merged, "<command line>")
