# From litellm 1.110.2, litellm/integrations/otel/plumbing/providers.py:305 (the shape of the real code;
# RES033_fp_1 is the check-then-put reduction). Producers call `saturated()` before building work and
# `submit()` puts under the lock, so the backlog stays under the capacity by the callers' contract.
import queue
import threading


class DrainPool:
    def __init__(self, pending: "queue.Queue | None" = None, capacity: int = 64) -> None:
        self._capacity = capacity
        self._lock = threading.Lock()
        self._closed = False
        self._backlog = 0
        self._pending = pending if pending is not None else queue.Queue()

    def submit(self, item) -> None:
        with self._lock:
            if not self._closed:
                self._backlog += 1
                self._pending.put(item)

    def saturated(self) -> bool:
        with self._lock:
            return self._backlog >= self._capacity

    def done(self) -> None:
        with self._lock:
            self._backlog -= 1
