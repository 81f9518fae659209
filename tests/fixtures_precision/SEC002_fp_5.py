# From shell-gpt 1.5.1, sgpt/utils.py:26 (also aider-chat 0.86.2, aider/editor.py:134).
# The user's own $EDITOR opened on a temporary file: the standard editor-launch pattern.
import os
from tempfile import NamedTemporaryFile


def get_edited_prompt() -> str:
    with NamedTemporaryFile(suffix=".txt", delete=False) as file:
        file_path = file.name
    editor = os.environ.get("EDITOR", "vim")
    os.system(f"{editor} {file_path}")
    with open(file_path, encoding="utf-8") as file:
        output = file.read()
    os.remove(file_path)
    return output
