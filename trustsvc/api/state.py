"""The per-app services handlers reach through `app.state`, built in the lifespan."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from litestar.datastructures import State
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from probes.family import FamilySpec
from trustsvc.auth.store import KeyStore
from trustsvc.config.schedule import ScheduleSettings
from trustsvc.drift.service import DriftService
from trustsvc.lookup import LookupService
from trustsvc.observability.metrics import Metrics
from trustsvc.scans.service import ScanService
from trustsvc.schedule.worker import Worker
from trustsvc.webhooks.deliver import WebhookDeliverer


@dataclass(slots=True)
class AppServices:
    """What the handlers and the scheduler's jobs need.

    `light_sessions` come from a small pool of their own, for what every request or probe of
    liveness needs (keys, health) and must not queue behind a burst of scans.
    Background scans are tracked so shutdown can cancel them; `stopping` tells in-flight
    sweeps to finish what they hold and claim nothing more.
    """

    sessions: async_sessionmaker[AsyncSession]
    light_sessions: async_sessionmaker[AsyncSession]
    scans: ScanService
    lookup: LookupService
    drift: DriftService
    worker: Worker
    deliverer: WebhookDeliverer
    keys: KeyStore
    schedule: ScheduleSettings
    clock: Callable[[], datetime]
    build_families: Callable[[], tuple[FamilySpec[Any], ...]]
    metrics: Metrics = field(default_factory=Metrics)
    background: set[asyncio.Task[object]] = field(default_factory=set)
    stopping: asyncio.Event = field(default_factory=asyncio.Event)


def services(state: State) -> AppServices:
    """The services of the running app."""
    return cast("AppServices", state.services)
