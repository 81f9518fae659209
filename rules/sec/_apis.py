"""Tables of APIs shared by the SEC rules (one place for the names)."""
from __future__ import annotations

from ..apis.http import HTTP_VERBS, HTTPX_FUNCTIONS, REQUESTS_FUNCTIONS, REQUESTS_SESSIONS

HTTPX_CLIENT_INSTANCES = ("httpx.Client()", "httpx.AsyncClient()")
HTTPX_CLIENT_METHODS = frozenset(
    f"{c}.{v}" for c in HTTPX_CLIENT_INSTANCES for v in (*HTTP_VERBS, "stream", "send")
)
REQUESTS_SESSION_CALLS = frozenset(f"{s}.{v}" for s in REQUESTS_SESSIONS for v in (*HTTP_VERBS, "send", "merge_environment_settings"))

AIOHTTP_SESSIONS = ("aiohttp.ClientSession()", "aiohttp.client.ClientSession()")
AIOHTTP_METHODS = frozenset(
    f"{s}.{v}" for s in AIOHTTP_SESSIONS for v in (*HTTP_VERBS, "ws_connect", "_request")
)
AIOHTTP_FUNCTIONS = frozenset({"aiohttp.request", "aiohttp.TCPConnector", "aiohttp.connector.TCPConnector"})

URLLIB3 = frozenset({
    "urllib3.request", "urllib3.PoolManager().request", "urllib3.PoolManager().urlopen",
})

#: Outbound HTTP calls: qualname -> index of the positional URL argument.
OUTBOUND_HTTP_URL_POSITION: dict[str, int] = {
    **{name: 0 for name in REQUESTS_FUNCTIONS if not name.endswith("request")},
    "requests.request": 1,
    "requests.api.request": 1,
    **{name: 0 for name in HTTPX_FUNCTIONS if not name.endswith(("request", "stream"))},
    "httpx.request": 1,
    "httpx.stream": 1,
    **{
        f"{s}.{v}": (1 if v in ("request", "stream") else 0)
        for s in (*REQUESTS_SESSIONS, *HTTPX_CLIENT_INSTANCES, *AIOHTTP_SESSIONS)
        for v in (*HTTP_VERBS, "stream")
    },
    "aiohttp.request": 1,
    "urllib.request.urlopen": 0,
    "urllib.request.Request": 0,
    "urllib3.request": 1,
    "urllib3.PoolManager().request": 1,
}
