"""Make what the registry sync queued due for probing, in the schedule's own table."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from probes.errors import TargetRejected
from probes.target import parse_endpoint_url
from trustsvc.registry.models import ScanQueueRow
from trustsvc.schedule.repository import ScheduleRepository
from trustsvc.store.repositories import EndpointRepository

log = logging.getLogger(__name__)


async def drain_registry_queue(
    session: AsyncSession,
    *,
    now: datetime,
    limit: int = 1000,
    opted_out: Callable[[str], bool] = lambda _host: False,
) -> int:
    """Make endpoints the registry sync queued due now; returns how many were scheduled.

    A queued URL that no longer parses (the upstream changed it) is dropped with a log line:
    the sync job already flagged it on the remote. So is one whose host the operator opted
    out of (`opted_out(host)`): it is never scheduled.
    """
    queued = (
        (await session.execute(select(ScanQueueRow).order_by(ScanQueueRow.queued_at).limit(limit)))
        .scalars()
        .all()
    )
    endpoints = EndpointRepository(session)
    due: list[str] = []
    for row in queued:
        try:
            endpoint = parse_endpoint_url(row.url)
        except TargetRejected as exc:
            log.info("dropping queued %s: %s", row.url, exc.detail)
            continue
        if opted_out(endpoint.host):
            log.info("dropping queued %s: its host is opted out", row.url)
            continue
        due.append((await endpoints.get_or_create(endpoint, now)).id)
    if due:
        await ScheduleRepository(session).make_due(due, now=now, reason="registry")
    if queued:
        await session.execute(
            delete(ScanQueueRow).where(ScanQueueRow.url.in_([row.url for row in queued]))
        )
    return len(due)
