# From openai-agents 0.24.0, agents/extensions/sandbox/modal/sandbox.py:139 (also extensions/models/litellm_model.py:80)
# An optional import under a broad handler: no exception types means nothing to map (review tier;
# `except ImportError` would say it, but "missing or broken: do without" is deliberate here).
def modal_exception_types(modal):
    exception_module = getattr(modal, "exception", None)
    if exception_module is None:
        try:
            from modal import exception as exception_module
        except Exception:
            return ()
    return (exception_module.Error,)
