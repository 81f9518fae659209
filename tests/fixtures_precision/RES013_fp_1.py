# From slack-sdk 3.48.0, slack_sdk/web/async_internal_utils.py:84 (same loop in
# audit_logs/v1/async_client.py, scim/v1/async_client.py, webhook/async_client.py).
# The retry loop does wait between attempts: inside the retry handler
# (`prepare_for_next_attempt_async` awaits `asyncio.sleep(...)` with backoff and jitter).
import aiohttp


async def request_with_retries(url: str, retry_handlers, retry_state, timeout: float = 30):
    session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout))
    last_error = None
    try:
        counter_for_safety = 0
        while counter_for_safety < 100:
            counter_for_safety += 1
            retry_state.next_attempt_requested = False
            try:
                async with session.request("POST", url) as res:
                    data = await res.json()
                    if retry_state.next_attempt_requested is False:
                        return data
            except Exception as e:
                last_error = e
                for handler in retry_handlers:
                    if await handler.can_retry_async(state=retry_state, error=e):
                        await handler.prepare_for_next_attempt_async(state=retry_state, error=e)
                        break
                if retry_state.next_attempt_requested is False:
                    raise last_error
        raise last_error
    finally:
        await session.close()
