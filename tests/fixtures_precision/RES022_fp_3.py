# From changedetection.io 0.60.10, changedetectionio/jinja2_custom/validate.py:20
# The exception is handed back to the caller (the form shows it as the user's template error).
from loguru import logger


def render_exception(render, value):
    try:
        render(template_str=value)
    except Exception as e:
        logger.error(e)
        return e
    return None
