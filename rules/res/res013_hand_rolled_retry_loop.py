"""RES013 hand-rolled-retry-loop."""
from __future__ import annotations

import ast

from ..model import Rule, Severity
from ..apis.http import HTTPX_FUNCTIONS, REQUESTS_FUNCTIONS, REQUESTS_SESSION_METHODS
from ..context import loop_header_span
from ._retry import shown

#: Module-level functions that do network / database / LLM I/O.
_IO_FUNCTIONS = frozenset(
    {
        *REQUESTS_FUNCTIONS,
        *HTTPX_FUNCTIONS,
        "aiohttp.request",
        "urllib.request.urlopen",
        "urllib3.request",
        "socket.create_connection",
        "socket.getaddrinfo",
        "psycopg.connect",
        "psycopg.AsyncConnection.connect",
        "psycopg2.connect",
        "sqlite3.connect",
        "pymongo.MongoClient",
        "openai.ChatCompletion.create",
        "openai.Completion.create",
        "openai.Embedding.create",
        *REQUESTS_SESSION_METHODS,
    }
)
#: Instances (spelled with `()`) whose methods do I/O.
_IO_INSTANCES = (
    "requests.Session().",
    "requests.session().",
    "requests.sessions.Session().",
    "httpx.Client().",
    "httpx.AsyncClient().",
    "aiohttp.ClientSession().",
    "urllib3.PoolManager().",
    "urllib3.poolmanager.PoolManager().",
    "http.client.HTTPConnection().",
    "http.client.HTTPSConnection().",
    "psycopg.connect().",
    "psycopg.AsyncConnection.connect().",
    "psycopg2.connect().",
    "sqlite3.connect().",
    "redis.Redis().",
    "redis.StrictRedis().",
    "redis.from_url().",
    "redis.Redis.from_url().",
    "redis.asyncio.Redis().",
    "redis.asyncio.from_url().",
    "redis.asyncio.Redis.from_url().",
    "pymongo.MongoClient().",
    "sqlalchemy.create_engine().",
    "sqlalchemy.ext.asyncio.create_async_engine().",
    "sqlalchemy.orm.Session().",
    "sqlalchemy.orm.sessionmaker()().",
    "openai.OpenAI().",
    "openai.AsyncOpenAI().",
    "openai.AzureOpenAI().",
    "openai.AsyncAzureOpenAI().",
    "anthropic.Anthropic().",
    "anthropic.AsyncAnthropic().",
    "openai.chat.",
    "openai.completions.",
    "openai.embeddings.",
    "openai.responses.",
)
#: Socket methods that open an outbound connection (accept/recv loops are servers and readers).
_SOCKET_CONNECTS = frozenset({"socket.socket().connect", "socket.socket().connect_ex"})
#: Methods on those instances that do no I/O, or that are blocking consumer reads (a loop
#: around them is a consumer loop, not a retry).
_NO_IO_METHODS = frozenset(
    {
        "close", "mount", "cursor", "setblocking", "settimeout", "fileno", "pipeline", "pubsub",
        "blpop", "brpop", "brpoplpush", "blmove", "bzpopmin", "bzpopmax", "xread", "xreadgroup",
        "get_message", "listen", "subscribe", "psubscribe", "watch",
    }
)
#: Words naming an unresolved helper that may sleep; "next_attempt"/"before_retry": a retry
#: policy's hook run between attempts (slack-sdk `prepare_for_next_attempt[_async]`).
_WAIT_WORDS = ("sleep", "wait", "backoff", "delay", "pause", "next_attempt", "before_retry")
_SLEEPS = frozenset({"time.sleep", "asyncio.sleep", "trio.sleep", "anyio.sleep", "gevent.sleep"})
_RANDOM_PREFIXES = ("random.", "secrets.", "numpy.random.", "os.urandom")
#: Calls whose value is a plain function of their arguments.
_PURE = frozenset(
    {"builtins.min", "builtins.max", "builtins.float", "builtins.int", "builtins.abs", "builtins.round", "builtins.pow"}
)
_STOP = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_LOOPS = (ast.For, ast.AsyncFor, ast.While)

