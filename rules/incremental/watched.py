"""The context the rules see during an incremental walk, watched for whole-file reads (the
module body, the text, lines outside the statement): any such read makes the analyzer
switch to `analyze()` for good."""
from __future__ import annotations

import ast

from ..context import FileContext
from ..model import Finding
from ..names import Scope
from ..settings import FileSettings
from ..source import LineIndex
from .replay import Owner, _ClassScopes


class _Module(ast.Module):
    """The module node the rules see (`ctx.tree`, `ctx.parents[0]`): reading its body is a whole-file read."""

    _owner: "Owner | None" = None

    @property  # type: ignore[override]
    def body(self):
        owner = self.__dict__.get("_owner")
        if owner is not None:
            owner._violation("a rule read the module's body")
        return []

    @body.setter
    def body(self, value):
        pass


class _Index(LineIndex):
    """ctx.index: lines of the statement being walked are fine, the rest is a whole-file read."""

    def __init__(self, owner: "Owner") -> None:  # noqa: D401 - no dataclass init
        self.owner = owner
        self._lines = None

    @property
    def text(self) -> str:  # type: ignore[override]
        self.owner._violation("a rule read ctx.index.text")
        return self.owner._text

    @property
    def lines(self) -> "_LinesView":  # type: ignore[override]
        return _LinesView(self.owner)

    def line(self, lineno0: int) -> str:
        owner = self.owner
        if not owner._lo <= lineno0 < owner._hi:
            owner._violation("a rule read a line outside the statement it was visiting")
        lines = owner._cur_lines
        if 0 <= lineno0 < len(lines):
            return _strip_end(lines[lineno0])
        return ""


class _LinesView:
    """ctx.index.lines without building it: indexing a line of the statement being walked is fine."""

    __slots__ = ("owner",)

    def __init__(self, owner: "Owner") -> None:
        self.owner = owner

    def __len__(self) -> int:
        lines = self.owner._cur_lines
        return len(lines) + (1 if not lines or lines[-1].endswith(("\n", "\r")) else 0)

    def __getitem__(self, key):
        owner = self.owner
        if isinstance(key, slice):
            start, stop, step = key.indices(len(self))
            if start < stop and not (owner._lo <= start and stop <= owner._hi):
                owner._violation("a rule read lines outside the statement it was visiting")
            return _strip_ends(owner._cur_lines)[key]
        if key < 0:
            key += len(self)
        if not owner._lo <= key < owner._hi:
            owner._violation("a rule read a line outside the statement it was visiting")
        lines = owner._cur_lines
        if 0 <= key < len(lines):
            return _strip_end(lines[key])
        if key == len(lines) and key < len(self):
            return ""
        raise IndexError("line index out of range")

    def __iter__(self):
        self.owner._violation("a rule iterated over every line of the file")
        return iter(_strip_ends(self.owner._cur_lines))


def _strip_end(line: str) -> str:
    if line.endswith("\r\n"):
        return line[:-2]
    if line.endswith(("\n", "\r")):
        return line[:-1]
    return line


def _strip_ends(lines: list[str]) -> list[str]:
    out = [_strip_end(line) for line in lines]
    if not lines or lines[-1].endswith(("\n", "\r")):
        out.append("")  # as source.split_lines
    return out


class _Ctx(FileContext):
    """FileContext whose whole-file accessors report themselves (see the module docstring)."""

    def __init__(self, owner: "Owner", path: str, settings: FileSettings,
                 module: ast.Module, scope: Scope) -> None:
        # FileContext.__init__ is not called: it would index the whole text.
        self._owner = owner
        self.path = path
        self.settings = settings
        self.workspace = getattr(settings, "workspace_index", None)
        self.tree = module
        self.index = _Index(owner)
        self.scopes = [scope]
        self.parents = []
        self.functions = []
        self.class_scopes = _ClassScopes(owner)  # type: ignore[assignment]
        self._out: list[Finding] = []
        self._reporting = False

    @property
    def text(self) -> str:  # type: ignore[override]
        self._owner._violation("a rule read ctx.text")
        return self._owner._text

    def enclosing_class(self):  # type: ignore[no-untyped-def]
        self._owner._class_wide = True
        return super().enclosing_class()

    def text_has(self, markers: tuple[str, ...]) -> bool:
        owner = self._owner
        if any("\n" in m or "\r" in m for m in markers):
            owner._violation("a per-file gate spans lines")
        found = owner._gates[markers] = any(m in owner._text for m in markers)
        return found

    @property
    def findings(self) -> list[Finding]:  # type: ignore[override]
        if not self._reporting:
            self._owner._violation("a rule read ctx.findings")
        return self._out

    def report(self, rule, node, message, data):  # type: ignore[override]
        self._reporting = True
        try:
            return super().report(rule, node, message, data)
        finally:
            self._reporting = False
