# From alembic 1.20.1, alembic/util/editor.py:33.
# Opens the user's interactive $EDITOR on a file: the child runs for as long as the user
# edits; any timeout would kill the user's editing session.
import os
from subprocess import check_call


def open_in_editor(filename: str, environ=None) -> None:
    env = os.environ if environ is None else environ
    editor = env.get("VISUAL") or env.get("EDITOR") or "vi"
    check_call([editor, filename])
