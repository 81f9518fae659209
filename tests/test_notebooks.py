"""Notebooks in the CLI: `.ipynb` files written by nbformat, checked, fixed and written back.

The real `resilint` CLI runs in a subprocess; the notebooks are real nbformat output.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat import v4

from resilint.rules.model import Span
from resilint.rules.notebook import CellSource, mask_magics


def resilint(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "resilint.server.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def _notebook() -> nbformat.NotebookNode:
    nb = v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        v4.new_code_cell("import requests\n%matplotlib inline\nsession = requests.Session()"),
        v4.new_markdown_cell("# Fetch the page"),
        v4.new_code_cell("!pip install requests\nurl = 'https://example.com'\nrequests.get?\nr = session.get(url)\nprint(r)",
                         execution_count=3, outputs=[v4.new_output("stream", text="<Response [200]>\n")]),
        v4.new_code_cell("%%bash\necho $HOME | wc -c"),
        v4.new_code_cell("%%time\nrequests.post(url)"),
    ]
    return nb


@pytest.fixture
def nb_path(tmp_path: Path) -> Path:
    path = tmp_path / "nb.ipynb"
    nbformat.write(_notebook(), str(path))
    return path


# ----- masking and the position map ----------------------------------------------------------------
def test_magics_are_masked_keeping_lines() -> None:
    src = "x = 1\n%time f(x)\nfiles = !ls\nif x:\n    !echo hi\nx?\n??x\nprint(x)\n"
    assert mask_magics(src) == ["x = 1", "pass", "pass", "if x:", "    pass", "pass", "pass", "print(x)"]
    assert mask_magics("%%bash\necho hi\nls") == ["pass", "", ""]  # not Python: nothing analysed
    assert mask_magics("%%time\nf()") == ["pass", "f()"]
    # a cell that parses is left alone, even with a line starting with `%` inside a string
    assert mask_magics('s = """\n%d items\n"""') == ['s = """', "%d items", '"""']
    assert mask_magics("%time \\\n  f()\ng()") == ["pass", "pass", "g()"]  # a continued magic


def test_positions_map_back_to_cells() -> None:
    cells = CellSource.build([(1, "import a\nb = 1\n"), (3, "c = 2"), (4, "")])
    assert cells.text == "import a\nb = 1\nc = 2\n\n"
    assert cells.to_cell(Span(2, 4, 2, 5)) == (1, Span(0, 4, 0, 5))
    assert cells.to_cell(Span(1, 0, 2, 3)) == (0, Span(1, 0, 1, 5))  # clipped to its cell
    assert cells.to_module(1, 0, 2) == (2, 2)
    # a fix that changes one cell gives that cell's new source; the others stay untouched
    assert cells.cells_after("import a\nb = 1\nc = f(2)\n\n") == {1: "c = f(2)"}
    assert cells.cells_after("import a\nimport z\nb = 1\nc = 2\n\n") == {0: "import a\nimport z\nb = 1\n"}
    assert cells.cells_after("import a\nb = 3; c = 4\n\n") is None  # one change over two cells


# ----- check -----------------------------------------------------------------------------------------
def test_text_names_the_cell_and_resolves_across_cells(nb_path: Path) -> None:
    r = resilint("check", "nb.ipynb", cwd=nb_path.parent)
    assert r.returncode == 1, r.stderr
    # the session built in cell 1 is used in cell 3 (markdown cell 2 counts, as in ruff)
    assert "nb.ipynb:cell 3:4:5: RES001" in r.stdout, r.stdout
    assert "4 | r = session.get(url)" in r.stdout  # the excerpt is the cell's own line
    assert "nb.ipynb:cell 5:2:1: RES001" in r.stdout
    assert "RES999" not in r.stdout  # magics, shell escapes and help are not syntax errors
    assert "Found 2 findings." in r.stdout


def test_json_cell_and_sarif_cell(nb_path: Path) -> None:
    r = resilint("check", "--output-format", "json", "--show-fixes", "nb.ipynb", cwd=nb_path.parent)
    items = json.loads(r.stdout)
    first = items[0]
    assert (first["cell"], first["location"], first["end_location"]) == (
        3, {"row": 4, "column": 5}, {"row": 4, "column": 16})
    assert first["fix"]["edits"][0]["location"] == {"row": 4, "column": 20}  # ", timeout=" after `url`
    r = resilint("check", "--output-format", "sarif", "nb.ipynb", cwd=nb_path.parent)
    result = json.loads(r.stdout)["runs"][0]["results"][0]
    location = result["locations"][0]
    assert location["logicalLocations"] == [{"name": "cell 3", "kind": "module"}]
    assert location["physicalLocation"]["region"]["startLine"] == 4
    assert result["message"]["text"].startswith("cell 3: ")


def test_directory_walk_includes_notebooks(nb_path: Path) -> None:
    (nb_path.parent / "clean.py").write_text("x = 1\n")
    checkpoints = nb_path.parent / ".ipynb_checkpoints"  # Jupyter's autosaves are not checked
    checkpoints.mkdir()
    nbformat.write(_notebook(), str(checkpoints / "nb-checkpoint.ipynb"))
    r = resilint("check", ".", cwd=nb_path.parent)
    assert "nb.ipynb:cell 3:4:5: RES001" in r.stdout
    assert "checkpoint" not in r.stdout and "Found 2 findings." in r.stdout


@pytest.mark.parametrize("content, message", [
    ('{"cells": [ {"cell_type": "code", "sour', "not valid JSON"),
    ('[1, 2]', "not a Jupyter notebook"),
    ('{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code", "source": 7}]}',
     "cannot read notebook"),
    (b"\xff\xfe{", "cannot read notebook"),
])
def test_malformed_notebook_is_a_finding_not_a_crash(tmp_path: Path, content, message: str) -> None:
    path = tmp_path / "broken.ipynb"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    r = resilint("check", "broken.ipynb", cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr
    assert "broken.ipynb:1:1: RES999 cannot read notebook" in r.stdout and message in r.stdout, r.stdout
    r = resilint("check", "--fix", "broken.ipynb", cwd=tmp_path)
    assert "Traceback" not in r.stderr and "cannot read notebook" in r.stderr


def test_other_kernels_are_skipped(tmp_path: Path) -> None:
    nb = v4.new_notebook()
    nb.metadata["language_info"] = {"name": "R"}
    nb.cells = [v4.new_code_cell("library(httr)\nGET(url)")]
    nbformat.write(nb, str(tmp_path / "r.ipynb"))
    r = resilint("check", "r.ipynb", cwd=tmp_path)
    # skipped files are named on stderr (server/skipped.py), the report stays clean
    assert r.returncode == 0 and "skipped: a R notebook" in r.stderr, r.stderr


# ----- --fix writes the cells back -----------------------------------------------------------------
def _unchanged_outside(before: str, after: str, old: str, new: str) -> None:
    """`after` is `before` with exactly one occurrence of `old` replaced by `new`."""
    at = before.index(old)
    assert after == before[:at] + new + before[at + len(old):]


def test_fix_writes_back_only_the_edited_sources(nb_path: Path) -> None:
    before = nb_path.read_text()
    r = resilint("check", "--fix", "--unsafe-fixes", "nb.ipynb", cwd=nb_path.parent)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Fixed 2 findings; 0 remaining." in r.stdout
    after = nb_path.read_text()
    expected = _notebook()
    expected.cells[2].source = expected.cells[2].source.replace("session.get(url)", "session.get(url, timeout=10)")
    expected.cells[4].source = "%%time\nrequests.post(url, timeout=10)"
    fixed = nbformat.reads(after, as_version=4)
    assert [c.source for c in fixed.cells] == [c.source for c in expected.cells]
    assert fixed.cells[2].outputs == _notebook().cells[2].outputs  # outputs intact
    # every byte outside the two edited source lines is the one nbformat wrote
    _unchanged_outside(
        before.replace('"requests.post(url)"', '"requests.post(url, timeout=10)"'), after,
        '"r = session.get(url)\\n"', '"r = session.get(url, timeout=10)\\n"')
    # the ids (random per new cell) did not change, so compare with nbformat's own writer too
    for new, old in zip(expected.cells, nbformat.reads(before, as_version=4).cells):
        new.id = old.id
    assert after == nbformat.writes(expected) + "\n"
    assert resilint("check", "nb.ipynb", cwd=nb_path.parent).returncode == 0


def test_fix_keeps_a_hand_written_layout(tmp_path: Path) -> None:
    """Indent 2, keys not sorted, non-ASCII escaped, one-string sources, no final newline."""
    doc = {"nbformat_minor": 4, "nbformat": 4, "metadata": {"kernelspec": {"language": "python", "name": "p"}},
           "cells": [{"source": "import requests  # café\n", "outputs": [], "metadata": {"tags": ["x"]},
                      "execution_count": None, "cell_type": "code"},
                     {"cell_type": "code", "metadata": {}, "execution_count": 1, "outputs": [
                         {"output_type": "execute_result", "execution_count": 1, "metadata": {},
                          "data": {"text/plain": ["'ok'"]}}],
                      "source": "r = requests.get('https://x')"}]}
    text = json.dumps(doc, indent=2, ensure_ascii=True)
    path = tmp_path / "hand.ipynb"
    path.write_text(text)
    r = resilint("check", "--fix", "--unsafe-fixes", "hand.ipynb", cwd=tmp_path)
    assert "Fixed 1 finding" in r.stdout, r.stdout + r.stderr
    _unchanged_outside(text, path.read_text(), json.dumps("r = requests.get('https://x')"),
                       json.dumps("r = requests.get('https://x', timeout=10)"))


def test_diff_names_the_cell_and_writes_nothing(nb_path: Path) -> None:
    before = nb_path.read_bytes()
    r = resilint("check", "--diff", "--unsafe-fixes", "nb.ipynb", cwd=nb_path.parent)
    assert f"--- a/nb.ipynb:cell 3" in r.stdout and "+r = session.get(url, timeout=10)" in r.stdout, r.stdout
    assert nb_path.read_bytes() == before


def test_a_warm_run_keeps_cell_positions(tmp_path: Path) -> None:
    """A notebook served from the results cache still names its cells (the cache holds spans in
    the joined cells; the hit maps them back through the notebook's cells)."""
    (tmp_path / "pyproject.toml").write_text("[tool.resilint]\n")
    nbformat.write(_notebook(), str(tmp_path / "nb.ipynb"))
    runs = []
    for _ in range(2):
        r = resilint("check", "nb.ipynb", "--output-format", "json", "--exit-zero", "--statistics", cwd=tmp_path)
        assert "Traceback" not in r.stderr, r.stderr
        runs.append(([(i["code"], i["cell"], i["location"]["row"]) for i in json.loads(r.stdout)], r.stderr))
    (cold, _), (warm, stats) = runs
    assert "1 from the cache" in stats, stats
    assert warm == cold and all(cell is not None for _, cell, _ in warm), warm
