# From openai-agents 0.24.0, agents/run_internal/guardrails.py:166 (also agents/voice/result.py:310).
# `gather(..., return_exceptions=True)` over tasks that were just cancelled only waits for them
# to finish cancelling: it starts no new work, a Semaphore has nothing to limit.
import asyncio


async def run_guardrails(guardrails, context):
    guardrail_tasks = [asyncio.create_task(g.run(context)) for g in guardrails]
    results = []
    try:
        for done in asyncio.as_completed(guardrail_tasks):
            results.append(await done)
    except BaseException:
        for t in guardrail_tasks:
            if not t.done():
                t.cancel()
        await asyncio.gather(*guardrail_tasks, return_exceptions=True)
        raise
    return results
