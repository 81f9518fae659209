# From changedetection.io 0.60.10, changedetectionio/queue_handlers.py:549
# The try body is one debug log line: nothing there has a traceback worth keeping.
from loguru import logger


class NotificationQueue:
    def close(self):
        try:
            # Nothing to close for threading.Queue
            logger.debug("NotificationQueue closed successfully")
        except Exception as e:
            logger.critical(f"CRITICAL: Failed to close NotificationQueue: {str(e)}")
