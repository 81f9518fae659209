# From changedetection.io 0.60.10, changedetectionio/queue_handlers.py:259 and :536
# in-memory queue state under a lock: nothing there fails in a way a traceback explains (review tier).
import queue
import threading

from loguru import logger


class RecheckPriorityQueue:
    def __init__(self):
        self._lock = threading.RLock()
        self._priority_items = []
        self._notification_queue = queue.Queue()

    def clear(self):
        try:
            with self._lock:
                self._priority_items.clear()
                drained = 0
                while not self._notification_queue.empty():
                    try:
                        self._notification_queue.get_nowait()
                        drained += 1
                    except queue.Empty:
                        break
                if drained > 0:
                    logger.debug(f"Cleared queue: removed {drained} notifications")
            return True
        except Exception as e:
            logger.critical(f"CRITICAL: Failed to clear queue: {str(e)}")
            return False

    def qsize(self) -> int:
        try:
            with self._lock:
                return self._notification_queue.qsize()
        except Exception as e:
            logger.critical(f"CRITICAL: Failed to get notification queue size: {str(e)}")
            return 0
