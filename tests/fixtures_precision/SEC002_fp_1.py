# From aider-chat 0.86.2, aider/commands.py:970 (also aider/run_cmd.py:67, aider/io.py:1094).
# The /git command runs what the user typed at aider's prompt; shell=True is the feature.
import os
import subprocess


class Commands:
    def cmd_git(self, args):
        "Run a git command (output excluded from chat)"
        args = "git " + args
        env = dict(os.environ)
        env["GIT_EDITOR"] = "true"
        result = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                                shell=True)
        return result.stdout

    def ring_bell(self):
        if self.notifications_command:
            subprocess.run(self.notifications_command, shell=True, capture_output=True)
