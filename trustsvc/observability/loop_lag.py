"""Event-loop lag: how late the loop wakes a sleeper, which is how long a callback held it.

Every request on an event loop waits for whatever callback runs before it; one callback
that blocks for 300 ms adds 300 ms to every request in flight, and no per-route timing
shows why. A coroutine that asks to sleep `interval_s` and measures how much later it woke
sees exactly that excess. It is sampled every 50 ms into `trustsvc_event_loop_lag_seconds`
(label `loop`: `api` for the API's loop, `jobs` for the scheduler's), so an operator sees a
stall as samples in the high buckets, and `worst_s` gives tests and benchmarks the peak.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable

INTERVAL_S = 0.05
"""Often enough to catch a stall of one request's length, rare enough to cost nothing."""


class LagMonitor:
    """Samples one loop's lag into `observe` until cancelled."""

    def __init__(self, observe: Callable[[float], None], interval_s: float = INTERVAL_S) -> None:
        self._observe = observe
        self.interval_s = interval_s
        self.samples = 0
        self.worst_s = 0.0

    async def run(self) -> None:
        """Sleep, measure the overshoot, record it; forever."""
        loop = asyncio.get_running_loop()
        while True:
            asked = loop.time()
            await asyncio.sleep(self.interval_s)
            lag_s = max(0.0, loop.time() - asked - self.interval_s)
            self.samples += 1
            self.worst_s = max(self.worst_s, lag_s)
            self._observe(lag_s)


@contextlib.asynccontextmanager
async def monitoring_lag(
    observe: Callable[[float], None], interval_s: float = INTERVAL_S
) -> AsyncIterator[LagMonitor]:
    """Run a `LagMonitor` on the running loop for the duration of the block."""
    monitor = LagMonitor(observe, interval_s)
    task = asyncio.create_task(monitor.run(), name="event-loop-lag-monitor")
    try:
        yield monitor
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
