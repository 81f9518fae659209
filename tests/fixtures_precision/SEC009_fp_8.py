# From changedetection.io 0.60.10, changedetectionio/processors/restock_diff/plugins/llm_restock.py:139.
# An md5 cache key for LLM results: `restock_cache_key` names a cache key, not a credential.
import hashlib


def restock_cache_key(model: str, messages: list) -> str:
    """Cache key for one extraction - the model plus the exact user prompt sent to it."""
    return hashlib.md5(((model or "") + "\n" + messages[-1]["content"]).encode("utf-8")).hexdigest()
