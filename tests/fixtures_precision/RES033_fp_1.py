# From litellm 1.110.2, litellm/integrations/otel/plumbing/providers.py:305.
# The queue has no maxsize, but admission is bounded by a backlog counter kept under a lock and
# checked (`saturated`) by the producer before submitting.
import queue
import threading


class DrainPool:
    def __init__(self, capacity: int = 64) -> None:
        self._capacity = capacity
        self._lock = threading.Lock()
        self._backlog = 0
        self._pending = queue.Queue()

    @property
    def saturated(self) -> bool:
        with self._lock:
            return self._backlog >= self._capacity

    def submit(self, item) -> bool:
        with self._lock:
            if self._backlog >= self._capacity:
                return False
            self._backlog += 1
            self._pending.put(item)
            return True

    def done(self) -> None:
        with self._lock:
            self._backlog -= 1
