# From changedetection.io 0.60.10, changedetectionio/blueprint/ui/edit.py:311 (also flask_app.py:1796)
# A handler that opens with the author's reasoning: the expected failure (a bad timezone name) is
# logged with the name and the reason, and the decision is explained (review tier).
from loguru import logger


def in_schedule(uuid, is_within_schedule, limit, tz_name):
    try:
        return is_within_schedule(time_schedule_limit=limit, default_tz=tz_name)
    except Exception as e:
        # Only decides whether to queue an immediate recheck: the watch is already saved.
        logger.error(f"{uuid} - error handling timezone, check skipped - TZ name '{tz_name}' - {str(e)}")
        return False
