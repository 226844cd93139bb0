"""create_app(settings): the Litestar application and its lifespan.

Building the app touches nothing (so the OpenAPI document can be generated anywhere); the
lifespan opens the database, migrates the embedded SQLite default or refuses a PostgreSQL
schema that is behind, and cancels background scans on shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator
from typing import Literal

from litestar import Litestar
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import License

from probes.netpolicy import Resolver, system_resolver
from trustsvc import __version__
from trustsvc.api.access import AccessMiddleware
from trustsvc.api.controllers.advisories import AdvisoriesController
from trustsvc.api.controllers.audit import AuditController
from trustsvc.api.controllers.drift import DriftController
from trustsvc.api.controllers.endpoints import EndpointsController
from trustsvc.api.controllers.lookup import LookupController
from trustsvc.api.controllers.metrics import MetricsController
from trustsvc.api.controllers.receipts import ReceiptsController
from trustsvc.api.controllers.registry import (
    PublishersController,
    ServersController,
    SyncRunsController,
)
from trustsvc.api.controllers.scans import ScansController
from trustsvc.api.controllers.subscriptions import SubscriptionsController
from trustsvc.api.controllers.system import SystemController
from trustsvc.api.controllers.webhooks import WebhooksController
from trustsvc.api.docs import DOCS_PATH, LocalSwagger
from trustsvc.api.errors import EXCEPTION_HANDLERS
from trustsvc.api.headers import security_headers
from trustsvc.api.lookup_fast import LookupFastPath
from trustsvc.api.openapi_access import SECURITY_COMPONENTS, document_access
from trustsvc.config.settings import Settings
from trustsvc.dashboard.routes import dashboard_routes
from trustsvc.jobs.beside import jobs_beside
from trustsvc.jobs.process import JobProcess
from trustsvc.observability.loop_lag import monitoring_lag
from trustsvc.observability.metrics import Metrics
from trustsvc.observability.middleware import observe_requests
from trustsvc.services import AppServices, open_services

log = logging.getLogger(__name__)

LOOKUP_POOL_SIZE = 4


def create_app(
    settings: Settings | None = None,
    resolver: Resolver = system_resolver,
    *,
    jobs_in: Literal["thread", "process"] = "thread",
    freeze_heap: bool = False,
    lookup_fast_path: bool = True,
) -> Litestar:
    """Build the API for these settings (defaults: embedded SQLite, private targets refused).

    When the settings run the scheduler here, `jobs_in` says where: a thread beside the
    API's loop (jobs/beside.py; tests and the demo), or a supervised child process
    (jobs/process.py; `trustsvc serve`). `freeze_heap` moves what start-up built out of
    the garbage collector's reach once the app is up (`serve`, a process that lives long):
    otherwise each full collection walks it again and stalls every request for ~100 ms.
    `lookup_fast_path` answers held lookups without routing (api/lookup_fast.py); off only
    for the test that compares both paths.
    """
    settings = settings or Settings()
    metrics = Metrics()

    @contextlib.asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        async with (
            open_services(settings, resolver, metrics=metrics) as services,
            monitoring_lag(metrics.lag_observer("api")),
        ):
            app.state.services = services
            app.state.jobs = None
            if not settings.schedule.in_api:
                _freeze(wanted=freeze_heap)
                yield
                return
            if jobs_in == "process":
                jobs = JobProcess()
                await jobs.start()
                app.state.jobs = jobs
                refresher = asyncio.create_task(_refresh_sources(services, settings))
                _freeze(wanted=freeze_heap)
                try:
                    yield
                finally:
                    refresher.cancel()
                    await jobs.stop()
                return
            # Never on this loop: every request would wait behind the jobs' callbacks.
            async with jobs_beside(services, settings, resolver) as thread:
                app.state.jobs = thread
                _freeze(wanted=freeze_heap)
                yield

    access = AccessMiddleware(settings.access)
    app = Litestar(
        route_handlers=[
            SystemController,
            LookupController,
            ScansController,
            ReceiptsController,
            EndpointsController,
            DriftController,
            ServersController,
            PublishersController,
            SyncRunsController,
            AdvisoriesController,
            WebhooksController,
            SubscriptionsController,
            AuditController,
            MetricsController,
            *dashboard_routes(),
        ],
        lifespan=[lifespan],
        middleware=[access],
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
            path=DOCS_PATH,
            render_plugins=[LocalSwagger()],
        ),
        debug=False,
    )
    document_access(app, settings.access)
    if lookup_fast_path:
        app.asgi_handler = LookupFastPath(app.asgi_handler, app, access)
    return observe_requests(app, metrics, settings.observability.access_log)


def _freeze(*, wanted: bool) -> None:
    if wanted:
        gc.collect()
        gc.freeze()


async def _refresh_sources(services: AppServices, settings: Settings) -> None:
    """Re-read feeds and the trusted list for the API's own scans, as the jobs do for theirs.

    With the jobs in another process their `refresh_sources` cannot reach this one's scan
    service. Reading the files is blocking, so it runs in a worker thread.
    """
    period = settings.schedule.sources_refresh_s
    if period <= 0:
        return
    while True:
        await asyncio.sleep(period)
        try:
            services.scans.families = await asyncio.to_thread(services.build_families)
        except Exception:
            log.exception("re-reading the sources failed; the API keeps the ones it has")
