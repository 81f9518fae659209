# From changedetection.io 0.60.10, changedetectionio/queue_handlers.py:221 (also :278)
# A defensive handler around `len()` under a lock: the body cannot fail in a way a traceback
# explains (review tier).
import threading

from loguru import logger


class PriorityQueue:
    def __init__(self):
        self._lock = threading.Lock()
        self._priority_items = []

    def qsize(self) -> int:
        try:
            with self._lock:
                return len(self._priority_items)
        except Exception as e:
            logger.critical(f"CRITICAL: Failed to get queue size: {str(e)}")
            return 0
