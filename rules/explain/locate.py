"""Finding the node under the cursor cheaply: a per-text cache of the statements around the
position, parsed on their own in a large file."""
from __future__ import annotations

import ast
import re
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING

from ..source import split_lines

if TYPE_CHECKING:
    from ..settings import FileSettings


# --------------------------------------------------------------------------- API resolution

class _Found(BaseException):
    """Stops the walk once the target node was resolved (BaseException: the walker's
    per-rule error guard catches Exception only)."""

    def __init__(self, qualname: str | None) -> None:
        self.qualname = qualname


_API_MODULES_RX: re.Pattern[str] | None = None


def _api_modules_rx() -> re.Pattern[str]:
    """Matches an import of a package that has API docs (the cheap pre-filter)."""
    global _API_MODULES_RX
    if _API_MODULES_RX is None:
        from ..knowledge import all_api_docs

        tops = sorted({n.split(".", 1)[0] for d in all_api_docs() for n in (d.qualname, *d.aliases)})
        alt = "|".join(re.escape(t) for t in tops)
        _API_MODULES_RX = re.compile(rf"^[ \t]*(?:from[ \t]+(?:{alt})\b|import[ \t]+(?:.*[ ,])?(?:{alt})\b)", re.MULTILINE)
    return _API_MODULES_RX


_STMT_START = re.compile(r"[^\s#)\]}]")
_CONTINUATION = re.compile(r"(else|elif|except|finally|case)\b")
_DEF = re.compile(r"(?:async[ \t]+)?(def|class)[ \t]+([^\W\d]\w*)")


_BOUNDARY = re.compile(r"^(?![ \t#)\]}\n]|(?:else|elif|except|finally|case)\b)", re.MULTILINE)


def _boundaries(lines: list[str]) -> list[int]:
    """Lines that look like the start of a top-level statement (column 0, not a clause
    continuation, not a closing bracket, not after a backslash continuation).  A wrong
    guess (e.g. a column-0 line inside a triple-quoted string) only makes the cut fail to
    parse, and the whole file is parsed instead."""
    joined = "\n".join(lines)
    out: list[int] = []
    line = 0
    last = 0
    for m in _BOUNDARY.finditer(joined):
        pos = m.start()
        if pos >= len(joined):
            break
        line += joined.count("\n", last, pos)
        last = pos
        if pos >= 2 and joined[pos - 2] == "\\":
            continue
        out.append(line)
    return out


def _statements(lines: list[str]) -> list[tuple[int, int, int]]:
    """(first, end, head) per top-level statement; decorators are merged with their def."""
    starts = _boundaries(lines)
    out: list[tuple[int, int, int]] = []
    k = 0
    while k < len(starts):
        first = starts[k]
        while k < len(starts) - 1 and lines[starts[k]].startswith("@"):
            k += 1
        head = starts[k]
        end = starts[k + 1] if k + 1 < len(starts) else len(lines)
        out.append((first, end, head))
        k += 1
    return out


def _top_level_chunk(stmts: list[tuple[int, int, int]], line: int) -> tuple[int, int] | None:
    """(first, end) lines of the top-level statement holding ``line`` (decorators included)."""
    from bisect import bisect_right

    k = bisect_right(stmts, (line, float("inf"), 0)) - 1
    if k >= 0 and stmts[k][0] <= line < stmts[k][1]:
        return stmts[k][0], stmts[k][1]
    return None


def _partial_text(lines: list[str], stmts: list[tuple[int, int, int]], chunk: tuple[int, int]) -> str | None:
    if not stmts:
        return None
    blocks = ["\n".join(lines[: stmts[0][0]])] if stmts[0][0] else []
    for first, end, head in stmts:
        m = None if (first, end) == chunk else _DEF.match(lines[head])
        if m is None:
            blocks.append("\n".join(lines[first:end]))
        else:
            blocks.append("\n" * (head - first) + f"{m.group(2)} = None" + "\n" * (end - 1 - head))
    return "\n".join(blocks)


_PARTIAL_MIN_LINES = 400


