"""Metrics: an own registry per instance, bounded labels, the text exposition format."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from probes.model import Attempt, AttemptStatus, ErrorReason, Family
from trustsvc.observability.metrics import Metrics, family_outcome


def samples(metrics: Metrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    text = metrics.render().decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def attempt(family: Family, status: AttemptStatus, reason: ErrorReason | None, ms: int) -> Attempt:
    return Attempt(family=family, status=status, reason=reason, detail="", elapsed_ms=ms)


def test_two_instances_do_not_share_or_collide() -> None:
    first, second = Metrics(), Metrics()
    first.request(method="GET", route="/health", status=200, duration_s=0.01)
    assert b'trustsvc_http_requests_total{method="GET",route="/health",status="200"} 1.0' in (
        first.render()
    )
    assert b"trustsvc_http_requests_total{" not in second.render()


def test_requests_are_counted_and_timed_by_route_template() -> None:
    metrics = Metrics()
    for _ in range(3):
        metrics.request(method="GET", route="/v1/scans/{scan_id}", status=404, duration_s=0.02)
    found = samples(metrics)
    labels = (("method", "GET"), ("route", "/v1/scans/{scan_id}"))
    assert found["trustsvc_http_requests_total", (*labels, ("status", "404"))] == 3
    assert found["trustsvc_http_request_duration_seconds_count", labels] == 3
    assert found["trustsvc_http_request_duration_seconds_bucket", (("le", "0.025"), *labels)] == 3
    assert found["trustsvc_http_request_duration_seconds_bucket", (("le", "0.01"), *labels)] == 0


def test_a_scan_counts_each_family_by_outcome_and_times_those_that_ran() -> None:
    metrics = Metrics()
    attempts = (
        attempt(Family.TLS, AttemptStatus.COMPLETED, None, 1500),
        attempt(Family.AUTH, AttemptStatus.ERROR, ErrorReason.PROTOCOL_ERROR, 40),
    )
    metrics.scan(reason="api", outcome="partial", attempts=attempts, probed=True)
    unresolved = (attempt(Family.TLS, AttemptStatus.ERROR, ErrorReason.UNREACHABLE, 0),)
    metrics.scan(reason="ttl:tls", outcome="unmeasured", attempts=unresolved, probed=False)
    found = samples(metrics)
    assert found["trustsvc_scans_total", (("outcome", "partial"), ("reason", "api"))] == 1
    assert found["trustsvc_scans_total", (("outcome", "unmeasured"), ("reason", "ttl:tls"))] == 1
    family = "trustsvc_probe_family_total"
    assert found[family, (("family", "tls"), ("outcome", "completed"))] == 1
    assert found[family, (("family", "auth"), ("outcome", "protocol_error"))] == 1
    assert found[family, (("family", "tls"), ("outcome", "unreachable"))] == 1
    duration = "trustsvc_probe_family_duration_seconds"
    assert found[f"{duration}_count", (("family", "tls"),)] == 1  # the unresolved one not timed
    assert found[f"{duration}_sum", (("family", "tls"),)] == 1.5
    assert found[f"{duration}_sum", (("family", "auth"),)] == 0.04


def test_deliveries_sync_runs_and_queue_depth() -> None:
    metrics = Metrics()
    before = samples(metrics)
    assert before["trustsvc_webhook_deliveries_total", (("outcome", "failed"),)] == 0
    assert before["trustsvc_registry_sync_runs_total", (("outcome", "completed"),)] == 0
    metrics.deliveries({"delivered": 2, "retrying": 0, "deferred": 1, "failed": 0})
    metrics.sync_run("failed")
    metrics.queue_depth.set(7)
    found = samples(metrics)
    assert found["trustsvc_webhook_deliveries_total", (("outcome", "delivered"),)] == 2
    assert found["trustsvc_webhook_deliveries_total", (("outcome", "deferred"),)] == 1
    assert found["trustsvc_webhook_deliveries_total", (("outcome", "retrying"),)] == 0
    assert found["trustsvc_registry_sync_runs_total", (("outcome", "failed"),)] == 1
    assert found["trustsvc_scan_queue_depth", ()] == 7


def test_family_outcome_is_the_status_or_the_failure_reason() -> None:
    assert family_outcome(attempt(Family.TLS, AttemptStatus.COMPLETED, None, 1)) == "completed"
    assert family_outcome(attempt(Family.TLS, AttemptStatus.SKIPPED, None, 1)) == "skipped"
    timeout = attempt(Family.TLS, AttemptStatus.ERROR, ErrorReason.TIMEOUT, 1)
    assert family_outcome(timeout) == "timeout"
    assert family_outcome(attempt(Family.TLS, AttemptStatus.ERROR, None, 1)) == "error"
