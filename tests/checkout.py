"""A copy of this checkout as a user would have it after `git clone`, for the tests that install
or build resilint from a clone (tests/test_install_docs.py, tests/test_release.py).

Only the files git tracks, and the new ones it does not ignore (so uncommitted work is tested
too): no .venv, build/, *.egg-info or node_modules that a build in place would pick up. With
`git=True` the copy is a repository with one commit, for `git+file://` URLs.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from testpaths import ROOT

IDENT = {"GIT_AUTHOR_NAME": "resilint tests", "GIT_AUTHOR_EMAIL": "tests@resilint.invalid",
         "GIT_COMMITTER_NAME": "resilint tests", "GIT_COMMITTER_EMAIL": "tests@resilint.invalid"}


def checkout_files(top: tuple[str, ...] = ()) -> list[str]:
    """Paths (relative) of the checkout, optionally only those under the top-level names `top`."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                            capture_output=True, text=True, check=True)
    names = [n for n in listed.stdout.split("\0") if n and (ROOT / n).is_file()]
    return [n for n in names if not top or n.split("/")[0] in top]


def copy_checkout(dest: Path, top: tuple[str, ...] = (), git: bool = False) -> Path:
    for name in checkout_files(top):
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    if git:
        env = {**os.environ, **IDENT}
        for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "snapshot"]):
            subprocess.run(["git", *args], cwd=dest, env=env, check=True, capture_output=True)
    return dest
