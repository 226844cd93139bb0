"""The per-app services handlers reach through `app.state`, built in the lifespan."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import cast

from litestar.datastructures import State
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from trustsvc.lookup import LookupService
from trustsvc.scans.service import ScanService


@dataclass(slots=True)
class AppServices:
    """What the handlers need; background scans are tracked so shutdown can cancel them."""

    sessions: async_sessionmaker[AsyncSession]
    scans: ScanService
    lookup: LookupService
    background: set[asyncio.Task[object]] = field(default_factory=set)


def services(state: State) -> AppServices:
    """The services of the running app."""
    return cast("AppServices", state.services)