class _FileCache:
    """Everything a hover needs from one version of a file, computed lazily once."""

    __slots__ = (
        "_api_names",
        "_directives",
        "_has_api_imports",
        "_module_pass",
        "_parsed",
        "_partial",
        "_qualnames",
        "_stmts",
        "_tree",
        "lines",
        "lock",
        "path",
        "text",
    )

    def __init__(self, text: str, path: str) -> None:
        self.text = text
        self.path = path
        self.lines = split_lines(text) if text else [""]
        self._directives: list | None = None
        self._tree: ast.Module | None = None
        self._parsed = False
        self._has_api_imports: bool | None = None
        self._qualnames: dict[tuple[int, int], str | None] = {}
        self._module_pass: dict[int, _ModulePass] = {}
        self._partial: dict[int, ast.Module] = {}
        self._stmts: list[tuple[int, int, int]] | None = None
        self._api_names: frozenset[str] | None = None
        self.lock = threading.RLock()

    def directives(self) -> list:
        if self._directives is None:
            from ..suppression import parse_directives

            self._directives = parse_directives(self.text)
        return self._directives

    def has_api_imports(self) -> bool:
        if self._has_api_imports is None:
            self._has_api_imports = bool(_api_modules_rx().search(self.text))
        return self._has_api_imports

    def module_pass(self, tree: ast.Module) -> _ModulePass:
        with self.lock:
            mp = self._module_pass.get(id(tree))
            if mp is None or mp.ctx.tree is not tree:
                if len(self._module_pass) >= 8:
                    self._module_pass.pop(next(iter(self._module_pass)))
                mp = self._module_pass[id(tree)] = _ModulePass(self, tree)
            return mp

    def tree(self) -> ast.Module | None:
        """The whole file's tree (parsed once)."""
        if not self._parsed:
            self._parsed = True
            try:
                self._tree = ast.parse(self.text, filename=self.path)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                self._tree = None
        return self._tree

    def tree_for(self, line: int) -> ast.Module | None:
        """A tree that resolves names at ``line`` like the whole file's tree does, but
        cheaper: the top-level statement holding ``line`` plus every other top-level
        statement except defs and classes, which become ``name = None`` (the walk binds
        them to "unknown" too) at the same line.  Lines and columns are unchanged.  Falls
        back to the whole tree when the cut does not parse (or the file is small)."""
        if self._tree is not None or self._parsed or len(self.lines) < _PARTIAL_MIN_LINES:
            return self.tree()
        if self._stmts is None:
            self._stmts = _statements(self.lines)
        chunk = _top_level_chunk(self._stmts, line)
        if chunk is None:
            return self.tree()
        with self.lock:
            hit = self._partial.get(chunk[0])
        if hit is not None:
            return hit
        text = _partial_text(self.lines, self._stmts, chunk)
        try:
            tree = ast.parse(text, filename=self.path) if text is not None else None
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            tree = None
        if tree is None:
            return self.tree()
        with self.lock:
            if len(self._partial) >= 8:
                self._partial.pop(next(iter(self._partial)))
            self._partial[chunk[0]] = tree
        return tree


_CACHE: OrderedDict[tuple[str, int, int], _FileCache] = OrderedDict()
_CACHE_LOCK = threading.Lock()
_CACHE_MAX = 16


def _file_cache(text: str, path: str) -> _FileCache:
    key = (path, len(text), hash(text))
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is not None and (hit.text is text or hit.text == text):
            _CACHE.move_to_end(key)
            return hit
        fc = _FileCache(text, path)
        _CACHE[key] = fc
        while len(_CACHE) > _CACHE_MAX:
            _CACHE.popitem(last=False)
        return fc


def clear_cache() -> None:
    with _CACHE_LOCK:
        _CACHE.clear()


def _char_to_byte(line_text: str, col: int) -> int:
    col = max(0, min(col, len(line_text)))
    return len(line_text[:col].encode("utf-8", "surrogatepass"))


def _contains(node: ast.AST, pos: tuple[int, int]) -> bool:
    start = (node.lineno, node.col_offset)  # type: ignore[attr-defined]
    decorators = getattr(node, "decorator_list", None)
    if decorators:  # a decorated def/class starts at its first decorator (the `@` is one col before)
        first = decorators[0]
        start = min(start, (first.lineno, max(first.col_offset - 1, 0)))
    end = (node.end_lineno or node.lineno, node.end_col_offset or 0)  # type: ignore[attr-defined]
    return start <= pos <= end


_TARGETS = (ast.Name, ast.Attribute, ast.Call)


def _located_children(node: ast.AST):
    """Children with positions; position-less wrappers (arguments, withitem...) are flattened."""
    for child in ast.iter_child_nodes(node):
        if hasattr(child, "lineno"):
            yield child
        else:
            yield from _located_children(child)


def _node_at(tree: ast.Module, pos: tuple[int, int]) -> tuple[ast.AST | None, list[ast.AST]]:
    """Innermost Name/Attribute/Call holding ``pos`` (1-based line, byte col) and its ancestors."""
    chain: list[ast.AST] = []
    node: ast.AST = tree
    best: ast.AST | None = None
    best_chain: list[ast.AST] = []
    while True:
        nxt = None
        for child in _located_children(node):
            if _contains(child, pos):
                nxt = child
                break
        if nxt is None:
            return best, best_chain
        chain.append(node)
        node = nxt
        if isinstance(node, _TARGETS):
            best, best_chain = node, list(chain)


_SETTINGS = None


def _default_settings() -> "FileSettings":
    global _SETTINGS
    if _SETTINGS is None:
        from ..settings import FileSettings

        _SETTINGS = FileSettings(enabled=frozenset())
    return _SETTINGS


class _ModulePass:
    """The engine's module-level walk of one file, done once per text: the final module
    scope, the class scopes and the deferred function bodies (walked later per hover)."""

    def __init__(self, fc: _FileCache, tree: ast.Module) -> None:
        from ..context import FileContext
        from ..engine import Walker

        self.ctx = FileContext(fc.path, fc.text, tree, _default_settings())
        walker = Walker(self.ctx, [])
        walker.generic(tree)
        self.deferred = {id(entry[0]): entry for entry in walker.deferred}
