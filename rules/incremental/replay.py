"""Module-scope state that can be recorded and replayed: the tracked names, binders and class
scopes a chunk's walk writes and reads, compared against the state the last text left."""
from __future__ import annotations

import ast
from typing import Any, Protocol

from ..names import Binding
from .chunks import _Chunk, _MISSING


class Owner(Protocol):
    """The analyzer as the tracked containers and the watched context see it
    (`analyzer.IncrementalAnalyzer`): where they report a whole-file read, and the state of the
    statement being walked."""

    _text: str
    _lo: int
    _hi: int
    _cur_lines: Any
    _cur_class_ids: set
    _cur_class_scopes: list
    _gates: Any
    _class_wide: Any

    def _violation(self, reason: str) -> None: ...


class _Fallback(BaseException):
    """Internal: give up on this update and return `analyze()` (BaseException: rules' `except Exception` must not eat it)."""


def _same(a: Any, b: Any) -> bool:
    """Two module-scope bindings are interchangeable for the rules."""
    if a is b:
        return True
    if a is _MISSING or b is _MISSING or a is None or b is None:
        return False
    if a.__class__ is tuple or b.__class__ is tuple:  # binders (see _Binders): the same statements
        return a == b
    if a.qualname != b.qualname:
        return False
    if a.origin is b.origin:
        return True
    if a.origin is None or b.origin is None:
        return False
    return ast.dump(a.origin) == ast.dump(b.origin)


def _replay(names: dict, chunks: list["_Chunk"]) -> None:
    """Put the module-scope writes of `chunks` (in order) into `names`, untracked."""
    for chunk in chunks:
        for key, value in chunk.binds:
            dict.__setitem__(names, key, value)


def _raw_copy(names: dict) -> dict:
    """Every entry of a _Names table, binders included (`dict.copy` would go through the
    overridden iteration, which hides them from the rules)."""
    return dict(dict.items(names))


# ----- tracked containers ------------------------------------------------------------------
#: Key prefix of the module scope's binders (Scope.binders) inside _Names.
_BINDER = "\0"


class _Names(dict):
    """The module scope's name table, recording reads and writes for the chunk being walked.

    It also holds the module scope's binders (`Scope.binders`: name -> the def / class /
    assignment statements that bound it), under `_BINDER + name`, so that looking up a
    module-level def by name is a tracked module-name read like any other; `_Binders` is the
    view the rules see as `module_scope.binders`, and iteration hides those keys from them.
    """

    __slots__ = ("owner", "reads", "writes", "all", "binders")

    def __init__(self, owner: "Owner") -> None:
        super().__init__()
        self.owner = owner
        self.reads: set[str] = set()
        self.writes: list[tuple[str, Binding]] | None = None
        self.all = False
        self.binders = _Binders(self)

    def get(self, key, default=None):  # type: ignore[override]
        self.reads.add(key)
        return dict.get(self, key, default)

    def __getitem__(self, key):
        self.reads.add(key)
        return dict.__getitem__(self, key)

    def __contains__(self, key):
        self.reads.add(key)
        return dict.__contains__(self, key)

    def __setitem__(self, key, value):
        if self.writes is None:
            self.owner._violation("a module-scope name was bound while walking a function body")
        else:
            self.writes.append((key, value))
        dict.__setitem__(self, key, value)

    def _whole(self):
        self.all = True

    def _visible(self) -> dict:
        self.all = True
        return {k: v for k, v in dict.items(self) if k[:1] != _BINDER}

    def __iter__(self):
        return iter(self._visible())

    def keys(self):  # type: ignore[override]
        return self._visible().keys()

    def values(self):  # type: ignore[override]
        return self._visible().values()

    def items(self):  # type: ignore[override]
        return self._visible().items()

    def __len__(self):
        return len(self._visible())

    def __eq__(self, other):
        return self._visible() == other

    __hash__ = None  # type: ignore[assignment]

    def copy(self):  # type: ignore[override]
        return self._visible()

    def _mutation(self, *args, **kwargs):
        self.owner._violation("the module scope was mutated other than by binding a name")
        raise RuntimeError("resilint: unsupported mutation of the module scope")

    __delitem__ = pop = popitem = clear = update = setdefault = __ior__ = _mutation  # type: ignore[assignment]


class _Binders:
    """`module_scope.binders` during incremental analysis: stored in the _Names table (tracked)."""

    __slots__ = ("names",)

    def __init__(self, names: _Names) -> None:
        self.names = names

    def get(self, key, default=None):
        return self.names.get(_BINDER + key, default)

    def __getitem__(self, key):
        return self.names[_BINDER + key]

    def __contains__(self, key):
        return (_BINDER + key) in self.names

    def __setitem__(self, key, value):
        self.names[_BINDER + key] = value

    def _whole(self, *args, **kwargs):
        self.names.owner._violation("a rule read every binder of the module scope")
        return iter(())

    __iter__ = keys = values = items = _whole  # type: ignore[assignment]

    def __len__(self) -> int:
        self.names.owner._violation("a rule read every binder of the module scope")
        return 0


class _ClassScopes(dict):
    """ctx.class_scopes: a rule may only look up the classes of the statement being walked."""

    __slots__ = ("owner",)

    def __init__(self, owner: "Owner") -> None:
        super().__init__()
        self.owner = owner

    def _check(self, key) -> None:
        if key not in self.owner._cur_class_ids:
            self.owner._violation("a rule looked up the class scope of another statement")

    def get(self, key, default=None):  # type: ignore[override]
        self._check(key)
        return dict.get(self, key, default)

    def __getitem__(self, key):
        self._check(key)
        return dict.__getitem__(self, key)

    def __contains__(self, key):
        self._check(key)
        return dict.__contains__(self, key)

    def __setitem__(self, key, value):
        owner = self.owner
        owner._cur_class_ids.add(key)
        owner._cur_class_scopes.append(value)
        dict.__setitem__(self, key, value)

    def _whole(self, *args, **kwargs):
        self.owner._violation("a rule read every class scope of the file")
        return dict.__iter__(self)

    __iter__ = keys = values = items = _whole  # type: ignore[assignment]
