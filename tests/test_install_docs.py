"""The install instructions work as written (issue 15 item 6): resilint is not on PyPI, so the
editor docs install it from a clone or a git URL, with the real `pipx` or into a project venv.

`COMMANDS` are the commands the docs show, with `/path/to/resilint` standing for the clone.
One test runs each of them in a shell, on a copy of this checkout (a git repository for the
`git+file://` URL), with a fresh PIPX_HOME / PIPX_BIN_DIR, then runs the installed
`resilint --version` and `resilint check` on a file with a finding. Another reads every editor
page and fails on any install command that is not one of `COMMANDS`, so the two cannot drift.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from checkout import copy_checkout
from testpaths import ROOT

CLONE = "/path/to/resilint"
COMMANDS = {
    "pipx-clone": f"pipx install {CLONE}",
    "pipx-git-url": f'pipx install "git+file://{CLONE}"',
    "project-venv": f".venv/bin/pip install -e {CLONE}",
}
# The pages that tell a user how to install the server for an editor, and the editor recipes.
PAGES = [*sorted((ROOT / "docs" / "editors").glob("*.md")), *sorted((ROOT / "editors").rglob("*.md")),
         *sorted((ROOT / "editors").rglob("*.lua")), ROOT / "client-vscode" / "README.md"]
# An install command in prose, inline code, a code block or a Lua comment: up to the end of the
# code span, the line, a closing parenthesis or a `;`; a shell comment is cut off after.
INSTALL = re.compile(r"(?:pipx|[\w./$-]*pip3?|python3? -m pip) install [^`\n);]*")

BAD = "import requests\n\n\ndef fetch(url):\n    return requests.get(url)\n"


def install_commands(text: str) -> list[str]:
    return [" ".join(m.split(" #")[0].split()) for m in INSTALL.findall(text)]


def test_docs_show_only_the_commands_the_install_test_runs():
    found = {}
    for page in PAGES:
        other = sorted(set(install_commands(page.read_text(encoding="utf-8"))) - set(COMMANDS.values()))
        if other:
            found[str(page.relative_to(ROOT))] = other
    assert not found, f"install commands the install test does not run: {found}"
    canonical = install_commands((ROOT / "docs" / "editors" / "README.md").read_text(encoding="utf-8"))
    assert set(canonical) == set(COMMANDS.values())


def test_no_page_installs_a_package_that_is_not_published():
    from test_links import shipped_files  # every file the repository ships, less tests/

    unpublished = re.compile(r"\bpipx? install\s+(?:-U\s+|--upgrade\s+)?['\"]?resilint\b(?![-/.\w])")
    found = [str(p.relative_to(ROOT)) for p in shipped_files()
             if p.suffix in (".md", ".lua", ".ts", ".json", ".yml", ".yaml", ".toml", ".el", "")
             and unpublished.search(p.read_text(encoding="utf-8", errors="replace"))]
    assert not found


def test_every_editor_recipe_shows_a_server_in_the_project_venv():
    recipes = [p for p in PAGES if p.parent.name != "client-vscode"]
    missing = [str(p.relative_to(ROOT)) for p in recipes if ".venv/bin/resilint" not in p.read_text(encoding="utf-8")]
    assert not missing
    vscode = (ROOT / "client-vscode" / "README.md").read_text(encoding="utf-8")  # the extension runs an interpreter
    assert '"resilint.interpreter": ["${workspaceFolder}/.venv/bin/python"]' in vscode and "fromEnvironment" in vscode


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    return copy_checkout(tmp_path_factory.mktemp("clone") / "resilint", top=("pyproject.toml", "README.md", "rules", "server", "docs"),
                         git=True)


@pytest.fixture(scope="module")
def pipx_env(tmp_path_factory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("pipx")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIPX_", "VIRTUAL_ENV", "RESILINT_"))}
    env.update(PIPX_HOME=str(home / "home"), PIPX_BIN_DIR=str(home / "bin"), PIPX_MAN_DIR=str(home / "man"),
               PATH=os.pathsep.join([str(home / "bin"), str(Path(sys.executable).parent), env.get("PATH", "")]))
    return env


def _run(command: str, cwd: Path, env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, shell=True, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def _version() -> str:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    return re.search(r'^version = "([^"]+)"', text, re.MULTILINE).group(1)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_install_command_works_as_written(name: str, clone: Path, pipx_env: dict[str, str], tmp_path: Path):
    project = tmp_path / "project"
    project.mkdir()
    (project / "client.py").write_text(BAD, encoding="utf-8")
    command = COMMANDS[name].replace(CLONE, str(clone))
    if name == "project-venv":
        subprocess.run([sys.executable, "-m", "venv", ".venv"], cwd=project, check=True, timeout=120)
        resilint = str(project / ".venv" / "bin" / "resilint")
    else:
        resilint = "resilint"  # on PATH: PIPX_BIN_DIR
    installed = _run(command, project, pipx_env)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    try:
        version = _run(f"{resilint} --version", project, pipx_env, 60)
        assert version.returncode == 0 and version.stdout.split() == ["resilint", _version()], version
        if name != "project-venv":
            which = _run("command -v resilint", project, pipx_env, 10).stdout.strip()
            assert which == str(Path(pipx_env["PIPX_BIN_DIR"]) / "resilint")
        checked = _run(f"{resilint} check --no-cache client.py", project, pipx_env, 120)
        assert checked.returncode == 1, checked.stdout + checked.stderr
        assert "client.py:5:" in checked.stdout and "RES001" in checked.stdout, checked.stdout
    finally:
        if name != "project-venv":
            _run("pipx uninstall resilint", project, pipx_env, 120)
