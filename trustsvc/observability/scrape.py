"""One scrape: read the gauges that live in the database, then render the registry.

The queue depth is a count over the schedule table, asked when Prometheus asks rather than
polled, so an idle service runs no query and a scrape is never staler than itself.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from trustsvc.observability.metrics import Metrics
from trustsvc.schedule.repository import ScheduleRepository

log = logging.getLogger(__name__)


async def scrape(
    metrics: Metrics,
    sessions: async_sessionmaker[AsyncSession],
    clock: Callable[[], datetime],
) -> bytes:
    """The exposition text, with the queue depth read now (NaN when the database is down)."""
    try:
        async with sessions() as session:
            depth = float(await ScheduleRepository(session).depth(clock()))
    except Exception:  # a scrape must answer; the gauge says "unknown"
        log.warning("could not read the scan queue depth", exc_info=True)
        depth = math.nan
    metrics.queue_depth.set(depth)
    return metrics.render()
