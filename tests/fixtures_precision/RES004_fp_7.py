# From open-interpreter 0.4.3, interpreter/terminal_interface/profiles/profiles.py:584 (also utils/display_output.py:82)
# A desktop opener hands the folder to the user's file manager and returns; what runs then is
# the user's own application.
import platform
import subprocess


def open_profile_dir(path):
    if platform.system() == "Darwin":
        subprocess.run(["open", path])
    else:
        try:
            subprocess.call(["xdg-open", path])
        except FileNotFoundError:
            subprocess.call(["open", path])
