"""The services one process shares: the API's handlers, the job table and the commands.

`open_services` opens the database (a main pool, and a small one for lookups, keys and
health), builds the scan, lookup, drift, re-probe, webhook and key services over it, and
closes everything on exit. The web layer, the jobs and the CLI all take an `AppServices`,
so none of them depends on another to reach a service.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from probes.family import FamilySpec
from probes.model import ProbeSpec
from probes.netpolicy import Resolver, system_resolver
from trustsvc.advisories.lookup import advisory_lookup
from trustsvc.auth.key_cache import KeyCache
from trustsvc.clock import utc_now
from trustsvc.config.receipts import key_file_for
from trustsvc.config.schedule import ScheduleSettings
from trustsvc.config.settings import Settings
from trustsvc.digests.service import DigestService
from trustsvc.drift.service import DriftService
from trustsvc.lookup.cache import LookupService
from trustsvc.observability.metrics import Metrics
from trustsvc.observability.scans import ScanTelemetry
from trustsvc.receipts.keys import KeyStore
from trustsvc.receipts.service import ReceiptService
from trustsvc.registry.context import registry_lookup
from trustsvc.registry.run_leases import fail_lapsed_runs
from trustsvc.scans.families import probe_context, probe_families
from trustsvc.scans.lease import sweep_interrupted
from trustsvc.scans.reprobe import Reprober
from trustsvc.scans.service import ScanService
from trustsvc.store.db import make_engine, make_sessionmaker
from trustsvc.store.migrate import ensure_schema
from trustsvc.store.sealed import configure_secret_key
from trustsvc.webhooks.deliver import WebhookDeliverer
from trustsvc.webhooks.repository import WebhookOutbox

LOOKUP_POOL_SIZE = 4
log = logging.getLogger(__name__)


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
    reprober: Reprober
    deliverer: WebhookDeliverer
    keys: KeyCache
    schedule: ScheduleSettings
    clock: Callable[[], datetime]
    build_families: Callable[[], tuple[FamilySpec[Any], ...]]
    receipts: ReceiptService
    digests: DigestService
    metrics: Metrics = field(default_factory=Metrics)
    background: set[asyncio.Task[object]] = field(default_factory=set)
    stopping: asyncio.Event = field(default_factory=asyncio.Event)


def receipt_service(
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    catalogue: Mapping[str, ProbeSpec],
    clock: Callable[[], datetime],
) -> ReceiptService:
    """Receipts signed with the configured key file (created on first use when defaulted)."""
    config = settings.receipts
    return ReceiptService(
        sessions=sessions,
        keys=KeyStore(
            key_file_for(config, settings.database_url), create=not config.key_file_given
        ),
        catalogue=catalogue,
        clock=clock,
        public_url=config.public_url,
    )


_WARNED: set[str] = set()
"""Start-up warnings given in this process (or, for serve's jobs child, by its parent)."""


def _warn_clear_secrets() -> None:
    """Once a process: the demo and serve open services for the API and the jobs alike."""
    if "clear-secrets" in _WARNED:
        return
    _WARNED.add("clear-secrets")
    log.warning(
        "TRUSTSVC_SECRET_KEY is not set: webhook and subscription secrets are stored in clear"
    )


def start_up_warnings_given() -> None:
    """Say nothing of the settings at start-up: the process that started this one has.

    `serve`'s jobs child reads the same environment as `serve`, which has already printed
    each warning once; a second copy from the child reads like a second problem.
    """
    _WARNED.add("clear-secrets")


@contextlib.asynccontextmanager
async def open_services(
    settings: Settings,
    resolver: Resolver = system_resolver,
    clock: Callable[[], datetime] = utc_now,
    metrics: Metrics | None = None,
) -> AsyncIterator[AppServices]:
    """Open the database and build the services; close everything on exit.

    `metrics` is the API's (its request middleware records there too); a worker gets its own.
    """
    metrics = metrics or Metrics()
    configure_secret_key(settings.secret_key)
    if settings.secret_key is None:
        _warn_clear_secrets()
    engine = make_engine(settings.database_url)
    sessions = make_sessionmaker(engine)
    # Lookups have a small pool of their own: a burst of scans holding every connection of
    # the main pool would otherwise queue the pre-connect check behind them for seconds.
    lookup_engine = make_engine(settings.database_url, pool_size=LOOKUP_POOL_SIZE)
    lookup = LookupService(
        lookup_engine, poll_s=settings.lookup_poll_s, hysteresis=settings.score_drop
    )
    light_sessions = make_sessionmaker(lookup_engine)

    async def verdict_of(url: str) -> str | None:
        latest = await lookup.latest(url)
        return None if latest is None else latest.verdict

    def build_families() -> tuple[FamilySpec[Any], ...]:
        return probe_families(
            settings,
            resolver,
            registry=registry_lookup(
                sessions, verdict_of, farm_threshold=settings.registry_farm_servers
            ),
            advisories=advisory_lookup(sessions),
        )

    ctx = probe_context(settings)
    observers = (lookup, WebhookOutbox(), ScanTelemetry(metrics))
    deliverer = WebhookDeliverer(
        sessions=sessions,
        policy=settings.probes.policy,
        resolver=resolver,
        clock=clock,
        ca_file=settings.probes.ca_file,
        observe=metrics.deliveries,
    )
    scans = ScanService(
        ctx=ctx,
        sessions=sessions,
        families=build_families(),
        resolver=resolver,
        clock=clock,
        observers=observers,
        lease_s=settings.schedule.scan_lease_s,
        score_drop=settings.score_drop,
    )
    app = AppServices(
        sessions=sessions,
        light_sessions=light_sessions,
        scans=scans,
        lookup=lookup,
        drift=DriftService(
            sessions=sessions,
            catalogue=scans.catalogue,
            policy=scans.policy,
            clock=clock,
            observers=observers,
        ),
        reprober=Reprober(
            scans=scans,
            sessions=sessions,
            clock=clock,
            settings=settings.schedule.worker,
            courtesy=settings.courtesy,
        ),
        # Keys are checked on every request: from the small pool lookups use, not behind scans.
        keys=KeyCache(light_sessions, clock=clock, cache_s=settings.access.key_cache_s),
        deliverer=deliverer,
        schedule=settings.schedule,
        clock=clock,
        build_families=build_families,
        receipts=receipt_service(settings, sessions, scans.catalogue, clock),
        digests=DigestService(
            sessions=sessions,
            deliverer=deliverer,
            settings=settings.digests,
            score_drop=settings.score_drop,
            clock=clock,
            ca_file=settings.probes.ca_file,
        ),
        metrics=metrics,
    )
    try:
        await ensure_schema(engine, auto_migrate=settings.auto_migrate)
        # Scans and sync runs a killed process left running end now, not at the first
        # periodic sweep.
        await sweep_interrupted(sessions, now=clock())
        await fail_lapsed_runs(sessions, now=clock())
        await lookup.start()
        yield app
    finally:
        app.stopping.set()
        await lookup.stop()
        for task in list(app.background):
            task.cancel()
        await asyncio.gather(*app.background, return_exceptions=True)
        ctx.close()
        await engine.dispose()
        await lookup_engine.dispose()
