"""RES030 blocking-call-in-async."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ..model import Confidence, Finding, Fix, Rule, Severity
from ..names import Binding
from ..apis.http import BLOCKING_CALLS
from ._terminal import asks_user

if TYPE_CHECKING:
    from ..fixes.document import FixDocument


class BlockingCallInAsync(Rule):
    code = "RES030"
    name = "blocking-call-in-async"
    message = (
        "`{callee}` blocks the event loop inside `async def`: every other task on the loop "
        "stalls until it returns"
    )
    severity = Severity.WARNING
    refs = ("P4", "P5", "C4")
    fix_applicability = "unsafe"
    fix_title = "Use `await asyncio.sleep(...)` / wrap in `await asyncio.to_thread(...)`"
    callees = BLOCKING_CALLS

    docs = """
## What it does
Checks for synchronous, blocking calls made directly inside an `async def`: `requests`
functions and building or using a `requests.Session`, `urllib.request.urlopen`, `time.sleep`,
`subprocess.run/call/check_call/check_output`, `socket.create_connection`,
`psycopg2.connect`, module-level `httpx.get/post/...`, the I/O methods of a sync
`requests.Session` / `httpx.Client` (`close()` included: it joins the pool's sockets), `os.system`,
`os.popen`, `subprocess.getoutput/getstatusoutput` and `urllib3`'s request methods. A client
known by its annotation (`async def f(c: httpx.Client)`) counts like one built in place.

## Why is this bad?
An event loop runs one thing at a time. A blocking call inside a coroutine freezes the whole
loop: every other request, heartbeat and timeout on it waits until the call returns, so one
slow dependency turns into latency for every user of the process (guide: P4 latency is the
backend's UX, P5 capacity is design; C4 latency explodes → queues grow → timeouts). A call made inside a nested
sync `def` or a `lambda`, or handed (not called) to `asyncio.to_thread`/`run_in_executor`,
runs in a worker thread and is not flagged.

## Example
```python
import time

import requests

async def refresh(url):
    time.sleep(1)
    return requests.get(url, timeout=5).json()
```

## Use instead
```python
import asyncio

import httpx

async def refresh(url):
    await asyncio.sleep(1)
    async with httpx.AsyncClient(timeout=5) as client:
        return (await client.get(url)).json()
```
or, to keep a sync library, `await asyncio.to_thread(requests.get, url, timeout=5)`.

## Fix safety
The fix replaces `time.sleep(x)` with `await asyncio.sleep(x)` and wraps other calls as
`await asyncio.to_thread(func, *args, **kwargs)` (adding `import asyncio` if missing). It is
**unsafe**: the call then runs in a worker thread (thread-safety of the callee, context
variables and cancellation behave differently) and other tasks run while it waits.

## References
- [asyncio: Running blocking code](https://docs.python.org/3/library/asyncio-dev.html#running-blocking-code)
- [asyncio.to_thread](https://docs.python.org/3/library/asyncio-task.html#asyncio.to_thread)
- Guide: P4, P5, C4
"""

    review_tier = """
- a blocking call in a coroutine that itself reads from the terminal (`input()`,
  `getpass.getpass()`): it already blocks its event loop on the person typing, so it is a terminal
  program's main coroutine with nothing else running on the loop (open-interpreter's OS mode:
  `time.sleep(0.5)` between welcome messages, then `input("> ")`). Whether tasks run beside it
  needs a human look.
"""

    review_examples = (
        "import time\nasync def main():\n    print('Welcome')\n    time.sleep(0.5)\n    key = input('API key: ')\n",
    )

    valid = (
        'import httpx\nasync def f(c: httpx.AsyncClient, u):\n    return await c.get(u)\n',
        "import subprocess\ndef f():\n    return subprocess.getoutput('ls')\n",
        "import time\ndef wait():\n    time.sleep(1)\n",
        "import asyncio\nasync def wait():\n    await asyncio.sleep(1)\n",
        "import asyncio, requests\nasync def f(u):\n    return await asyncio.to_thread(requests.get, u, timeout=5)\n",
        "import asyncio, requests\nasync def f(u):\n    loop = asyncio.get_running_loop()\n"
        "    return await loop.run_in_executor(None, lambda: requests.get(u, timeout=5))\n",
        "import time\nasync def f():\n    def work():\n        time.sleep(1)\n    return work\n",
        "import httpx\nasync def f(u):\n    async with httpx.AsyncClient() as c:\n        return await c.get(u)\n",
        "class Session:\n    def get(self, u): ...\nasync def f(u):\n    return Session().get(u)\n",
        "async def f(sleep):\n    sleep(1)\n",
    )
    invalid = (
        'import httpx\nasync def f(c: httpx.Client, u):\n    return c.get(u)\n',
        'import requests\nasync def f(s: requests.Session):\n    s.close()\n',
        "import os\nasync def f():\n    os.system('ls')\n",
        "import subprocess\nasync def f():\n    return subprocess.getstatusoutput('ls')\n",
        "import urllib3\nasync def f(u):\n    return urllib3.PoolManager().request('GET', u)\n",
        "import urllib3\nasync def f(u):\n    return urllib3.request('GET', u)\n",
        "import time\nasync def f():\n    time.sleep(1)\n",
        "import requests as r\nasync def f(u):\n    return r.get(u, timeout=5)\n",
        "from time import sleep as pause\nasync def f():\n    pause(0.5)\n",
        "import requests\nasync def f(u):\n    with requests.Session() as s:\n        return s.get(u, timeout=5)\n",
        "import httpx\nasync def f(u):\n    return httpx.post(u, json={})\n",
        "import httpx\nasync def f(u):\n    with httpx.Client() as c:\n        return c.get(u)\n",
        "import subprocess\nasync def f():\n    subprocess.run(['ls'], timeout=5)\n",
        "import requests\nclass A:\n    def __init__(self):\n        self.s = requests.Session()\n"
        "    async def go(self, u):\n        return self.s.get(u, timeout=5)\n",
        "from urllib.request import urlopen\nasync def f(u):\n    return urlopen(u, timeout=5)\n",
    )

    def check_call(self, call: ast.Call, callee: Binding) -> None:
        if not self.ctx.in_async_function():
            return
        name = callee.qualname
        assert name is not None
        # A coroutine that itself waits on `input()` already blocks its loop on the person at the
        # terminal: a terminal program's main coroutine, with nothing else on the loop (review tier).
        review = asks_user(self.ctx)
        self.report(call.func, confidence=Confidence.MEDIUM if review else None, callee=name.replace("()", ""))

    @classmethod
    def make_fix(cls, finding: Finding, doc: "FixDocument") -> Fix | None:
        from ..fixes.transforms import await_fix

        if finding.data["callee"] == "time.sleep":
            return await_fix(finding, doc, "asyncio", "sleep", "unsafe")
        return await_fix(finding, doc, "asyncio", "to_thread", "unsafe", thread=True)
