"""Client types known by annotation: a name typed as one of these resolves like an instance.

The catalog ("Decisions, second round", Types as resolution): a parameter, a `self.x: T` or
class-level `x: T` field (dataclass, pydantic, attrs) or a function's return annotation naming a
known client type binds like `T()` would. `Optional[T]`, `T | None`, `Union[T, None]` and string
annotations count; `Any` does not. Only this module's table counts, so a typed parameter of an
unrelated class never turns into an instance.
"""
from __future__ import annotations

import ast

#: Constructors whose instances the rules follow (HTTP, LLM SDK and DB-driver clients).
KNOWN_CLIENT_TYPES = frozenset({
    "requests.Session", "requests.sessions.Session",
    "httpx.Client", "httpx.AsyncClient",
    "aiohttp.ClientSession", "aiohttp.client.ClientSession",
    "openai.OpenAI", "openai.AsyncOpenAI", "openai.AzureOpenAI", "openai.AsyncAzureOpenAI",
    "anthropic.Anthropic", "anthropic.AsyncAnthropic",
    "urllib3.PoolManager", "urllib3.HTTPConnectionPool", "urllib3.HTTPSConnectionPool",
    "sqlite3.Connection", "sqlite3.Cursor",
    "asyncpg.Connection", "asyncpg.Pool", "asyncpg.pool.Pool", "asyncpg.connection.Connection",
    "aiosqlite.Connection", "aiosqlite.Cursor", "databases.Database",
})

#: Last segment of every known type: a cheap test that skips the resolution of other annotations
#: (the walk meets an annotation on most parameters of typed code).
_TAILS = frozenset(q.rsplit(".", 1)[1] for q in KNOWN_CLIENT_TYPES)
_OPTIONAL = frozenset({"Optional", "Union"})


def annotated_types(ann: ast.expr | None) -> list[ast.expr]:
    """The type expressions an annotation may stand for, `None` left out: `Optional[T]`,
    `Union[T, None]`, `T | None` and `"T"` give `[T]`. Empty when no known type's name appears."""
    if ann is None:
        return []
    if isinstance(ann, ast.Constant) and isinstance(ann.value, str):
        if not any(t in ann.value for t in _TAILS):
            return []
        try:  # parsed, never evaluated
            ann = ast.parse(ann.value.strip(), mode="eval").body
        except (SyntaxError, ValueError, RecursionError):
            return []
    if isinstance(ann, ast.BinOp) and isinstance(ann.op, ast.BitOr):
        return annotated_types(ann.left) + annotated_types(ann.right)
    if isinstance(ann, ast.Subscript):
        base = ann.value
        tail = base.attr if isinstance(base, ast.Attribute) else base.id if isinstance(base, ast.Name) else None
        if tail not in _OPTIONAL:
            return []
        inner = ann.slice
        parts = inner.elts if isinstance(inner, ast.Tuple) else [inner]
        return [t for p in parts for t in annotated_types(p)]
    if isinstance(ann, ast.Attribute) and ann.attr in _TAILS:
        return [ann]
    if isinstance(ann, ast.Name) and ann.id in _TAILS:
        return [ann]
    return []
