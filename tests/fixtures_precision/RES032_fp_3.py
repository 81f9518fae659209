# From litellm 1.110.2, litellm/caching/redis_batch.py:642.
# One flush per configured backend (a handful, fixed by configuration, not by request input).
import asyncio


class BatchWriter:
    def __init__(self, backends) -> None:
        self._post_call = {name: backend for name, backend in backends.items()}

    async def flush_post_call(self) -> None:
        await asyncio.gather(*(batch.flush() for batch in self._post_call.values() if batch.pending))
