# From aider-chat 0.86.2, aider/run_cmd.py:83 (also aider/utils.py:244)
# wait() after a loop read stdout one character at a time until the empty read: the child has
# closed its output; the run time is the user's own command.
import subprocess


def run_cmd_subprocess(command, cwd=None):
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, shell=True,
                               bufsize=0, cwd=cwd)
    output = []
    while True:
        chunk = process.stdout.read(1)
        if not chunk:
            break
        print(chunk, end="", flush=True)
        output.append(chunk)
    process.wait()
    return process.returncode, "".join(output)
