"""RES003 on redis-py clients: fires only when redis-py's version is known and older than 8.0."""
from __future__ import annotations

import pytest
from ruleharness import run

UNBOUNDED = [
    "import redis\nredis.Redis(host='cache')\n",
    "import redis\nredis.StrictRedis('cache', 6379)\n",
    "import redis\nredis.from_url('redis://cache:6379/0')\n",
    "import redis\nredis.Redis.from_url('redis://cache:6379/0')\n",
    "import redis.asyncio as aioredis\naioredis.Redis(host='cache')\n",
    "from redis.asyncio import from_url\nfrom_url('redis://cache')\n",
    "import redis.asyncio\nredis.asyncio.StrictRedis(host='cache')\n",
    "from redis import Redis as Cache\nclass Store:\n    def __init__(self):\n        self.r = Cache(host='cache')\n",
    "import redis\nredis.from_url(f'redis://{host}:6379/0')\n",
]
BOUNDED = [
    "import redis\nredis.Redis(host='cache', socket_timeout=2)\n",
    "import redis\nredis.Redis('cache', 6379, 0, None, 2.0)\n",
    "import redis\nredis.Redis(**REDIS_KWARGS)\n",
    "import redis\nredis.Redis(connection_pool=pool)\n",
    "import redis\nredis.from_url(REDIS_URL)\n",
    "import redis\nredis.from_url('redis://cache/0?socket_timeout=5')\n",
    "import redis\nredis.from_url(f'{base}/0')\n",
    "import redis\nredis.Redis(host='cache', socket_timeout=None)\n",  # RES002's
    "class Redis:\n    pass\nRedis(host='cache')\n",
]


def codes(src: str, version: str) -> list[str]:
    return [f.code for f in run(src, **{"redis-version": version}) if f.code in ("RES003", "RES998")]


@pytest.mark.parametrize("src", UNBOUNDED)
@pytest.mark.parametrize("version", ["4.6.0", "5.0", "7.2"])
def test_fires_before_redis_8(src: str, version: str) -> None:
    assert codes(src, version) == ["RES003"], src


@pytest.mark.parametrize("src", UNBOUNDED + BOUNDED)
@pytest.mark.parametrize("version", ["8.0", "8.0.1", "9.1"])
def test_silent_from_redis_8(src: str, version: str) -> None:
    assert codes(src, version) == [], src


@pytest.mark.parametrize("src", BOUNDED)
def test_bounded_clients_are_silent(src: str) -> None:
    assert codes(src, "7.2") == [], src


def test_unknown_version_is_silent(monkeypatch) -> None:
    from resilint.rules import project

    monkeypatch.setattr(project.metadata, "version", _not_installed)
    assert codes(UNBOUNDED[0], "") == []


def test_message_and_range() -> None:
    [finding] = [f for f in run(UNBOUNDED[0], **{"redis-version": "7.2"}) if f.code == "RES003"]
    assert finding.message == (
        "`redis.Redis` created without `socket_timeout`: a stalled Redis server blocks every command forever"
    )
    assert (finding.span.line, finding.span.col, finding.span.end_col) == (1, 0, len("redis.Redis"))


def _not_installed(name: str) -> str:
    from importlib import metadata

    raise metadata.PackageNotFoundError(name)
