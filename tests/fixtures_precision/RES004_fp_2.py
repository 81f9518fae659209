# From httpie 3.2.4, httpie/output/ui/man_pages.py:44.
# Shows a man page on the user's terminal (stdout/stderr are the terminal, `man` runs a pager):
# interactive, it ends when the user quits the pager.
import subprocess

MAN_COMMAND = "man"


def display_for(env, program: str) -> None:
    subprocess.run([MAN_COMMAND, "1", program], stdout=env.stdout, stderr=env.stderr)
