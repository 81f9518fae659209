# From openai-agents 0.24.0, agents/run_internal/error_handlers.py:109 (cleanup inside an error handler)
def handle(logger, run, exc):
    try:
        run()
    except Exception:
        try:
            logger.record_failure(exc)
        except Exception:
            pass
        raise
