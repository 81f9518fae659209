# From gpt-engineer 0.3.1, gpt_engineer/applications/cli/learning.py:301.
# A random telemetry user id ("ephemeral_..."), not a session secret: only the function's name says
# `session` (review tier).
import random
import tempfile
from pathlib import Path


def get_session() -> str:
    path = Path(tempfile.gettempdir()) / "gpt_engineer_user_id.txt"
    try:
        if path.exists():
            user_id = path.read_text()
        else:
            user_id = str(random.randint(0, 2**32))
            path.write_text(user_id)
        return user_id
    except IOError:
        return "ephemeral_" + str(random.randint(0, 2**32))
