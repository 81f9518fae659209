# From aider-chat 0.86.2, aider/editor.py:134; gpt-engineer 0.3.1, gpt_engineer/applications/cli/file_selector.py:242;
# open-interpreter 0.4.3, interpreter/core/computer/sms/sms.py:123; httpie 3.2.4, httpie/output/ui/man_pages.py:24
# the user's editor (found through helpers, or the first of a list that starts), an AppleScript dialog
# waiting for the user's click, and a man-page probe with its output discarded.
import os
import subprocess

MAN_COMMAND = "man"


def get_environment_editor(default=None):
    return os.environ.get("VISUAL", os.environ.get("EDITOR", default))


def discover_editor(editor_override=None):
    if editor_override:
        editor = editor_override
    else:
        editor = get_environment_editor("vi")
    return editor


def pipe_editor(filepath, editor=None):
    command_str = discover_editor(editor)
    command_str += " " + filepath
    subprocess.call(command_str, shell=True)


def open_with_editor(file_path):
    editors = ["gedit", "notepad", "nvim", "write", "nano", "vim", "emacs"]
    for editor in editors:
        try:
            subprocess.run([editor, file_path])
            return
        except Exception:
            continue


def prompt_full_disk_access():
    script = """
    tell application "System Events"
        display dialog "This application requires Full Disk Access." buttons {"OK"} default button "OK"
    end tell
    """
    subprocess.run(["osascript", "-e", script], check=True)


def is_available(program):
    process = subprocess.run([MAN_COMMAND, "1", program], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return process.returncode == 0
