# From openai-agents 0.24.0, agents/extensions/sandbox/modal/sandbox.py:1206
# A non-blocking poll probe: None means "no exit code yet", a fallback the caller expects.
async def poll_exit_code(sandbox, process):
    try:
        value = await sandbox.call_modal(process.poll, call_timeout=0.2)
    except Exception:
        return None
    return value
