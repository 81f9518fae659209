# From openai-agents 0.24.0, agents/mcp/util.py:439.
# A short hash suffix to keep generated tool names unique and under a length limit.
import hashlib

MAX_LENGTH = 64
HASH_LENGTH = 8


def shorten_tool_name(base_name: str, seed: str) -> str:
    if len(base_name) <= MAX_LENGTH:
        return base_name
    hash_suffix = hashlib.sha1(seed.encode("utf-8")).hexdigest()[:HASH_LENGTH]
    return base_name[: MAX_LENGTH - HASH_LENGTH - 1] + "_" + hash_suffix
