# From litellm 1.110.2, litellm/caching/redis_batch.py:176.
# Redis EVALSHA identifies a Lua script by the SHA-1 of its source: an identifier, not security.
import hashlib


class Script:
    def __init__(self, source: str) -> None:
        self.source = source
        self.sha = hashlib.sha1(source.encode()).hexdigest()
