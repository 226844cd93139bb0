"""`GET /metrics`: the API process's Prometheus metrics, in the text exposition format."""

from __future__ import annotations

from litestar import Controller, Response, get
from litestar.datastructures import State

from trustsvc.api.state import services
from trustsvc.auth.principal import Scope
from trustsvc.jobs.process import JobProcess
from trustsvc.observability.merge import merge_expositions
from trustsvc.observability.metrics import MEDIA_TYPE
from trustsvc.observability.scrape import scrape


class MetricsController(Controller):
    """Prometheus scrape target."""

    tags = ["system"]  # noqa: RUF012 - Litestar reads a plain class attribute
    # Counts, not which endpoints are checked; public only if TRUSTSVC_PUBLIC_ROUTES says so.
    opt = {"scope": Scope.READ}  # noqa: RUF012 - Litestar reads a plain class attribute

    @get(
        "/metrics",
        operation_id="GetMetrics",
        summary="Prometheus metrics (text exposition format 0.0.4)",
        media_type=MEDIA_TYPE,
    )
    async def metrics(self, state: State) -> Response[bytes]:
        """Requests, scans, probe families, queue depth, sync runs and webhook deliveries.

        Under `trustsvc serve` this includes its jobs process's figures, merged.

        Plain text for Prometheus, not JSON: see the exposition format documentation.
        """
        app = services(state)
        body = await scrape(app.metrics, app.sessions, app.clock)
        jobs = state.get("jobs")
        if isinstance(jobs, JobProcess):  # `serve`: the jobs' metrics live in their process
            child = await jobs.metrics_text()
            if child:
                body = merge_expositions(body.decode(), child)
        return Response(body, media_type=MEDIA_TYPE)
