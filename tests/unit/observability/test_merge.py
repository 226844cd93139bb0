"""observability/merge.py: one exposition from `serve`'s registry and its jobs process's."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from trustsvc.observability.merge import merge_expositions
from trustsvc.observability.metrics import Metrics


def values(text: bytes) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text.decode())
        for s in family.samples
    }


def test_counters_and_histograms_add_up_and_each_loop_keeps_its_series() -> None:
    api, jobs = Metrics(), Metrics()
    api.lag_observer("api")(0.002)
    jobs.lag_observer("jobs")(0.3)
    api.sync_run("completed")
    jobs.sync_run("completed")
    jobs.sync_run("completed")
    merged = values(merge_expositions(api.render().decode(), jobs.render().decode()))
    assert merged[("trustsvc_registry_sync_runs_total", (("outcome", "completed"),))] == 3
    assert merged[("trustsvc_event_loop_lag_seconds_count", (("loop", "api"),))] == 1
    assert merged[("trustsvc_event_loop_lag_seconds_count", (("loop", "jobs"),))] == 1
    jobs_le_250ms = ("trustsvc_event_loop_lag_seconds_bucket", (("le", "0.25"), ("loop", "jobs")))
    jobs_le_500ms = ("trustsvc_event_loop_lag_seconds_bucket", (("le", "0.5"), ("loop", "jobs")))
    assert (merged[jobs_le_250ms], merged[jobs_le_500ms]) == (0, 1)


def test_a_gauge_is_the_first_texts_reading_not_a_sum() -> None:
    api, jobs = Metrics(), Metrics()
    api.queue_depth.set(3)
    jobs.queue_depth.set(3)
    merged = values(merge_expositions(api.render().decode(), jobs.render().decode()))
    assert merged[("trustsvc_scan_queue_depth", ())] == 3


def test_each_family_is_declared_once_and_an_empty_text_changes_nothing() -> None:
    api = Metrics()
    api.request(method="GET", route="/livez", status=200, duration_s=0.001)
    text = merge_expositions(api.render().decode(), Metrics().render().decode()).decode()
    assert text.count("# TYPE trustsvc_http_requests_total counter") == 1
    assert values(merge_expositions(api.render().decode(), "")) == values(api.render())
