"""The code base's layers (docs/architecture.md): the import-linter contract in pyproject.toml,
no import cycle anywhere (function-level and TYPE_CHECKING imports count), every core module
placed in a layer, and modules small enough to read."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp

from testpaths import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

MAX_LINES = 600


def _contracts() -> list[dict]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]


def test_import_linter_contracts_are_kept() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    run = subprocess.run([str(lint), "--config", str(ROOT / "pyproject.toml")], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "0 broken" in run.stdout


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in graph.modules:
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    out.append(sorted(component))
    return out


def test_no_import_cycle() -> None:
    graph = grimp.build_graph("resilint.rules", "resilint.server")
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_cycles(tmp_path: Path, monkeypatch) -> None:
    """The check above can fail: a two-module cycle in a scratch package is found."""
    pkg = tmp_path / "cyclepkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("def f():\n    from . import b\n")  # a function-level import counts
    (pkg / "b.py").write_text("from . import a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert _cycles(grimp.build_graph("cyclepkg")) == [["cyclepkg.a", "cyclepkg.b"]]


def test_every_core_module_has_a_layer() -> None:
    layers = next(c for c in _contracts() if c["type"] == "layers")["layers"]
    placed = {name.strip() for layer in layers for name in layer.replace(":", "|").split("|")}
    core = ROOT / "rules"
    modules = {f"resilint.rules.{p.stem}" for p in core.glob("*.py") if p.stem != "__init__"}
    modules |= {f"resilint.rules.{p.parent.name}" for p in core.glob("*/__init__.py")}
    assert modules - placed == set(), "add these modules to a layer in pyproject.toml"


def test_modules_are_small() -> None:
    big = {}
    for folder in ("rules", "server"):
        for path in (ROOT / folder).rglob("*.py"):
            n = path.read_text(encoding="utf-8").count("\n")
            if n > MAX_LINES:
                big[str(path.relative_to(ROOT))] = n
    assert big == {}, f"split these modules (at most {MAX_LINES} lines): {big}"
