# From shell-gpt 1.5.1, sgpt/cache.py:31.
# md5 of the call arguments names a cache file: a bare `key` is a cache key, not a credential.
import json
from hashlib import md5
from pathlib import Path


class Cache:
    def __init__(self, cache_path: Path):
        self.cache_path = cache_path

    def __call__(self, func):
        def wrapper(*args, **kwargs):
            key = md5(json.dumps((args[1:], kwargs)).encode("utf-8")).hexdigest()
            file = self.cache_path / key
            if file.exists():
                return file.read_text()
            result = func(*args, **kwargs)
            file.write_text(result)
            return result

        return wrapper
