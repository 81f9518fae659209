"""rules/source_files.walk_files: one walk and one stat per file for the index and the server's
workspace check, giving what `os.walk` + `os.path.realpath` + `os.stat` gave, in the same order."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from resilint.rules.config import find_pyproject
from resilint.rules.index.modules import module_in, module_name, real_roots
from resilint.rules.index.store import WorkspaceIndex
from resilint.rules.source_files import walk_files


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """Regular files, a file link, a folder link (not entered), a broken link, a link loop, a
    pruned folder and a walked folder that is itself reached through a link."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "target.py").write_text("x = 1\n")
    real = tmp_path / "real"
    (real / "pkg" / "sub").mkdir(parents=True)
    (real / "pkg" / "__init__.py").write_text("")
    (real / "pkg" / "sub" / "b.py").write_text("b = 1\n")
    (real / "a.py").write_text("a = 1\n")
    (real / "notes.txt").write_text("not python\n")
    (real / "skipme").mkdir()
    (real / "skipme" / "hidden.py").write_text("h = 1\n")
    (real / "linked.py").symlink_to(outside / "target.py")
    (real / "linked_dir").symlink_to(outside, target_is_directory=True)
    (real / "broken.py").symlink_to(tmp_path / "nowhere.py")
    (real / "loop.py").symlink_to(real / "loop.py")
    (tmp_path / "via").symlink_to(real, target_is_directory=True)
    return tmp_path


def _os_walk(top: Path, prune: set[str]) -> list[tuple[str, str]]:
    out = []
    for folder, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if d not in prune)
        out += [(os.path.join(folder, f), os.path.realpath(os.path.join(folder, f)))
                for f in sorted(files) if f.endswith(".py")]
    return out


@pytest.mark.parametrize("top", ["real", "via"])
def test_the_walk_is_os_walk_with_real_paths_and_stats(tree: Path, top: str) -> None:
    found = list(walk_files(tree / top, (".py",), lambda name, parent: name == "skipme"))
    assert [(f.path, f.real) for f in found] == _os_walk(tree / top, {"skipme"})
    by_name = {os.path.basename(f.path): f for f in found}
    assert set(by_name) == {"__init__.py", "a.py", "b.py", "broken.py", "linked.py", "loop.py"}
    assert by_name["linked.py"].real == str(tree / "outside" / "target.py")
    assert by_name["linked.py"].located == str(tree / "real" / "linked.py")  # where the link is
    assert by_name["a.py"].located == by_name["a.py"].real == str(tree / "real" / "a.py")  # via/ resolved
    for f in found:
        if f.stat is None:
            assert os.path.basename(f.path) in {"broken.py", "loop.py"}
        else:
            st = os.stat(f.real)
            assert (st.st_mode, st.st_size, st.st_mtime_ns) == f.stat


def test_prune_is_told_the_real_parent(tree: Path) -> None:
    asked = []
    list(walk_files(tree / "via", (".py",), lambda name, parent: asked.append((name, parent)) or False))
    assert ("pkg", str(tree / "real")) in asked and ("sub", str(tree / "real" / "pkg")) in asked
    assert all(name != "linked_dir" for name, _ in asked)  # a linked folder is never entered


def test_module_in_agrees_with_module_name(tree: Path) -> None:
    root = tree / "via"
    bases = real_roots(root)
    for f in walk_files(root, (".py",), lambda name, parent: False):
        assert module_in(f.real, bases) == module_name(Path(f.path), root)
    assert module_in(str(tree / "real" / "pkg" / "sub" / "b.py"), bases) == "pkg.sub.b"
    assert module_in(str(tree / "real"), bases) is None and module_in("/elsewhere/x.py", bases) is None


def test_the_index_discovers_what_it_did(tree: Path) -> None:
    index = WorkspaceIndex(tree / "via", cache_dir=tree / "cache")
    found = {f.real for f in index.discover()}
    assert str(tree / "real" / "skipme" / "hidden.py") in found  # no prune of its own names here
    built = WorkspaceIndex.build(tree / "via", cache_dir=tree / "cache", jobs=1)
    assert {e["module"] for e in built.entries.values()} == {"a", "pkg", "pkg.sub.b", "skipme.hidden"}
    again = WorkspaceIndex.build(tree / "via", cache_dir=tree / "cache", jobs=1)
    # loop.py is named (inside the root) but never readable: tried again, never cached
    assert (again.stats.files, again.stats.cache_hits, again.stats.parsed) == (5, 4, 0)


def test_find_pyproject_memo_answers_as_the_walk_up_does(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.resilint]\n")
    sub = tmp_path / "sub"
    (sub / "deeper").mkdir(parents=True)
    (sub / "pyproject.toml").write_text("[tool.ruff]\n")  # no [tool.resilint]: not ours
    memo: dict[Path, Path | None] = {}
    for folder in (tmp_path, sub, sub / "deeper", sub / "deeper"):
        assert find_pyproject(folder, memo) == find_pyproject(folder) == tmp_path / "pyproject.toml"
    assert set(memo) == {tmp_path, sub, sub / "deeper"}
