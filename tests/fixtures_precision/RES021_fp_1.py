# From openai-agents 0.24.0, agents/extensions/sandbox/e2b/sandbox.py:1329.
# Best-effort teardown of a process handle that is being abandoned anyway: a failure to kill
# it has nothing left to report to and must not mask the error being handled.
async def stop_entry(entry) -> None:
    kill = getattr(entry.handle, "kill", None)
    if callable(kill):
        try:
            await kill()
        except Exception:
            pass
