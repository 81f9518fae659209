# From openai-agents 0.24.0, agents/sandbox/sandboxes/docker.py:283.
# A `close()` that closes a secondary resource in `finally`, ignoring its failure: the idiomatic
# best-effort cleanup (the same as `contextlib.suppress(Exception)`).
from typing import Any


class ExecSocket:
    def __init__(self, sock: Any, response: Any = None) -> None:
        self.sock = sock
        self.response = response

    def close(self) -> None:
        try:
            self.sock.close()
        finally:
            if self.response is not None:
                try:
                    self.response.close()
                except Exception:
                    pass
