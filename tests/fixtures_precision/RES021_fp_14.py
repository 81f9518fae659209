# From litellm 1.110.2, litellm/integrations/arize/_utils.py:1083
# A search over candidate payloads: the first that parses is returned, the loop tries the next one.
import json


def first_json_object(candidates):
    for inner in candidates:
        try:
            return dict(json.loads(inner))
        except Exception:
            continue
    return None
