"""Tables of timeout-taking APIs for RES002/RES003/RES004 (extends `_http.py`, which stays read-only).

Candidates to move into the engine's shared tables: `SUBPROCESS_TIMEOUTS`, `LLM_CLIENTS` (LLM001 needs
the same names), `CLIENTS` and `string_mentions`.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass

from .http import (
    HTTP_VERBS,
    HTTPX_FUNCTIONS,
    REQUESTS_FUNCTIONS,
    REQUESTS_SESSION_METHODS,
    TIMEOUT_POSITIONS,
)

# ----- RES004: subprocess ---------------------------------------------------------------------
#: qualname -> positional index of `timeout` (None: keyword-only).
SUBPROCESS_TIMEOUTS: dict[str, int | None] = {
    "subprocess.run": None,
    "subprocess.call": None,
    "subprocess.check_call": None,
    "subprocess.check_output": None,
    # Popen.communicate(input=None, timeout=None), Popen.wait(timeout=None)
    "subprocess.Popen().communicate": 1,
    "subprocess.Popen().wait": 0,
}


# ----- RES003: DB / cache / broker / mail clients -------------------------------------------------
@dataclass(frozen=True)
class ClientSpec:
    #: keyword the fix inserts and the message names.
    kwarg: str
    #: keywords any of which bounds the client (their `None` is RES002's).
    bounding: tuple[str, ...]
    #: positional index of the timeout argument, if the signature takes one.
    position: int | None
    #: what the consequence clause of the message says.
    consequence: str
    #: where a DSN/URL may carry the timeout: (positional index, keyword names, text to look for).
    dsn: tuple[int, tuple[str, ...], str] | None = None
    #: keywords that hand the client a pre-built pool/connection carrying its own timeouts.
    delegates: tuple[str, ...] = ()
    #: True for redis-py clients (only fire when redis-py < 8 is known).
    redis: bool = False
    #: the inserted value: a template with {timeout} (the configured default) or {seconds} (it, as an int).
    value: str = "{timeout}"
    #: "created" for constructors, "called" for connect functions (the message's verb).
    verb: str = "created"
    #: True when a call without a host opens no connection (`FTP()` then `.connect(host, port, timeout)`).
    lazy_without_host: bool = False


_REDIS = ClientSpec(
    kwarg="socket_timeout",
    bounding=("socket_timeout",),
    position=4,  # Redis(host, port, db, password, socket_timeout, ...)
    consequence="a stalled Redis server blocks every command forever",
    delegates=("connection_pool",),
    redis=True,
)
_REDIS_URL = ClientSpec(
    kwarg="socket_timeout",
    bounding=("socket_timeout",),
    position=None,
    consequence="a stalled Redis server blocks every command forever",
    dsn=(0, ("url",), "socket_timeout"),
    redis=True,
    verb="called",
)
_PSYCOPG = ClientSpec(
    kwarg="connect_timeout",
    bounding=("connect_timeout",),
    position=None,
    consequence="connecting to an unresponsive database waits forever",
    dsn=(0, ("dsn", "conninfo"), "connect_timeout"),
    verb="called",
    value="{seconds}",  # libpq rejects a non-integer connect_timeout
)
_STALLED = "a stalled server blocks this connection forever"

CLIENTS: dict[str, ClientSpec] = {}
for _mod in ("redis", "redis.client", "redis.asyncio", "redis.asyncio.client"):
    for _cls in ("Redis", "StrictRedis"):
        CLIENTS[f"{_mod}.{_cls}"] = _REDIS
        CLIENTS[f"{_mod}.{_cls}.from_url"] = _REDIS_URL
    CLIENTS[f"{_mod}.from_url"] = _REDIS_URL
CLIENTS.update(
    {
        "psycopg2.connect": _PSYCOPG,
        "psycopg.connect": _PSYCOPG,
        "psycopg.Connection.connect": _PSYCOPG,
        "psycopg.AsyncConnection.connect": _PSYCOPG,
        # SMTP(host, port, local_hostname, timeout, source_address)
        "smtplib.SMTP": ClientSpec("timeout", ("timeout",), 3, _STALLED),
        # SMTP_SSL(host, port, local_hostname, keyfile, certfile, timeout, ...) up to 3.11
        "smtplib.SMTP_SSL": ClientSpec("timeout", ("timeout",), 5, _STALLED),
        # FTP(host, user, passwd, acct, timeout, source_address)
        "ftplib.FTP": ClientSpec("timeout", ("timeout",), 4, _STALLED, lazy_without_host=True),
        # FTP_TLS(host, user, passwd, acct, keyfile, certfile, context, timeout, ...) up to 3.11
        "ftplib.FTP_TLS": ClientSpec("timeout", ("timeout",), 7, _STALLED, lazy_without_host=True),
    }
)
_PIKA = ClientSpec(
    kwarg="blocked_connection_timeout",
    bounding=("socket_timeout", "blocked_connection_timeout"),
    position=10,  # ConnectionParameters(host, port, vhost, credentials, ..., retry_delay, socket_timeout, ...)
    consequence="a blocked or stalled broker connection hangs publishers forever",
)
CLIENTS["pika.ConnectionParameters"] = _PIKA
CLIENTS["pika.connection.ConnectionParameters"] = _PIKA
_AIOHTTP = ClientSpec(
    kwarg="timeout",
    # read_timeout/conn_timeout: the deprecated aiohttp 3.x spellings.
    bounding=("timeout", "read_timeout", "conn_timeout"),
    position=None,
    consequence="each request may wait up to aiohttp's 300 s default total timeout",
    value="aiohttp.ClientTimeout(total={timeout})",
)
CLIENTS["aiohttp.ClientSession"] = _AIOHTTP
CLIENTS["aiohttp.client.ClientSession"] = _AIOHTTP


# ----- LLM001's clients (RES002 flags their explicit None) ------------------------------------------
LLM_TIMEOUT_KWARGS = ("timeout", "request_timeout", "default_request_timeout")
LLM_CLIENTS = frozenset(
    {
        "openai.OpenAI",
        "openai.AsyncOpenAI",
        "openai.AzureOpenAI",
        "openai.AsyncAzureOpenAI",
        "anthropic.Anthropic",
        "anthropic.AsyncAnthropic",
        "litellm.completion",
        "litellm.acompletion",
        *(
            f"{mod}.{cls}"
            for mod in ("langchain_openai", "langchain_community.chat_models", "langchain.chat_models",
                        "langchain_openai.chat_models")
            for cls in ("ChatOpenAI", "AzureChatOpenAI")
        ),
        *(f"{mod}.OpenAI" for mod in ("langchain_openai", "langchain_community.llms", "langchain.llms")),
        *(
            f"{mod}.ChatAnthropic"
            for mod in ("langchain_anthropic", "langchain_community.chat_models", "langchain.chat_models")
        ),
    }
)

# ----- httpx ---------------------------------------------------------------------------------------
HTTPX_CLIENT_CONSTRUCTORS = frozenset({"httpx.Client", "httpx.AsyncClient"})
HTTPX_CLIENT_METHODS = frozenset(
    f"httpx.{c}().{v}" for c in ("Client", "AsyncClient") for v in (*HTTP_VERBS, "stream")
)
HTTPX_TIMEOUT = "httpx.Timeout"
AIOHTTP_CLIENT_TIMEOUTS = frozenset({"aiohttp.ClientTimeout", "aiohttp.client.ClientTimeout"})


# ----- RES002: every call whose `timeout`-like argument may be an explicit None ----------------------
#: qualname -> (keyword names, positional index or None)
NONE_TIMEOUTS: dict[str, tuple[tuple[str, ...], int | None]] = {}
for _name in (*REQUESTS_FUNCTIONS, *REQUESTS_SESSION_METHODS, *HTTPX_FUNCTIONS,
              *HTTPX_CLIENT_CONSTRUCTORS, *HTTPX_CLIENT_METHODS):
    NONE_TIMEOUTS[_name] = (("timeout",), None)
for _name, _pos in TIMEOUT_POSITIONS.items():
    NONE_TIMEOUTS[_name] = (("timeout",), _pos)
for _name, _pos in SUBPROCESS_TIMEOUTS.items():
    NONE_TIMEOUTS[_name] = (("timeout",), _pos)
for _name, _spec in CLIENTS.items():
    NONE_TIMEOUTS[_name] = (tuple(k for k in _spec.bounding if k not in ("read_timeout", "conn_timeout")),
                            _spec.position)
for _name in LLM_CLIENTS:
    NONE_TIMEOUTS[_name] = (LLM_TIMEOUT_KWARGS, None)


def string_mentions(expr: ast.AST, needle: str) -> bool | None:
    """Does a DSN/URL expression mention `needle`? None when it cannot be settled.

    A string literal is settled; an f-string is settled only when it starts with literal text
    (`f"host={h} dbname={d}"`) — `f"{dsn}"` or `f"{base} ..."` may carry anything.
    """
    if isinstance(expr, ast.Constant) and isinstance(expr.value, (str, bytes)):
        value = expr.value if isinstance(expr.value, str) else expr.value.decode("latin-1")
        return needle in value
    if isinstance(expr, ast.JoinedStr):
        literal = "".join(
            v.value for v in expr.values if isinstance(v, ast.Constant) and isinstance(v.value, str)
        )
        if needle in literal:
            return True
        first = expr.values[0] if expr.values else None
        if isinstance(first, ast.Constant):
            return False
        return None
    return None
