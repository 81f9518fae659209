# From changedetection.io 0.60.10, changedetectionio/validate_url.py:275 (also model/Watch.py:317,
# browser_steps/browser_steps.py:274): an expected failure of user input, and the message says the
# input is invalid: the parse error's message is the report, a traceback adds little.
from loguru import logger


def is_valid_url(url, jinja_render):
    try:
        url = jinja_render(template_str=url).strip()
    except Exception as e:
        logger.error(f"URL '{url}' is not valid Jinja2? {str(e)}")
        return False, "The URL contains invalid Jinja2 template syntax."
    return True, url
