"""create_app(settings): the Litestar application and its lifespan.

Building the app touches nothing (so the OpenAPI document can be generated anywhere); the
lifespan opens the database, migrates the embedded SQLite default or refuses a PostgreSQL
schema that is behind, and cancels background scans on shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from litestar import Litestar
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import License

from probes.context import ProbeContext
from probes.domain.family import domain_family
from probes.family import FamilySpec
from probes.model import Family
from probes.netpolicy import Resolver, system_resolver
from probes.publisher.advisories import AdvisoryLookup
from probes.publisher.context import RegistryLookup
from probes.publisher.family import publisher_family
from probes.publisher.sources import PublisherSources
from probes.registry import FAMILIES
from trustsvc import __version__
from trustsvc.advisories.lookup import advisory_lookup
from trustsvc.api.access import AccessMiddleware
from trustsvc.api.controllers.advisories import AdvisoriesController
from trustsvc.api.controllers.audit import AuditController
from trustsvc.api.controllers.drift import DriftController
from trustsvc.api.controllers.endpoints import EndpointsController
from trustsvc.api.controllers.lookup import LookupController
from trustsvc.api.controllers.metrics import MetricsController
from trustsvc.api.controllers.registry import (
    PublishersController,
    ServersController,
    SyncRunsController,
)
from trustsvc.api.controllers.scans import ScansController
from trustsvc.api.controllers.system import SystemController
from trustsvc.api.controllers.webhooks import WebhooksController
from trustsvc.api.errors import EXCEPTION_HANDLERS
from trustsvc.api.headers import security_headers
from trustsvc.api.openapi_access import SECURITY_COMPONENTS, document_access
from trustsvc.api.state import AppServices
from trustsvc.auth.store import KeyStore
from trustsvc.clock import utc_now
from trustsvc.config.domain import domain_sources
from trustsvc.config.settings import Settings
from trustsvc.drift.service import DriftService
from trustsvc.lookup import LookupService
from trustsvc.observability.metrics import Metrics
from trustsvc.observability.middleware import observe_requests
from trustsvc.observability.scans import ScanTelemetry
from trustsvc.registry.context import registry_lookup
from trustsvc.scans.service import ScanService
from trustsvc.schedule.worker import Worker
from trustsvc.store.db import make_engine, make_sessionmaker
from trustsvc.store.migrate import ensure_schema
from trustsvc.webhooks.deliver import WebhookDeliverer
from trustsvc.webhooks.repository import queue_deliveries

log = logging.getLogger(__name__)

LOOKUP_POOL_SIZE = 4


def probe_families(
    settings: Settings,
    resolver: Resolver = system_resolver,
    *,
    registry: RegistryLookup | None = None,
    advisories: AdvisoryLookup | None = None,
) -> tuple[FamilySpec[Any], ...]:
    """The registered families, with domain and publisher families over this deployment.

    `registry` and `advisories` None mean no database: publisher facts and known
    vulnerabilities are then not available.

    Raises:
        DomainSettingsError: a configured file (feed, bootstrap, trusted list) is unusable.
    """
    sources = domain_sources(settings.domain)
    configured: dict[Family, FamilySpec[Any]] = {
        Family.DOMAIN: domain_family(sources, resolver=resolver),
        Family.PUBLISHER: publisher_family(
            PublisherSources(
                registry=registry,
                dns=sources.dns,
                http_proofs=settings.domain.lookups,
                advisories=advisories,
            ),
            resolver=resolver,
        ),
    }
    return tuple(configured.get(family.family, family) for family in FAMILIES)


def probe_context(settings: Settings) -> ProbeContext:
    """The per-process probe resources for these settings."""
    return ProbeContext(
        policy=settings.probes.policy,
        limits=settings.probes.limits,
        ca_file=settings.probes.ca_file,
        extra_headers=settings.probes.extra_headers,
        executor=ThreadPoolExecutor(
            max_workers=settings.probes.blocking_threads, thread_name_prefix="probe"
        ),
    )


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
    engine = make_engine(settings.database_url)
    sessions = make_sessionmaker(engine)
    # Lookups have a small pool of their own: a burst of scans holding every connection of
    # the main pool would otherwise queue the pre-connect check behind them for seconds.
    lookup_engine = make_engine(settings.database_url, pool_size=LOOKUP_POOL_SIZE)
    lookup = LookupService(lookup_engine, poll_s=settings.lookup_poll_s)
    light_sessions = make_sessionmaker(lookup_engine)

    async def verdict_of(url: str) -> str | None:
        latest = await lookup.latest(url)
        return None if latest is None else latest.verdict

    def build_families() -> tuple[FamilySpec[Any], ...]:
        return probe_families(
            settings,
            resolver,
            registry=registry_lookup(sessions, verdict_of),
            advisories=advisory_lookup(sessions),
        )

    ctx = probe_context(settings)
    scans = ScanService(
        ctx=ctx,
        sessions=sessions,
        families=build_families(),
        resolver=resolver,
        clock=clock,
        on_completed=(lookup.scan_completed,),
        notify=queue_deliveries,
        observers=(ScanTelemetry(metrics),),
    )
    app = AppServices(
        sessions=sessions,
        light_sessions=light_sessions,
        scans=scans,
        lookup=lookup,
        drift=DriftService(sessions=sessions, scans=scans, clock=clock),
        worker=Worker(
            scans=scans, sessions=sessions, clock=clock, settings=settings.schedule.worker
        ),
        # Keys are checked on every request: from the small pool lookups use, not behind scans.
        keys=KeyStore(light_sessions, clock=clock, cache_s=settings.access.key_cache_s),
        deliverer=WebhookDeliverer(
            sessions=sessions,
            policy=settings.probes.policy,
            resolver=resolver,
            clock=clock,
            ca_file=settings.probes.ca_file,
            observe=metrics.deliveries,
        ),
        schedule=settings.schedule,
        clock=clock,
        build_families=build_families,
        metrics=metrics,
    )
    try:
        await ensure_schema(engine, auto_migrate=settings.auto_migrate)
        await lookup.start()
        yield app
    finally:
        app.stopping.set()
        await lookup.stop()
        for task in list(app.background):
            task.cancel()
        await asyncio.gather(*app.background, return_exceptions=True)
        ctx.executor.shutdown(wait=False, cancel_futures=True)
        await engine.dispose()
        await lookup_engine.dispose()


def create_app(settings: Settings | None = None, resolver: Resolver = system_resolver) -> Litestar:
    """Build the API for these settings (defaults: embedded SQLite, private targets refused)."""
    settings = settings or Settings()
    metrics = Metrics()

    @contextlib.asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        async with open_services(settings, resolver, metrics=metrics) as services:
            app.state.services = services
            if not settings.schedule.in_api:
                yield
                return
            from trustsvc.scheduler import running_scheduler  # noqa: PLC0415 - import cycle

            async with running_scheduler(services, settings):
                yield

    app = Litestar(
        route_handlers=[
            SystemController,
            LookupController,
            ScansController,
            EndpointsController,
            DriftController,
            ServersController,
            PublishersController,
            SyncRunsController,
            AdvisoriesController,
            WebhooksController,
            AuditController,
            MetricsController,
        ],
        lifespan=[lifespan],
        middleware=[AccessMiddleware(settings.access)],
        before_send=[security_headers],
        request_max_body_size=settings.access.max_body_bytes,
        exception_handlers=EXCEPTION_HANDLERS,
        # Litestar's default would replace the root logger's handlers when the app is built;
        # the CLI configures logging (format, redaction) instead: observability/logs.py.
        logging_config=None,
        openapi_config=OpenAPIConfig(
            title="trustsvc",
            version=__version__,
            description=(
                "Trust intelligence for remote MCP servers. A grade summarises outside-in "
                "evidence; it is not a guarantee of safety."
            ),
            license=License(name="AGPL-3.0-or-later", identifier="AGPL-3.0-or-later"),
            use_handler_docstrings=True,
            components=SECURITY_COMPONENTS,
        ),
        debug=False,
    )
    document_access(app, settings.access)
    return observe_requests(app, metrics)
