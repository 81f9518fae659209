"""Shared tables of outbound-call APIs used by several RES rules (one place for the names)."""
from __future__ import annotations

HTTP_VERBS = ("get", "post", "put", "patch", "delete", "head", "options", "request")

REQUESTS_SESSIONS = ("requests.Session()", "requests.session()", "requests.sessions.Session()")

#: requests module-level functions.
REQUESTS_FUNCTIONS = frozenset(
    [f"requests.{v}" for v in HTTP_VERBS] + [f"requests.api.{v}" for v in HTTP_VERBS]
)
#: requests.Session methods called on an instance.
REQUESTS_SESSION_METHODS = frozenset(f"{s}.{v}" for s in REQUESTS_SESSIONS for v in (*HTTP_VERBS, "send"))

HTTPX_FUNCTIONS = frozenset([f"httpx.{v}" for v in HTTP_VERBS] + ["httpx.stream"])
HTTPX_CLIENTS = ("httpx.Client", "httpx.AsyncClient")
HTTPX_SYNC_CLIENT_METHODS = frozenset(f"httpx.Client().{v}" for v in (*HTTP_VERBS, "send", "stream"))

#: Qualified names whose positional argument at the given index is the timeout.
TIMEOUT_POSITIONS: dict[str, int | None] = {
    "urllib.request.urlopen": 2,
    "http.client.HTTPConnection": 2,
    "http.client.HTTPSConnection": 4,
    "socket.create_connection": 1,
    "urllib3.PoolManager": None,
    "urllib3.request": None,
    "urllib3.poolmanager.PoolManager": None,
}

#: Calls that block an event loop when made from `async def` (RES030).
BLOCKING_CALLS = frozenset(
    {
        *REQUESTS_FUNCTIONS,
        *REQUESTS_SESSION_METHODS,
        *HTTPX_FUNCTIONS,
        *HTTPX_SYNC_CLIENT_METHODS,
        "requests.Session",
        "requests.session",
        "urllib.request.urlopen",
        "time.sleep",
        "subprocess.run",
        "subprocess.call",
        "subprocess.check_call",
        "subprocess.check_output",
        "socket.create_connection",
        "psycopg2.connect",
        # Catalog, second round: the rest of a sync client's I/O (closing a pool joins its
        # sockets), shell helpers and urllib3's request methods.
        *(f"{s}.{m}" for s in REQUESTS_SESSIONS for m in ("close", "request")),
        "httpx.Client().close",
        "os.system",
        "os.popen",
        "subprocess.getoutput",
        "subprocess.getstatusoutput",
        "urllib3.request",
        *(f"{p}().{m}" for p in ("urllib3.PoolManager", "urllib3.poolmanager.PoolManager",
                                 "urllib3.HTTPConnectionPool", "urllib3.HTTPSConnectionPool")
          for m in ("request", "urlopen", "request_encode_url", "request_encode_body")),
    }
)
