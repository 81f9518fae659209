# From gpt-engineer 0.3.1, gpt_engineer/applications/cli/file_selector.py:237 and :244 (also
# changedetection.io 0.60.10, changedetectionio/store/updates.py:296)
# An editor fallback chain (the next alternative is tried, a message ends it) and a `del` of a key
# that may already be gone: deliberate (review tier).
import subprocess


def open_with_editor(file_path, chosen_editor, editors):
    if chosen_editor:
        try:
            subprocess.run([chosen_editor, file_path])
            return
        except Exception:
            pass
    for editor in editors:
        try:
            subprocess.run([editor, file_path])
            return
        except Exception:
            continue
    print("No suitable text editor found. Please edit the file manually.")


def drop_last_changed(watching):
    for uuid, watch in watching.items():
        try:
            del watch["last_changed"]
        except:
            continue
