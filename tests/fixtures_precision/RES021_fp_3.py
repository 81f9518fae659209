# From sentry-sdk 2.75.0, sentry_sdk/integrations/flask.py:293 (and integrations/django/__init__.py:519).
# Optional event enrichment in an instrumentation library: reading an attribute of the host
# application's user object must never break the host; the value is simply left out.
def user_properties(user) -> dict:
    properties = {}
    try:
        properties["id"] = user.get_id()
    except Exception:
        pass
    try:
        if user.username is not None:
            properties["username"] = user.username
    except Exception:
        pass
    return properties
