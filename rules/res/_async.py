"""Shared names for the asyncio rules (RES024, RES031, RES032, RES033)."""
from __future__ import annotations

#: Expressions that stand for the running event loop.
EVENT_LOOPS = (
    "asyncio.get_event_loop()",
    "asyncio.get_running_loop()",
    "asyncio.new_event_loop()",
    "asyncio.events.get_event_loop()",
    "asyncio.events.get_running_loop()",
)

#: Calls that schedule a task and return it (RES031).
TASK_SPAWNERS = frozenset(
    {
        "asyncio.create_task",
        "asyncio.ensure_future",
        "asyncio.tasks.create_task",
        "asyncio.tasks.ensure_future",
        *(f"{loop}.create_task" for loop in EVENT_LOOPS),
    }
)

#: asyncio.gather spellings (RES032).
GATHER = frozenset({"asyncio.gather", "asyncio.tasks.gather"})

#: Semaphore constructors whose presence bounds a fan-out (RES032).
SEMAPHORES = frozenset(
    {
        "asyncio.Semaphore",
        "asyncio.BoundedSemaphore",
        "asyncio.locks.Semaphore",
        "asyncio.locks.BoundedSemaphore",
        "anyio.Semaphore",
        "anyio.CapacityLimiter",
        "trio.Semaphore",
        "trio.CapacityLimiter",
    }
)

#: Queue constructors and the position of their `maxsize` argument (RES033).
QUEUES: dict[str, int] = {
    "asyncio.Queue": 0,
    "asyncio.LifoQueue": 0,
    "asyncio.PriorityQueue": 0,
    "asyncio.queues.Queue": 0,
    "asyncio.queues.LifoQueue": 0,
    "asyncio.queues.PriorityQueue": 0,
    "queue.Queue": 0,
    "queue.LifoQueue": 0,
    "queue.PriorityQueue": 0,
    "multiprocessing.Queue": 0,
    "multiprocessing.JoinableQueue": 0,
    "multiprocessing.queues.Queue": 0,
    "multiprocessing.get_context().Queue": 0,
    "multiprocessing.get_context().JoinableQueue": 0,
}

#: Circuit-breaker constructors (RES020, RES024). `circuitbreaker.circuit` is a decorator factory.
BREAKER_CLASSES = frozenset(
    {
        "pybreaker.CircuitBreaker",
        "circuitbreaker.CircuitBreaker",
        "aiobreaker.CircuitBreaker",
        "aiobreaker.circuitbreaker.CircuitBreaker",
    }
)
BREAKER_DECORATOR_FACTORIES = frozenset({"circuitbreaker.circuit"})
#: Methods that run a call through a breaker (or enter it as a context manager).
BREAKER_USE_METHODS = frozenset({"call", "call_async", "calling", "decorate", "context"})
#: pybreaker instances: sync-only breakers (RES024).
PYBREAKER_INSTANCES = frozenset({"pybreaker.CircuitBreaker()"})
