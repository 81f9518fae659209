"""`resilint check --fix/--diff` on a notebook: fix the code cells as one module, write the
changed cells back into the `.ipynb` with everything else (layout, outputs) byte for byte."""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from resilint.rules.notebook import NotebookError, is_python_notebook, read_notebook
from resilint.rules.notebook_json import LayoutError, replace_sources


@dataclass
class NotebookFix:
    applied: int = 0
    remaining: int = 0
    new_raw: str | None = None  # the notebook's new JSON text, when a fix changed a cell
    diff: list[str] = field(default_factory=list)
    problem: str | None = None  # why nothing was written


def fix_notebook(path: Path, settings, unsafe: bool, fix_all) -> NotebookFix:
    try:
        data = path.read_bytes()
    except OSError as exc:
        return NotebookFix(problem=f"cannot read: {exc.strerror or exc}")
    bom = "\ufeff" if data.startswith(b"\xef\xbb\xbf") else ""
    try:
        raw = data.decode("utf-8-sig")
        notebook = read_notebook(raw)
    except (UnicodeDecodeError, NotebookError) as exc:
        return NotebookFix(problem=f"cannot read notebook: {exc}")
    if not is_python_notebook(notebook):
        return NotebookFix()
    cells = notebook.code_source()
    new_text, applied, remaining = fix_all(cells.text, str(path), settings, unsafe=unsafe)
    out = NotebookFix(applied=applied, remaining=len(remaining))
    if not applied or new_text == cells.text:
        return out
    changed = cells.cells_after(new_text)
    if changed is None:
        out.problem = "a fix spans two cells or touches an IPython magic; not written"
        out.remaining += out.applied
        out.applied = 0
        return out
    try:
        new_raw = replace_sources(raw, {cells.keys[i] - 1: src for i, src in changed.items()})  # type: ignore[operator]
        check = read_notebook(new_raw)  # what was written reads back as the fixed cells
    except (LayoutError, NotebookError, ValueError) as exc:
        out.problem = f"cannot write the fixes back: {exc}"
        out.remaining += out.applied
        out.applied = 0
        return out
    for i, src in changed.items():
        number = cells.keys[i]
        if check.cells[number - 1][1] != src:  # type: ignore[index,operator]
            out.problem = f"cell {number} did not read back as written; not written"
            out.remaining += out.applied
            out.applied = 0
            return out
        out.diff.extend(line if line.endswith("\n") else line + "\n" for line in difflib.unified_diff(
            cells.sources[i].splitlines(keepends=True), src.splitlines(keepends=True),
            fromfile=f"a/{path}:cell {number}", tofile=f"b/{path}:cell {number}",
        ))
    out.new_raw = bom + new_raw
    return out
