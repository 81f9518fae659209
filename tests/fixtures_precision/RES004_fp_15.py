# From open-interpreter 0.4.3, interpreter/core/computer/os/os.py:50
# `display notification` through osascript posts a notification and returns at once (review tier).
import subprocess


def notify(text, title):
    text = text.replace('"', "").replace("\\", "")
    script = f'display notification "{text}" with title "{title}"'
    subprocess.run(["osascript", "-e", script])
