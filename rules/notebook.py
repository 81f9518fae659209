"""Jupyter notebooks as one module: the code cells concatenated, IPython magics masked, and a
map from positions in that module back to (cell, line in cell), like ruff's notebook index.

Used by the CLI (cells read from the `.ipynb` with nbformat) and by the language server
(cells from LSP notebook sync). Nothing here imports the server, and nothing of the notebook
is executed.
"""
from __future__ import annotations

import ast
import bisect
import difflib
import json
import re
from dataclasses import dataclass, field
from typing import Any, Hashable, Sequence

from .model import Span
from .source import split_lines

NOTEBOOK_SUFFIX = ".ipynb"

#: Cell magics whose body is Python code run by IPython (only their first line is masked);
#: the body of any other cell magic (%%bash, %%html, %%sql, %%writefile, ...) is not Python.
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "debug", "prun", "python", "python3", "pypy"})

# A line magic or shell escape (`%pip install x`, `!ls`, `files = !ls`, `t = %timeit -o f()`) and
# help (`obj?`, `obj??`, `?obj`). Only tried on cells that do not parse as they are.
_LINE_MAGIC = re.compile(r"^\s*(?:[%!]|[\w.,\s\[\]()*]+=\s*[%!])")
_HELP = re.compile(r"^\s*(?:\?{1,2}[\w.\[\]()*]+|[\w.\[\]()*]+\?{1,2})\s*$")
_CELL_MAGIC = re.compile(r"^\s*%%(\w+)")
_MASK = "pass"


def mask_magics(source: str) -> list[str]:
    """The lines of one cell with IPython syntax replaced by `pass` (same indentation), so the
    cell parses and every other line keeps its line and column numbers."""
    lines = cell_lines(source)
    match = _CELL_MAGIC.match(lines[0])
    if match is not None:
        if match.group(1) not in PYTHON_CELL_MAGICS:
            return [_MASK] + ["" for _ in lines[1:]]  # not Python: nothing to analyse
        lines = [_MASK, *lines[1:]]
        if _parses("\n".join(lines)):
            return lines
    elif _parses(source):
        return lines
    out: list[str] = []
    continued = False
    for line in lines:
        if continued or _LINE_MAGIC.match(line) or _HELP.match(line):
            indent = line[: len(line) - len(line.lstrip())]
            out.append(_MASK if continued else indent + _MASK)
            continued = line.rstrip().endswith("\\")
        else:
            out.append(line)
            continued = False
    return out


def _parses(text: str) -> bool:
    try:
        ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def cell_lines(source: str) -> list[str]:
    """A cell's lines without terminators; a final newline adds no line, an empty cell has one."""
    lines = split_lines(source)
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()
    return lines


