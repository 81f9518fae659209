# From open-interpreter 0.4.3, interpreter/core/respond.py:223 (also :241, core/archived_server_2.py:93)
# A parse attempt of model output as a code dict under a bare `except:`: on failure the text is
# handled as code below (review tier: the bare except still swallows KeyboardInterrupt).
import json


def split_code(code, language):
    try:
        code_dict = json.loads(code)
        if set(code_dict.keys()) == {"language", "code"}:
            language = code_dict["language"]
            code = code_dict["code"]
    except:
        pass
    return language, code
