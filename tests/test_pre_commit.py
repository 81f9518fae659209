"""The pre-commit hooks (.pre-commit-hooks.yaml) through the real `pre-commit`, in a throw-away
git repository that uses them from a snapshot of this checkout, as a user's repository would.

pre-commit builds the hook's environment itself (a venv with this checkout pip-installed), so
this is the path a user takes: the hook id, its entry, its file types and resilint's exit code.
The snapshot holds the files needed to build the package (what `pre-commit try-repo` does with a
dirty checkout), so uncommitted changes to the hooks are tested too.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
PRE_COMMIT = [sys.executable, "-m", "pre_commit"]
# What `pip install <repo>` needs to build resilint.
BUILD_INPUTS = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "rules", "server", "docs")

BAD = 'import requests\n\n\ndef fetch(url):\n    return requests.get(url)\n'
GOOD = 'import requests\n\n\ndef fetch(url):\n    return requests.get(url, timeout=10)\n'


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, env={**os.environ, **_ident()}, check=True, capture_output=True, text=True).stdout


def _snapshot(dest: Path) -> str:
    """A git repository holding the build inputs of this checkout; returns its commit."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in BUILD_INPUTS:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=ignore)
        else:
            shutil.copy2(src, dest / name)
    _git(dest, "init", "-q")
    _git(dest, "add", "-A")
    _git(dest, "commit", "-q", "-m", "snapshot")
    return _git(dest, "rev-parse", "HEAD").strip()


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A user's repository with both hooks installed (the environment is built once)."""
    base = tmp_path_factory.mktemp("pre-commit")
    hooks_repo = base / "resilint"
    hooks_repo.mkdir()
    rev = _snapshot(hooks_repo)
    work = base / "project"
    work.mkdir()
    _git(work, "init", "-q")
    config = {"repos": [{"repo": str(hooks_repo), "rev": rev, "hooks": [{"id": "resilint"}]}]}
    (work / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    env = {**os.environ, "PRE_COMMIT_HOME": str(base / "cache")}
    env.pop("RESILINT_CACHE_DIR", None)
    subprocess.run([*PRE_COMMIT, "install"], cwd=work, env=env, check=True, capture_output=True)
    # Builds the hook's venv now, so that a failure to build reads as one (not as a finding).
    built = subprocess.run([*PRE_COMMIT, "install-hooks"], cwd=work, env=env, capture_output=True, text=True)
    assert built.returncode == 0, built.stdout + built.stderr
    return work, env, hooks_repo, rev


def test_hooks_file_declares_check_and_fix():
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"resilint", "resilint-fix"}
    assert hooks["resilint"]["entry"] == "resilint check"
    assert hooks["resilint-fix"]["entry"] == "resilint check --fix"
    for hook in hooks.values():
        assert hook["types_or"] == ["python", "jupyter"]


def test_finding_fails_the_commit_and_clean_file_passes(project):
    work, env, _, _ = project
    (work / "client.py").write_text(BAD, encoding="utf-8")
    _git(work, "add", "client.py")
    failed = subprocess.run(["git", "commit", "-q", "-m", "bad"], cwd=work, env={**env, **_ident()},
                            capture_output=True, text=True)
    out = failed.stdout + failed.stderr
    assert failed.returncode != 0, out
    assert "RES001" in out and "client.py:5:" in out, out

    (work / "client.py").write_text(GOOD, encoding="utf-8")
    _git(work, "add", "client.py")
    passed = subprocess.run(["git", "commit", "-q", "-m", "good"], cwd=work, env={**env, **_ident()},
                            capture_output=True, text=True)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert _git(work, "log", "--format=%s").split() == ["good"]


FIXABLE = (
    "import logging\n\nlogger = logging.getLogger(__name__)\n\n\ndef run(job):\n    try:\n        job()\n"
    "    except Exception:\n        logger.error(\"job failed\")\n"
)


def test_fix_hook_rewrites_the_file(project):
    """`resilint-fix` applies the safe fix; pre-commit fails the run that changed the file
    (the user reviews and stages it), and the next run passes."""
    work, env, hooks_repo, rev = project
    config = {"repos": [{"repo": str(hooks_repo), "rev": rev, "hooks": [{"id": "resilint-fix"}]}]}
    (work / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    (work / "worker.py").write_text(FIXABLE, encoding="utf-8")
    _git(work, "add", "-A")
    first = subprocess.run([*PRE_COMMIT, "run", "--files", "worker.py"], cwd=work, env=env,
                           capture_output=True, text=True)
    assert first.returncode != 0, first.stdout + first.stderr
    assert "files were modified by this hook" in first.stdout, first.stdout
    assert (work / "worker.py").read_text(encoding="utf-8") == FIXABLE.replace("logger.error", "logger.exception")
    _git(work, "add", "-A")
    second = subprocess.run([*PRE_COMMIT, "run", "--files", "worker.py"], cwd=work, env=env,
                            capture_output=True, text=True)
    assert second.returncode == 0, second.stdout + second.stderr


def _ident() -> dict:
    return {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@localhost",
            "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@localhost"}
