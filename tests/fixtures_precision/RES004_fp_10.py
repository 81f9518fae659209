# From httpie 3.2.4, httpie/manager/compat.py:30 and pip-audit 2.10.1, pip_audit/_cache.py:41,
# pip_audit/_dependency_source/pip.py:153
# a version query and pip: the first prints and exits, pip bounds its own network waits (review tier).
import shutil
import subprocess
import sys


def check_pip_version(target):
    pip_location = shutil.which(target)
    stdout = subprocess.check_output([pip_location, "--version"], text=True)
    return stdout


def pip_cache():
    cmd = [sys.executable, "-m", "pip", "cache", "dir"]
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)


def install(spec):
    subprocess.run([sys.executable, "-m", "pip", "install", spec], stdout=subprocess.DEVNULL)
