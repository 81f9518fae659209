"""A workspace tree a cloned repository could hold (issue 17, defects 7 and 8), and a way to
run a child process on it bounded in memory and time, as an unprivileged user.

The tree: a link to /dev/zero, a FIFO, a symlink loop (a file and a folder one), a file over
`max-file-size`, a mode-000 file (where the tests run as root, the child drops the capabilities
that let root read anything, so the permission really denies), and two ordinary files, one
with a finding.
"""
from __future__ import annotations

import ctypes
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

#: Address-space limit of the child: a device read without a bound dies here, not the machine.
MEMORY_LIMIT = 1536 * 1024 * 1024
# linux/capability.h and linux/prctl.h
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, PR_CAPBSET_DROP = 1, 2, 24
LIMIT = 4000  # max-file-size of the tree's pyproject.toml

FINDING = "import requests\n\n\ndef fetch(url):\n    return requests.get(url)\n"
CLEAN = "def add(a, b):\n    return a + b\n"

#: file name -> the words its skip reason must contain
SKIPPED = {
    "zero.py": "character device",
    "fifo.py": "FIFO",
    "loop.py": "symlink loop",
    "big.py": "max-file-size",
    "secret.py": "permission denied",
}
ORDINARY = ("app.py", "pkg/clean.py")


def build(parent: Path | None = None) -> Path:
    """The tree in a fresh folder everyone may enter (pytest's tmp_path is root-only)."""
    root = Path(tempfile.mkdtemp(prefix="resilint-hostile-", dir=parent))
    os.chmod(root, 0o755)
    (root / "pyproject.toml").write_text(f"[tool.resilint]\nmax-file-size = {LIMIT}\n")
    (root / "app.py").write_text(FINDING)
    (root / "pkg").mkdir()
    (root / "pkg" / "clean.py").write_text(CLEAN)
    os.symlink("/dev/zero", root / "zero.py")
    os.mkfifo(root / "fifo.py")
    os.symlink("loop.py", root / "loop.py")
    os.symlink("..", root / "pkg" / "up")  # a folder loop: never followed
    (root / "big.py").write_text("x = 1\n" * (LIMIT // 6 + 10))
    secret = root / "secret.py"
    secret.write_text(FINDING)
    os.chmod(secret, 0o000)
    for folder in (root, root / "pkg"):
        os.chmod(folder, 0o755)
    return root


def remove(root: Path) -> None:
    shutil.rmtree(root, ignore_errors=True)


def demote() -> None:
    """preexec_fn: bounded memory, and file permissions that hold for root too (without
    CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH in the bounding set, the exec'd root process obeys
    mode bits; switching to `nobody` would lock it out of an interpreter under /root)."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    if os.geteuid() == 0:
        libc = ctypes.CDLL(None, use_errno=True)
        for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
            if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
                raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    max_rss_mb: float
    timed_out: bool


def run_bounded(cmd: list[str], cwd: Path, env: dict[str, str], timeout: float = 30.0) -> Run:
    """Run `cmd` demoted; its own peak RSS comes from wait4 (not the largest of all children)."""
    out = tempfile.TemporaryFile()
    err = tempfile.TemporaryFile()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                            preexec_fn=demote)
    timed_out = threading.Event()

    def kill() -> None:
        timed_out.set()
        proc.kill()

    timer = threading.Timer(timeout, kill)
    timer.start()
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    out.seek(0)
    err.seek(0)
    return Run(proc.returncode, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
               usage.ru_maxrss / 1024, timed_out.is_set())


def bounded_command(argv: list[str]) -> list[str]:
    """`argv` run under `demote()`'s limits by an exec'ing wrapper (for launchers that take a
    command, not a preexec_fn: pytest-lsp). The capabilities are dropped before the exec."""
    code = (f"import os, sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); import hostile_tree; "
            f"hostile_tree.demote(); os.execv(sys.executable, {[argv[0], *argv[1:]]!r})")
    return [sys.executable, "-c", code]


def peak_rss_mb(pid: int) -> float:
    """VmHWM of a running process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0
