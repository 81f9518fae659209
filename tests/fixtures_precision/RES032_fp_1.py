# From openai-agents 0.24.0, agents/util/_asyncio_tasks.py:99.
# A generic helper that gathers awaitables its caller already built: the fan-out (and any bound
# on it) belongs to the caller, exactly as `asyncio.gather(*coros)` on a parameter.
import asyncio
from typing import Any, Awaitable, Iterable


async def gather_cancel_on_failure(awaitables: Iterable[Awaitable[Any]]) -> tuple[Any, ...]:
    tasks = [asyncio.ensure_future(awaitable) for awaitable in awaitables]
    try:
        return tuple(await asyncio.gather(*tasks))
    except BaseException:
        for task in tasks:
            if not task.done():
                task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
