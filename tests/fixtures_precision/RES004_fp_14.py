# From aider-chat 0.86.2, aider/commands.py:964 (also celery 5.7.0, celery/apps/multi.py:235)
# the /git chat command runs the git command its user typed; running the given command is the feature.
import subprocess


def cmd_git(args, encoding):
    args = "git " + args
    env = dict(subprocess.os.environ)
    env["GIT_EDITOR"] = "true"
    return subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, shell=True,
                          encoding=encoding, errors="replace")
