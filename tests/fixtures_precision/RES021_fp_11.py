# From open-interpreter 0.4.3, interpreter/terminal_interface/start_terminal_interface.py:527
# An optional update check at startup; the bare `except:` says why it drops the error.
def announce_update(interpreter, check_for_update):
    try:
        if check_for_update():
            interpreter.display_message("> A new version is available.")
    except:
        # Doesn't matter
        pass
