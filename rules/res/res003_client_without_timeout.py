"""RES003 client-without-timeout."""
from __future__ import annotations

import ast
import math
from typing import TYPE_CHECKING

from ..context import call_has_arg
from ..model import Finding, Fix, Rule, Severity
from ..names import Binding
from ._session_requests import all_requests_bounded
from ..apis.timeouts import CLIENTS, ClientSpec, string_mentions

#: redis-py 8.0 gave clients 5 s socket timeouts by default.
_REDIS_BOUNDED_SINCE = (8, 0)

if TYPE_CHECKING:
    from ..fixes.document import FixDocument


class ClientWithoutTimeout(Rule):
    code = "RES003"
    name = "client-without-timeout"
    message = "`{callee}` {verb} without `{kwarg}`: {consequence}"
    severity = Severity.WARNING
    refs = ("H5", "T§6")
    cwe = ("CWE-400",)
    fix_applicability = "unsafe"
    fix_title = "Add `{kwarg}={value}`"
    callees = frozenset(CLIENTS)

    docs = """
## What it does
Checks for database, cache, broker and mail clients created without a timeout:
`redis.Redis`/`StrictRedis`/`from_url` (sync and `redis.asyncio`) without `socket_timeout`
when the project uses redis-py older than 8.0, `psycopg.connect`/`psycopg2.connect` without
`connect_timeout` (as a keyword or in the DSN), `smtplib.SMTP`/`SMTP_SSL` and
`ftplib.FTP`/`FTP_TLS` without `timeout`, `pika.ConnectionParameters` without
`socket_timeout`/`blocked_connection_timeout`, and `aiohttp.ClientSession()` without `timeout`.

An `aiohttp.ClientSession()` is not reported when every request made through it is visible and
passes its own `timeout=`: inside its `async with ... as session` block, in the function holding
it, or in the class holding `self.x = ClientSession()` (also through a private method returning
it). A session passed on or returned to other code may be used unbounded, so it still fires.

## Why is this bad?
Without a timeout these clients wait as long as the peer lets them: a Redis server that
stops answering, a database behind a dropped connection, a broker that blocks publishers.
Every worker that touches the dependency then hangs and the failure spreads to all callers
(guide: H5 "everything has a timeout"; fault-tolerance rule §6). `aiohttp.ClientSession`
does time out, but only after 300 s, far beyond any caller's patience.

redis-py's version is read from `redis-version` in `[tool.resilint]`, then the project's
pinned requirements (pyproject, `requirements*.txt`, lock files), then the environment;
when it is unknown, redis clients are not flagged. A DSN or URL held in a variable may
carry its own timeout, so only literal ones are checked. `ftplib.FTP()` without a host opens
no connection (its `connect(host, port, timeout)` takes the timeout) and is not flagged.

## Example
```python
import psycopg2
import aiohttp

conn = psycopg2.connect(host="db", dbname="app", user="app")

async def main():
    async with aiohttp.ClientSession() as session:
        ...
```

## Use instead
```python
import psycopg2
import aiohttp

conn = psycopg2.connect(host="db", dbname="app", user="app", connect_timeout=10)

async def main():
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
        ...
```

## Fix safety
The fix inserts the client's timeout keyword with `timeouts.default` (10 s unless
configured): `socket_timeout=`, `connect_timeout=`, `timeout=`,
`blocked_connection_timeout=` or `timeout=aiohttp.ClientTimeout(total=...)`. It is
**unsafe**: operations that used to wait can now raise timeout errors, and a value that is
too short for slow queries or large transfers breaks them.

## References
- [redis-py: connection timeouts](https://redis.readthedocs.io/en/stable/connections.html)
- [libpq connect_timeout](https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNECT-CONNECT-TIMEOUT)
- [smtplib.SMTP](https://docs.python.org/3/library/smtplib.html#smtplib.SMTP)
- [aiohttp: timeouts](https://docs.aiohttp.org/en/stable/client_quickstart.html#timeouts)
- Guide: H5; fault-tolerance rules §6
"""

    valid = (
        "import psycopg2\npsycopg2.connect(host='db', dbname='app', connect_timeout=5)\n",
        "import psycopg\npsycopg.connect('host=db dbname=app connect_timeout=5')\n",
        "import psycopg2\npsycopg2.connect(DATABASE_URL)\n",
        "import smtplib\nsmtplib.SMTP('mail', 25, None, 10)\n",
        "import aiohttp\nasync def main():\n    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as s:\n"
        "        await s.get('https://x')\n",
        "import pika\npika.ConnectionParameters('mq', blocked_connection_timeout=30)\n",
        "import redis\nredis.Redis(host='cache', socket_timeout=2)\n",
        "import redis\nredis.from_url(settings.REDIS_URL)\n",
        "import ftplib\nftplib.FTP('ftp.example.com', **opts)\n",
        "class Pool:\n    def connect(self): ...\nPool().connect()\n",
    )
    invalid = (
        "import psycopg2\npsycopg2.connect(host='db', dbname='app')\n",
        "import psycopg as pg\npg.connect('postgresql://app@db/app')\n",
        "from smtplib import SMTP as Mail\nwith Mail('mail.example.com') as m:\n    m.send_message(msg)\n",
        "from ftplib import FTP\nFTP('ftp.example.com')\n",
        "import pika\nparams = pika.ConnectionParameters(host='mq')\n",
        "import aiohttp\nasync def main():\n    async with aiohttp.ClientSession() as s:\n        await s.get('https://x')\n",
        "from aiohttp import ClientSession\nclass Api:\n    def __init__(self):\n"
        "        self.session = ClientSession(base_url='https://api')\n",
        "import psycopg2\npsycopg2.connect(f'host={host} dbname=app')\n",
    )

    def check_call(self, call: ast.Call, callee: Binding) -> None:
        name = callee.qualname
        assert name is not None
        spec = CLIENTS[name]
        if spec.redis:
            version = self.ctx.settings.redis_version
            if version is None or tuple(version) >= _REDIS_BOUNDED_SINCE:
                return
        if self._bounded(call, spec):
            return
        if spec is CLIENTS["aiohttp.ClientSession"] and all_requests_bounded(self.ctx, call):
            return  # every request on this session passes its own timeout=
        timeout = self.ctx.settings.options.timeouts.default
        self.report(
            call.func,
            callee=name.replace("()", ""),
            verb=spec.verb,
            kwarg=spec.kwarg,
            consequence=spec.consequence,
            value=spec.value.format(timeout=timeout, seconds=math.ceil(timeout)),
        )

    @staticmethod
    def _bounded(call: ast.Call, spec: ClientSpec) -> bool:
        """True when a timeout is (or may be) given: keyword, position, **kwargs, DSN text."""
        for kw in call.keywords:
            if kw.arg is None or kw.arg in spec.bounding or kw.arg in spec.delegates:
                return True
        if spec.position is not None and call_has_arg(call, spec.bounding[0], spec.position):
            return True
        if any(isinstance(a, ast.Starred) for a in call.args):
            return True
        if spec.lazy_without_host and not call.args and not any(kw.arg == "host" for kw in call.keywords):
            return True  # no connection yet: `.connect(host, port, timeout)` may bound it
        if spec.dsn is not None:
            index, names, needle = spec.dsn
            dsn: ast.AST | None = call.args[index] if len(call.args) > index else None
            if dsn is None:
                for kw in call.keywords:
                    if kw.arg in names:
                        dsn = kw.value
            if dsn is not None:
                mentioned = string_mentions(dsn, needle)
                # Unknown text (a variable, env, a call) may carry the timeout: stay silent.
                return mentioned is None or mentioned
        return False

    @classmethod
    def make_fix(cls, finding: Finding, doc: "FixDocument") -> Fix | None:
        from ..fixes.transforms import code_numbers, keyword_fix

        value = code_numbers(finding.data["value"])  # "10.0" / "aiohttp.ClientTimeout(total=10.0)"
        imports = [("aiohttp", "ClientTimeout")] if value.startswith("aiohttp.ClientTimeout(") else []
        value = "{0}" + value[len("aiohttp.ClientTimeout"):] if imports else value
        return keyword_fix(finding, doc, finding.data["kwarg"], value, "unsafe", imports=imports)
