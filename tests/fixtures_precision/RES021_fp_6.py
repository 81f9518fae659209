# From openai-agents 0.24.0, agents/extensions/memory/redis_session.py:828 (health probe: False is the answer)
async def ping(self) -> bool:
    try:
        await self._redis.ping()
        return True
    except Exception:
        return False