RANDOM, FIXED, GROWING, UNKNOWN = "random", "fixed", "growing", "unknown"


def _terminates(body: list[ast.stmt]) -> bool:
    """True when a block always leaves the loop (raise/return/break)."""
    if not body:
        return False
    last = body[-1]
    if isinstance(last, (ast.Raise, ast.Return, ast.Break)):
        return True
    if isinstance(last, ast.If):
        return _terminates(last.body) and _terminates(last.orelse)
    return False


def _local_walk(nodes: list[ast.AST]):
    """Nodes under `nodes`, not entering nested functions or classes."""
    stack = list(nodes)
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, _STOP):
                stack.append(child)


def _tries(body: list[ast.stmt]):
    """`try` statements of one loop body (inside if/with/else blocks, not nested loops)."""
    stack = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Try, getattr(ast, "TryStar", ast.Try))):
            yield node
        elif isinstance(node, ast.If):
            stack.extend(node.body)
            stack.extend(node.orelse)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            stack.extend(node.body)


class HandRolledRetryLoop(Rule):
    code = "RES013"
    name = "hand-rolled-retry-loop"
    message = "Hand-rolled retry loop around `{callee}` {detail}: clients retrying in lockstep hammer a dependency while it is trying to recover"
    severity = Severity.WARNING
    refs = ("RF2", "C1", "T§5")
    fix_applicability = None
    fix_title = None

    docs = """
## What it does
Checks for loops that retry the same network, database or LLM call by hand: a `while` loop,
or `for attempt in range(n)` whose variable is not the item the call acts on, with a `try`
around the call and an `except` that goes on to the next iteration (`continue`, `pass`, or
falling through), and either no sleep between attempts or a `time.sleep`/`asyncio.sleep`
whose delay has no randomness (a constant, or one that grows with the attempt but has no
jitter). Calls are resolved by qualified name: `requests`, `httpx`, `aiohttp`, `urllib`,
`socket` connects, psycopg/psycopg2/sqlite3/redis/pymongo/SQLAlchemy clients, OpenAI/Anthropic
clients, plus the configured `http-wrappers`. `for url in urls: try/except: continue` is
not a retry loop. A call to an unresolved helper whose name says it waits (`sleep`, `wait`,
`backoff`, `delay`, `pause`) or runs between attempts (`next_attempt`, `before_retry`, as a
retry handler's `prepare_for_next_attempt_async()`) may sleep with backoff: the loop is not
reported.

## Why is this bad?
Hand-written retry loops nearly always retry immediately or on a fixed beat. When a
dependency slows down, every client retries at the same moments, multiplying the load
exactly when the service needs less of it; the loop also tends to retry every exception,
bugs included (guide: RF2, C1; fault-tolerance rules §5).

## Example
```python
import time
import requests

def fetch_orders(customer_id):
    for attempt in range(5):
        try:
            resp = requests.get(f"https://orders.internal/{customer_id}", timeout=5)
            resp.raise_for_status()
            return resp.json()
        except requests.RequestException:
            time.sleep(1)
    raise RuntimeError("orders service unavailable")
```

## Use instead
```python
import requests
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential_jitter

@retry(
    stop=stop_after_attempt(5),
    wait=wait_exponential_jitter(max=10),
    retry=retry_if_exception_type(requests.RequestException),
    reraise=True,
)
def fetch_orders(customer_id):
    resp = requests.get(f"https://orders.internal/{customer_id}", timeout=5)
    resp.raise_for_status()
    return resp.json()
```

## Fix safety
No fix. Rewriting a hand-rolled loop into a tenacity-decorated helper means moving the loop
body (its local variables, `break`/`return` values and whatever the `except` branch does:
logging, counters, cleanup) into a new function; that cannot be done safely in general, so
resilint only reports it. Use the "Retry with tenacity" refactor on the call (or the tenacity
snippet) and delete the loop by hand.

## References
- [tenacity](https://tenacity.readthedocs.io/en/latest/)
- [AWS Architecture Blog: Exponential Backoff And Jitter](https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/)
- Guide: RF2, C1; fault-tolerance rules §5
"""

    valid = (
        "import requests\nfor url in urls:\n    try:\n        requests.get(url, timeout=5)\n    except requests.RequestException:\n        continue\n",
        "import random, time, requests\nfor attempt in range(5):\n    try:\n        requests.get(URL, timeout=5)\n        break\n"
        "    except requests.RequestException:\n        time.sleep(2 ** attempt + random.random())\n",
        "import requests\nfor attempt in range(3):\n    try:\n        requests.get(URL, timeout=5)\n    except requests.RequestException:\n        raise\n",
        "import time\nwhile True:\n    try:\n        client.get(URL)\n        break\n    except OSError:\n        time.sleep(1)\n",
        "import requests as r, time\nfor i in range(len(urls)):\n    try:\n        r.get(urls[i], timeout=5)\n    except r.RequestException:\n        time.sleep(1)\n",
        "import asyncio, random, httpx\nasync def f(c: httpx.AsyncClient):\n    delay = 1\n    while True:\n        try:\n"
        "            return await httpx.AsyncClient().get(URL)\n        except httpx.HTTPError:\n"
        "            await asyncio.sleep(delay + random.uniform(0, 1))\n            delay *= 2\n",
        "import time, requests\ndef f(url, backoff):\n    for attempt in range(3):\n        try:\n            return requests.get(url, timeout=5)\n"
        "        except requests.RequestException:\n            time.sleep(backoff.next())\n",
    )
    invalid = (
        "import requests\nfor attempt in range(5):\n    try:\n        requests.get(URL, timeout=5)\n        break\n    except requests.RequestException:\n        continue\n",
        "import time\nimport requests as r\nwhile True:\n    try:\n        r.post(URL, json={}, timeout=5)\n        break\n    except r.RequestException:\n        time.sleep(5)\n",
        "import time\nfrom httpx import Client as C\nc = C()\nfor _ in range(3):\n    try:\n        resp = c.get(URL)\n        resp.raise_for_status()\n        break\n"
        "    except Exception:\n        time.sleep(2 ** _)\n",
        "import asyncio, httpx\nasync def f():\n    async with httpx.AsyncClient() as client:\n        while True:\n            try:\n"
        "                return await client.get(URL)\n            except httpx.HTTPError:\n                await asyncio.sleep(1)\n",
        "import psycopg2, time\nclass Repo:\n    def __init__(self):\n        self.conn = psycopg2.connect(DSN)\n    def load(self):\n"
        "        while True:\n            try:\n                cur = self.conn.execute('select 1')\n                return cur\n"
        "            except psycopg2.OperationalError:\n                pass\n",
        "from openai import OpenAI\nclient = OpenAI()\ndef ask(q):\n    for attempt in range(3):\n        try:\n"
        "            return client.chat.completions.create(model='m', messages=q)\n        except Exception as exc:\n            last = exc\n",
    )

    def visit_For(self, node: ast.For | ast.AsyncFor) -> None:
        it = node.iter
        if not (isinstance(it, ast.Call) and isinstance(it.func, (ast.Name, ast.Attribute))):
            return
        if self.ctx.qualname(it.func) not in ("builtins.range", "itertools.count"):
            return
        target = {node.target.id} if isinstance(node.target, ast.Name) else None
        if target is None:
            return
        self._check(node, target)

    visit_AsyncFor = visit_For

    def visit_While(self, node: ast.While) -> None:
        self._check(node, set())

    # ------------------------------------------------------------------------------
    def _check(self, loop: ast.For | ast.AsyncFor | ast.While, loop_vars: set[str]) -> None:
        tries = [t for t in _tries(loop.body) if any(not _terminates(h.body) for h in t.handlers)]
        if not tries:
            return
        outside = self._assigned_outside(loop.body, tries) | loop_vars
        callee = None
        for t in tries:
            callee = self._io_call(t.body, outside)
            if callee is not None:
                break
        if callee is None:
            return
        sleep = self._sleep_kind(loop)
        if sleep is None:
            detail = "with no sleep between attempts"
        elif sleep == FIXED:
            detail = "with a fixed sleep and no jitter"
        elif sleep == GROWING:
            detail = "with a growing sleep but no jitter"
        else:
            return
        self.report(loop_header_span(self.ctx, loop), callee=shown(callee), detail=detail)

    def _io_call(self, body: list[ast.stmt], outside: set[str]) -> str | None:
        """The first network/DB/LLM call in a `try` body (None if it acts on the loop's item)."""
        wrappers = self.ctx.settings.options.http_wrappers
        found: list[tuple[tuple[int, int, int, int], str]] = []
        for node in _local_walk(body):
            if not isinstance(node, ast.Call) or isinstance(node.func, (ast.Lambda, ast.Call)):
                continue
            name = self.ctx.qualname(node.func)
            if name is None or not self._is_io(name, wrappers):
                continue
            if outside and self._uses(node, outside):
                return None  # the call acts on the item of this iteration: not a retry
            key = (node.lineno, node.col_offset, node.end_lineno or 0, node.end_col_offset or 0)
            found.append((key, name))
        return min(found)[1] if found else None

    @staticmethod
    def _is_io(name: str, wrappers: list[str]) -> bool:
        if name in _IO_FUNCTIONS or name in _SOCKET_CONNECTS:
            return True
        if wrappers and any(name == w or name.startswith(w + ".") for w in wrappers):
            return True
        if name.startswith(_IO_INSTANCES):
            return name.rsplit(".", 1)[-1] not in _NO_IO_METHODS
        return False

    @staticmethod
    def _uses(call: ast.Call, names: set[str]) -> bool:
        for arg in [*call.args, *(k.value for k in call.keywords)]:
            for node in ast.walk(arg):
                if isinstance(node, ast.Name) and node.id in names:
                    return True
        return False

    @staticmethod
    def _assigned_outside(body: list[ast.stmt], tries: list[ast.AST]) -> set[str]:
        """Names (re)bound in the loop body outside the `try` statements."""
        skip = {id(t) for t in tries}
        names: set[str] = set()
        stack: list[ast.AST] = list(body)
        while stack:
            node = stack.pop()
            if id(node) in skip or isinstance(node, _STOP):
                continue
            if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.For, ast.AsyncFor, ast.NamedExpr)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for tgt in targets:
                    for n in ast.walk(tgt):
                        if isinstance(n, ast.Name):
                            names.add(n.id)
            stack.extend(ast.iter_child_nodes(node))
        return names

    # ----- sleeps -------------------------------------------------------------------
    def _sleep_kind(self, loop: ast.AST) -> str | None:
        """None (no sleep), or the most favourable kind of the loop's sleeps."""
        kinds: list[str] = []
        for node in _local_walk(loop.body):  # type: ignore[attr-defined]
            if not isinstance(node, ast.Call):
                continue
            name = self.ctx.qualname(node.func)
            if name in _SLEEPS:
                arg = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg in ("secs", "seconds", "delay")), None)
                kinds.append(FIXED if arg is None else self._delay_kind(arg, loop, set()))
            elif self._looks_like_wait(node.func, name):
                kinds.append(UNKNOWN)
        if not kinds:
            return None
        for kind in (RANDOM, UNKNOWN, GROWING):
            if kind in kinds:
                return kind
        return FIXED

    @staticmethod
    def _looks_like_wait(func: ast.expr, name: str | None) -> bool:
        """An unresolved helper that may well sleep (`self._backoff(n)`, `wait(n)`, a retry policy's
        `handler.prepare_for_next_attempt(...)`): stay silent."""
        if name is not None:
            if name.startswith("asyncio."):  # wait_for / wait / timeout are not sleeps
                return False
            last = name.rsplit(".", 1)[-1]
        elif isinstance(func, ast.Attribute):
            last = func.attr
        elif isinstance(func, ast.Name):
            last = func.id
        else:
            return False
        last = last.lower()
        return any(word in last for word in _WAIT_WORDS)

    def _delay_kind(self, expr: ast.expr, loop: ast.AST, seen: set[str]) -> str:
        """RANDOM / GROWING / FIXED / UNKNOWN for a sleep's delay expression."""
        if isinstance(expr, ast.Constant):
            return FIXED if isinstance(expr.value, (int, float)) else UNKNOWN
        if isinstance(expr, ast.UnaryOp):
            return self._delay_kind(expr.operand, loop, seen)
        if isinstance(expr, ast.BinOp):
            return _combine([self._delay_kind(expr.left, loop, seen), self._delay_kind(expr.right, loop, seen)])
        if isinstance(expr, ast.Call):
            name = self.ctx.qualname(expr.func)
            if name is not None and name.startswith(_RANDOM_PREFIXES):
                return RANDOM
            if name in _PURE or (name is not None and name.startswith("math.")):
                if any(isinstance(a, ast.Starred) for a in expr.args) or expr.keywords:
                    return UNKNOWN
                return _combine([self._delay_kind(a, loop, seen) for a in expr.args])
            return UNKNOWN
        if isinstance(expr, ast.Name):
            return self._name_kind(expr.id, loop, seen)
        return UNKNOWN

    def _name_kind(self, name: str, loop: ast.AST, seen: set[str]) -> str:
        if name in seen:
            return GROWING
        seen = seen | {name}
        if isinstance(loop, (ast.For, ast.AsyncFor)) and isinstance(loop.target, ast.Name) and loop.target.id == name:
            return GROWING
        fn = self.ctx.function
        if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            body: list[ast.AST] = list(fn.body)
            params = {a.arg for a in (*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs)}
            if name in params:
                return UNKNOWN
        elif fn is None:
            # Module level: the statements that bound the name so far (the scope's binders) and the
            # loop itself, not the module's body, which the incremental walk must never read.
            body = [stmt for stmt, _direct in self.ctx.scopes[0].binders.get(name, ())]
            body.append(loop)
        else:
            return UNKNOWN
        values: list[tuple[ast.expr, bool]] = []
        for node in _local_walk(body):
            if isinstance(node, ast.Assign):
                if any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
                    values.append((node.value, False))
                elif any(name in {n.id for n in ast.walk(t) if isinstance(n, ast.Name)} for t in node.targets):
                    return UNKNOWN
            elif isinstance(node, (ast.AnnAssign, ast.AugAssign)) and isinstance(node.target, ast.Name) and node.target.id == name:
                if node.value is None:
                    continue
                values.append((node.value, isinstance(node, ast.AugAssign)))
            elif isinstance(node, (ast.For, ast.AsyncFor, ast.With, ast.AsyncWith, ast.NamedExpr)) and node is not loop:
                if isinstance(node, (ast.With, ast.AsyncWith)):
                    tgts = [i.optional_vars for i in node.items if i.optional_vars is not None]
                else:
                    tgts = [node.target]
                if any(name in {n.id for n in ast.walk(t) if isinstance(n, ast.Name)} for t in tgts):
                    return UNKNOWN
        if not values:
            if fn is not None:
                return self._module_constant(name)
            return UNKNOWN
        kinds = [self._delay_kind(v, loop, seen) for v, _ in values]
        if any(aug for _, aug in values) or len(values) > 1:
            kinds.append(GROWING)
        return _combine(kinds)

    def _module_constant(self, name: str) -> str:
        """A module-level `NAME = <number>` assigned once is a constant."""
        found: list[ast.expr] = []
        # Called from function bodies only: the module-level walk is over, the table is complete.
        for stmt in self.ctx.module_statements(name):
            if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in stmt.targets):
                found.append(stmt.value)
            elif isinstance(stmt, ast.AnnAssign) and stmt.value:
                found.append(stmt.value)
        if len(found) == 1 and isinstance(found[0], ast.Constant) and isinstance(found[0].value, (int, float)):
            return FIXED
        return UNKNOWN


def _combine(kinds: list[str]) -> str:
    if RANDOM in kinds:
        return RANDOM
    if UNKNOWN in kinds or not kinds:
        return UNKNOWN
    if GROWING in kinds:
        return GROWING
    return FIXED
