# From httpie 3.2.4, httpie/manager/compat.py:49: a wrapper that runs the pip its caller names;
# pip bounds its own network waits, and which pip runs is each caller's choice (review tier).
import subprocess
import sys
from typing import List


def _run_pip_subprocess(pip_executable: List[str], args: List[str]) -> bytes:
    cmd = [*pip_executable, *args]
    process = subprocess.run(cmd, check=True, shell=False, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return process.stdout


def run_pip(args: List[str]) -> bytes:
    return _run_pip_subprocess([sys.executable, "-m", "pip"], args)
