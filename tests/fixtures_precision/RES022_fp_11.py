# From changedetection.io 0.60.10, changedetectionio/custom_queue.py:20 and :55
# creating a named blinker signal is a registry lookup: nothing there fails in a way a traceback explains.
import queue

from blinker import signal
from loguru import logger


class SignalPriorityQueue(queue.PriorityQueue):
    def __init__(self, maxsize=0):
        super().__init__(maxsize)
        try:
            self.queue_length_signal = signal('queue_length')
        except Exception as e:
            logger.critical(f"Exception: {e}")
