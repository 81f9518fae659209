# From changedetection.io 0.60.10, changedetectionio/notification/apprise_plugin/custom_handlers.py:152
# A probing parse: `json.loads` guesses the content type; the exception is the "not JSON" answer.
import json


def content_headers(body, headers):
    try:
        json.loads(body)
        headers["Content-Type"] = "application/json; charset=utf-8"
    except Exception:
        pass
    return headers
