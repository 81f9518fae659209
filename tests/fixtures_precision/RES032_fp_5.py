# From litellm 1.110.2, litellm/caching/redis_batch.py:688 (review tier)
# A shutdown drain over the module's own registry of open batch scopes: bounded by what is open,
# not by a request's input.
import asyncio

_open_post_call = set()


async def drain_post_call_redis_batches() -> None:
    await asyncio.gather(*(batches.flush_post_call() for batches in tuple(_open_post_call)))
