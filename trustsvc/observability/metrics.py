"""The service's Prometheus metrics, in a registry of their own.

Each `Metrics` owns its `CollectorRegistry`: one process may build many apps (every test
does), and the global registry refuses a second metric of the same name. Label values come
from closed sets (route templates, family names, outcome enums), never from raw paths or
URLs, so the number of series stays bounded whatever callers send.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4

from probes.model import Attempt, AttemptStatus

HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4
"""The text exposition format every Prometheus server reads."""

MEDIA_TYPE = CONTENT_TYPE.removesuffix("; charset=utf-8")
"""The same without the charset, which Litestar appends to every text/ media type."""

UNMATCHED_ROUTE = "unmatched"
"""The route label of a request no route matched (404, 405), whatever its path."""

HTTP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
"""Seconds: lookups take milliseconds, a synchronous scan up to a family budget (60 s)."""

PROBE_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0)
"""Seconds: a family ends within its budget (60 s by default)."""

LAG_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
"""Seconds: a healthy loop wakes within a millisecond or two; 25 ms is a lookup's p99 goal."""

LOOPS = ("api", "jobs")
"""The event loops a process runs: the API's, and the scheduler's when it runs beside it."""

DELIVERY_OUTCOMES = ("delivered", "retrying", "deferred", "failed")
SYNC_OUTCOMES = ("completed", "failed", "error")
"""`error`: the run raised instead of recording its failure (it should not)."""

_MAX_LABEL = 64


class Metrics:
    """Every metric the API and the workers record, and their exposition."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        registry = self.registry
        self.http_requests = Counter(
            "trustsvc_http_requests",
            "HTTP requests answered, by route template and status.",
            ("method", "route", "status"),
            registry=registry,
        )
        self.http_duration = Histogram(
            "trustsvc_http_request_duration_seconds",
            "Time from request to the last byte of the response.",
            ("method", "route"),
            buckets=HTTP_BUCKETS,
            registry=registry,
        )
        self.scans = Counter(
            "trustsvc_scans",
            "Scans ended, by why they ran and how they ended.",
            ("reason", "outcome"),
            registry=registry,
        )
        self.probe_families = Counter(
            "trustsvc_probe_family",
            "Probe family runs: completed, or the reason collection failed.",
            ("family", "outcome"),
            registry=registry,
        )
        self.probe_duration = Histogram(
            "trustsvc_probe_family_duration_seconds",
            "Time one probe family took to collect its evidence.",
            ("family",),
            buckets=PROBE_BUCKETS,
            registry=registry,
        )
        self.queue_depth = Gauge(
            "trustsvc_scan_queue_depth",
            "Endpoints due for a scan and not leased by a worker (read at scrape time).",
            registry=registry,
        )
        self.sync_runs = Counter(
            "trustsvc_registry_sync_runs",
            "Upstream registry sync runs, by outcome.",
            ("outcome",),
            registry=registry,
        )
        self.webhook_deliveries = Counter(
            "trustsvc_webhook_deliveries",
            "Webhook deliveries settled: delivered, retrying (failed, tried again later), "
            "deferred (not tried: an earlier one to the webhook failed), failed (gave up).",
            ("outcome",),
            registry=registry,
        )

        self.loop_lag = Histogram(
            "trustsvc_event_loop_lag_seconds",
            "How much later than asked the event loop woke a 50 ms sleeper: the time some "
            "callback held the loop, which every request in flight waited too.",
            ("loop",),
            buckets=LAG_BUCKETS,
            registry=registry,
        )

        self._request_children: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}
        # Known outcomes start at 0, so rate() and alerts see the series before the first event.
        for outcome in DELIVERY_OUTCOMES:
            self.webhook_deliveries.labels(outcome)
        for outcome in SYNC_OUTCOMES:
            self.sync_runs.labels(outcome)

    def lag_observer(self, loop: str) -> Callable[[float], None]:
        """The `observe` of one loop's lag series (`api` or `jobs`)."""
        if loop not in LOOPS:
            raise ValueError(f"unknown loop {loop!r}")
        return self.loop_lag.labels(loop).observe

    def request(self, *, method: str, route: str, status: int, duration_s: float) -> None:
        """Count one answered request.

        A made-up method is labelled OTHER, so a caller cannot mint series. The labelled
        children are kept per (method, route, status): `labels()` takes a lock and builds
        tuples, which cost more than the trivial route it measured.
        """
        method = method if method in HTTP_METHODS else "OTHER"
        key = (method, route, status)
        children = self._request_children.get(key)
        if children is None:
            children = (
                self.http_requests.labels(method, route, str(status)),
                self.http_duration.labels(method, route),
            )
            self._request_children[key] = children
        children[0].inc()
        children[1].observe(duration_s)

    def scan(self, *, reason: str, outcome: str, attempts: Iterable[Attempt], probed: bool) -> None:
        """Count one scan and each family it ran; durations only for families that ran."""
        self.scans.labels(reason[:_MAX_LABEL], outcome).inc()
        for attempt in attempts:
            self.probe_families.labels(attempt.family.value, family_outcome(attempt)).inc()
            if probed:
                self.probe_duration.labels(attempt.family.value).observe(attempt.elapsed_ms / 1000)

    def sync_run(self, outcome: str) -> None:
        """Count one registry sync run."""
        self.sync_runs.labels(outcome).inc()

    def deliveries(self, outcomes: Mapping[str, int]) -> None:
        """Count one delivery round's attempts by outcome (zeros add nothing)."""
        for outcome, count in outcomes.items():
            if count:
                self.webhook_deliveries.labels(outcome).inc(count)

    def render(self) -> bytes:
        """The registry in the text exposition format (`CONTENT_TYPE`)."""
        return generate_latest(self.registry)


def family_outcome(attempt: Attempt) -> str:
    """`completed`, `skipped`, or why collection failed (`timeout`, `unreachable`, ...)."""
    if attempt.status is AttemptStatus.ERROR:
        return attempt.reason.value if attempt.reason is not None else "error"
    return attempt.status.value
