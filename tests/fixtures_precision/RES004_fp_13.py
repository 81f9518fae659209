# From open-interpreter 0.4.3, scripts/wtf.py:193
# a script that keeps a spinner at its top level: its commands run while the user watches (review tier).
import subprocess

from yaspin import yaspin

spinner = yaspin()
spinner.start()


def active_window():
    root = subprocess.Popen(["xprop", "-root", "_NET_ACTIVE_WINDOW"], stdout=subprocess.PIPE)
    stdout, stderr = root.communicate()
    return stdout
