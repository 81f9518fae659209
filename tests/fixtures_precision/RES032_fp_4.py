# From litellm 1.110.2, litellm/proxy/management_endpoints/internal_user_endpoints.py:2061
# Already bounded by batching: each gather runs one chunk of a constant size.
import asyncio

_BATCH_SIZE = 100


async def invalidate(users, evict):
    for start in range(0, len(users), _BATCH_SIZE):
        await asyncio.gather(*(evict(user.user_id) for user in users[start : start + _BATCH_SIZE]))
