# From openai-agents 0.24.0, agents/extensions/sandbox/cloudflare/sandbox.py:459.
# The shared session has no session-wide timeout, but every request made through it passes
# an explicit per-request `timeout=`, so no request can wait for aiohttp's 300 s default.
import aiohttp


class Sandbox:
    def __init__(self, base_url: str, request_timeout_s: float = 30.0) -> None:
        self._base_url = base_url
        self._request_timeout_s = request_timeout_s
        self._http: aiohttp.ClientSession | None = None

    def _session(self) -> aiohttp.ClientSession:
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession(headers={"Authorization": "Bearer t"})
        return self._http

    def _request_timeout(self) -> aiohttp.ClientTimeout:
        return aiohttp.ClientTimeout(total=self._request_timeout_s)

    async def exec(self, command: str) -> dict:
        http = self._session()
        async with http.post(f"{self._base_url}/exec", json={"cmd": command},
                             timeout=self._request_timeout()) as resp:
            return await resp.json()

    async def read(self, path: str) -> bytes:
        http = self._session()
        async with http.get(f"{self._base_url}/file", params={"path": path},
                            timeout=self._request_timeout()) as resp:
            return await resp.read()


# The same in a per-call session: langchain-community 0.4.2, langchain_community/utilities/powerbi.py:240.
async def run_dax(url: str, payload: dict) -> dict:
    async with aiohttp.ClientSession() as session:
        async with session.post(url, json=payload, timeout=aiohttp.ClientTimeout(total=10)) as response:
            return await response.json()
