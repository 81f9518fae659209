"""Which resolved calls do outbound I/O whose failure matters (RES021's default tier).

Built from the tables the timeout rules already keep (HTTP clients, subprocesses, DB / cache /
broker / mail clients, LLM clients), so one list of libraries serves every rule. A qualified name
counts when it is one of those calls, or a method called on an instance of one of those clients
(`redis.Redis().set`, `httpx.AsyncClient().post`, `http.client.HTTPConnection().request`).
"""
from __future__ import annotations

from .http import BLOCKING_CALLS, HTTP_VERBS, HTTPX_FUNCTIONS, REQUESTS_FUNCTIONS, TIMEOUT_POSITIONS
from .timeouts import CLIENTS, HTTPX_CLIENT_METHODS, LLM_CLIENTS, SUBPROCESS_TIMEOUTS

#: Calls that are themselves the I/O.
_CALLS = frozenset(
    {
        *(c for c in BLOCKING_CALLS if c != "time.sleep"),  # sleeping is not I/O that can fail
        *REQUESTS_FUNCTIONS,
        *HTTPX_FUNCTIONS,
        *HTTPX_CLIENT_METHODS,
        *SUBPROCESS_TIMEOUTS,
        "subprocess.Popen",
        *TIMEOUT_POSITIONS,
        *CLIENTS,
        "litellm.completion",
        "litellm.acompletion",
        "smtplib.SMTP().sendmail",
        "smtplib.SMTP().send_message",
        "shutil.copy", "shutil.copy2", "shutil.copyfile", "shutil.copytree", "shutil.move",
        "os.replace", "os.rename",
    }
)

#: Instances whose every method call is I/O (`<constructor>().<method>`).
_INSTANCE_PREFIXES = tuple(
    f"{c}()." for c in (*CLIENTS, *LLM_CLIENTS, *TIMEOUT_POSITIONS, "socket.socket", "subprocess.Popen",
                        "http.client.HTTPConnection", "http.client.HTTPSConnection")
)
_AIOHTTP_REQUESTS = frozenset(
    f"{s}().{v}" for s in ("aiohttp.ClientSession", "aiohttp.client.ClientSession") for v in (*HTTP_VERBS, "ws_connect")
)


def is_outbound_io(qualname: str | None) -> bool:
    """True for a call that talks to a network peer, a database, a child process or moves files."""
    if not qualname:
        return False
    if qualname in _CALLS or qualname in _AIOHTTP_REQUESTS:
        return True
    return qualname.startswith(_INSTANCE_PREFIXES)
