"""The release's build-and-check part (scripts/release_check.py) runs in the suite, on a copy of
the checkout, and the release workflow (.github/workflows/release.yml) calls that same script:
what a tag publishes is what these tests built and checked (issue 15 item 6).
"""
from __future__ import annotations

import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
import yaml
from checkout import copy_checkout
from testpaths import ROOT

SCRIPT = "scripts/release_check.py"
WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"
TARGETS = ["linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64", "win32-x64"]
# What the script needs from a clone: the package, its metadata, the examples it checks.
CLONE_PARTS = ("pyproject.toml", "README.md", "rules", "server", "docs", "examples", "scripts", "client-vscode")


def version() -> str:
    return re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.MULTILINE).group(1)


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    base = tmp_path_factory.mktemp("release")
    clone = copy_checkout(base / "resilint", top=CLONE_PARTS)
    out = base / "dist"
    proc = subprocess.run([sys.executable, str(clone / SCRIPT), "--out", str(out), "--expect-version", f"v{version()}"],
                          capture_output=True, text=True, timeout=600)
    return proc, out


def test_release_check_builds_and_checks(release):
    proc, out = release
    assert proc.returncode == 0, proc.stdout + proc.stderr
    sdist, = out.glob("resilint-*.tar.gz")
    wheel, = out.glob("resilint-*-py3-none-any.whl")
    assert sdist.name == f"resilint-{version()}.tar.gz"
    # twine check (again, here): the metadata and the README PyPI renders
    twine = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", str(sdist), str(wheel)],
                           capture_output=True, text=True, timeout=120)
    assert twine.returncode == 0 and twine.stdout.count("PASSED") == 2, twine.stdout + twine.stderr
    # the clean-venv install ran the installed resilint, from outside the checkout
    assert re.search(r"^\+ \S+/venv/bin/resilint --version$", proc.stdout, re.MULTILINE), proc.stdout
    assert re.search(r"^\+ \S+/venv/bin/resilint check --no-cache \S+/examples$", proc.stdout, re.MULTILINE)
    assert f"release check passed: {sdist.name}, {wheel.name} (resilint {version()})" in proc.stdout
    names = zipfile.ZipFile(wheel).namelist()
    assert "resilint/docs/rules/RES001.md" in names and "resilint/docs/rules/README.md" in names
    assert any(n.startswith("resilint/docs/guide/") for n in names)
    assert not [n for n in names if n.startswith("tests/") or "/tests/" in n or re.search(r"(^|/)test_\w+\.py$", n)]
    with tarfile.open(sdist) as tar:  # the sdist builds the wheel: it holds the docs too
        assert f"resilint-{version()}/docs/rules/RES001.md" in tar.getnames()


def test_release_check_fails_on_a_tag_that_is_not_the_version(tmp_path: Path):
    proc = subprocess.run([sys.executable, str(ROOT / SCRIPT), "--out", str(tmp_path / "dist"), "--expect-version", "v99.0.0"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and "does not match the project's version" in proc.stderr
    assert not (tmp_path / "dist").exists()  # nothing built


def _steps(jobs: dict) -> list[tuple[str, dict]]:
    return [(name, step) for name, job in jobs.items() for step in job.get("steps", [])]


def test_workflow_builds_with_the_same_script_and_publishes_on_tags():
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    on = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert on == {"push": {"tags": ["v*"]}}
    jobs = workflow["jobs"]
    steps = _steps(jobs)
    runs = [(job, step.get("run", "")) for job, step in steps]
    # the Python build happens in the script and only there, with the tag as the expected version
    checks = [(job, run) for job, run in runs if SCRIPT in run]
    assert checks == [("python", f'python {SCRIPT} --out dist --expect-version "$GITHUB_REF_NAME"')]
    assert not [run for _, run in runs if re.search(r"-m build\b|twine (check|upload)", run)]
    # the .vsix files: the plain one, and one bundled per platform through the helper script
    assert any(run == "cd client-vscode && npm ci && npm run package" for job, run in runs if job == "vsix")
    assert jobs["vsix-platform"]["strategy"]["matrix"]["target"] == TARGETS
    assert ("vsix-platform", "python client-vscode/scripts/build_platform_vsix.py --target ${{ matrix.target }} --out dist/") in runs
    # publishing waits for every build and check
    for job in ("publish-pypi", "publish-marketplace"):
        assert set(jobs[job]["needs"]) == {"python", "vsix", "vsix-platform"}
    assert set(jobs["github-release"]["needs"]) >= {"publish-pypi", "publish-marketplace"}
    pypi = [step for job, step in steps if job == "publish-pypi" and "uses" in step]
    assert pypi[-1]["uses"] == "pypa/gh-action-pypi-publish@release/v1" and "with" not in pypi[-1]  # no token
    assert jobs["publish-pypi"]["permissions"] == {"id-token": "write"}
    vsce = [step for job, step in steps if job == "publish-marketplace" and "vsce publish" in step.get("run", "")]
    assert len(vsce) == 1 and "--packagePath dist/*.vsix" in vsce[0]["run"]
    assert vsce[0]["env"] == {"VSCE_PAT": "${{ secrets.VSCE_PAT }}"}
    release = [run for job, run in runs if job == "github-release" and "gh release create" in run]
    assert len(release) == 1 and "dist/*" in release[0]
    assert workflow["permissions"] == {"contents": "read"}  # write only where a job needs it
