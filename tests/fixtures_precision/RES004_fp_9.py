# From gpt-engineer 0.3.1, gpt_engineer/core/git.py:16, 27, 55 (and sentry-sdk 2.75.0, sentry_sdk/utils.py:141)
# git on the local repository only: it touches no remote and ends on its own (review tier).
import subprocess


def is_git_repo(path):
    return subprocess.run(["git", "rev-parse"], cwd=path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0


def init_git_repo(path):
    subprocess.run(["git", "init"], cwd=path)


def stage_files(path, files):
    subprocess.run(["git", "add", *files], cwd=path)


def revision():
    return subprocess.Popen(["git", "rev-parse", "HEAD"], stdout=subprocess.PIPE).communicate()[0].strip()