@dataclass
class CellSource:
    """The code cells of a notebook as one module.

    `keys[i]` names code cell i for the caller (a 1-based cell number in the CLI, a cell URI in
    the server); `starts[i]` is the line of the module where it begins.
    """

    keys: list[Hashable]
    sources: list[str]
    text: str = ""
    starts: list[int] = field(default_factory=list)
    lengths: list[int] = field(default_factory=list)
    masked: list[set[int]] = field(default_factory=list)  # per cell, its masked lines

    @classmethod
    def build(cls, cells: Sequence[tuple[Hashable, str]]) -> "CellSource":
        out = cls([k for k, _ in cells], [s for _, s in cells])
        pieces: list[str] = []
        line = 0
        for source in out.sources:
            original = cell_lines(source)
            masked = mask_magics(source)
            out.starts.append(line)
            out.lengths.append(len(masked))
            out.masked.append({i for i, (a, b) in enumerate(zip(original, masked)) if a != b})
            pieces.extend(masked)
            line += len(masked)
        out.text = "\n".join(pieces) + "\n" if pieces else ""
        return out

    # ---- positions ----
    def cell_at(self, line: int) -> int | None:
        """Index (into `keys`) of the code cell holding module line `line`."""
        if not self.starts:
            return None
        i = bisect.bisect_right(self.starts, line) - 1
        if i < 0:
            return None
        # a line past the end of the last cell (the module's final empty line) stays in it
        return i

    def locate(self, line: int, col: int) -> tuple[int, int, int] | None:
        """(cell index, line in cell, column) of a module position."""
        i = self.cell_at(line)
        if i is None:
            return None
        return i, min(line - self.starts[i], max(self.lengths[i] - 1, 0)), col

    def to_cell(self, span: Span) -> tuple[int, Span] | None:
        """The cell holding the start of `span`, and the span relative to it (clipped to the
        end of that cell when it runs into the next one)."""
        start = self.locate(span.line, span.col)
        if start is None:
            return None
        i, line, col = start
        end_line, end_col = span.end_line - self.starts[i], span.end_col
        last = self.lengths[i] - 1
        if end_line > last:
            end_line = last
            end_col = len(cell_lines(self.sources[i])[last]) if last >= 0 else 0
        return i, Span(line, col, end_line, end_col)

    def to_module(self, index: int, line: int, col: int) -> tuple[int, int]:
        """Module position of (cell `index`, line, col)."""
        return self.starts[index] + max(0, min(line, self.lengths[index] - 1)), col

    # ---- fixes ----
    def cells_after(self, new_text: str) -> dict[int, str] | None:
        """The new source of every cell that `new_text` (the fixed module) changes, keyed by
        cell index; None when a change spans two cells or touches a masked line (then the
        fix cannot be written back safely)."""
        old_lines = split_lines(self.text)[:-1]  # the text ends with a newline: drop the empty tail
        new_lines = split_lines(new_text)
        if new_lines and new_lines[-1] == "":
            new_lines.pop()
        owner = [i for i in range(len(self.keys)) for _ in range(self.lengths[i])]
        new_cells: list[list[str]] = [[] for _ in self.keys]
        originals = [cell_lines(s) for s in self.sources]
        changed: set[int] = set()
        matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                for k in range(i1, i2):
                    cell = owner[k]
                    new_cells[cell].append(originals[cell][k - self.starts[cell]])
                continue
            cells = {owner[k] for k in range(i1, i2)}
            if not cells:  # inserted between lines: it belongs to the cell of the line before
                cells = {owner[i1 - 1] if 0 < i1 <= len(owner) else 0}
            if len(cells) > 1:
                return None
            cell = cells.pop()
            if any(k - self.starts[cell] in self.masked[cell] for k in range(i1, i2)):
                return None
            new_cells[cell].extend(new_lines[j1:j2])
            changed.add(cell)
        out: dict[int, str] = {}
        for cell in sorted(changed):
            lines = new_cells[cell]
            newline = "\r\n" if "\r\n" in self.sources[cell] else "\n"
            body = newline.join(lines)
            if self.sources[cell].endswith(("\n", "\r")):
                body += newline
            out[cell] = body
        return out


# ---- reading .ipynb files ------------------------------------------------------------------------
class NotebookError(ValueError):
    """The file is not a notebook resilint can read (the message says why, for the user)."""


@dataclass
class Notebook:
    """The cells of a notebook file: `cells[n]` is (cell_type, source) of cell number n + 1."""

    cells: list[tuple[str, str]]
    language: str | None
    nbformat: int

    def code_source(self) -> CellSource:
        """Its code cells as one module; the keys are 1-based cell numbers among all cells."""
        return CellSource.build([(n + 1, src) for n, (kind, src) in enumerate(self.cells) if kind == "code"])


def read_notebook(data: bytes | str) -> Notebook:
    """Parse a notebook with nbformat (any version, read as v4). Raises NotebookError."""
    import nbformat

    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    except UnicodeDecodeError as exc:
        raise NotebookError(f"not UTF-8: {exc}") from None
    try:
        raw = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise NotebookError(f"not valid JSON: {exc}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("nbformat"), int):
        raise NotebookError("not a Jupyter notebook (no `nbformat` version)")
    try:
        errors: dict[str, Any] = {}
        nb = nbformat.reads(text, as_version=4, capture_validation_error=errors)
    except Exception as exc:  # nbformat raises many types on bad input; none may escape
        raise NotebookError(f"cannot read notebook: {type(exc).__name__}: {exc}") from None
    cells_raw = nb.get("cells")
    if not isinstance(cells_raw, list):
        raise NotebookError("not a Jupyter notebook (no `cells` list)")
    cells: list[tuple[str, str]] = []
    for cell in cells_raw:
        if not isinstance(cell, dict):
            raise NotebookError("a cell is not a JSON object")
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(s for s in source if isinstance(s, str))
        if not isinstance(source, str):
            raise NotebookError("a cell's `source` is neither a string nor a list of strings")
        cells.append((str(cell.get("cell_type", "")), source))
    meta = nb.get("metadata") or {}
    language = None
    if isinstance(meta, dict):
        info = meta.get("language_info") or {}
        kernel = meta.get("kernelspec") or {}
        language = (info.get("name") if isinstance(info, dict) else None) or (
            kernel.get("language") if isinstance(kernel, dict) else None)
    return Notebook(cells, language if isinstance(language, str) else None, raw["nbformat"])


def is_python_notebook(nb: Notebook) -> bool:
    """A notebook of another kernel (R, Julia) is not analysed; no language means Python."""
    return nb.language is None or nb.language.lower() in ("python", "python3", "ipython", "ipython3")
