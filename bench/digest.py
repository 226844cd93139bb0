#!/usr/bin/env python3
"""Digest building and rendering for a large period (issue 21), against a same-run baseline.

`--events` drift events (default 20,000) over `--endpoints` endpoints (default 2,000), with
hostile summaries, are built into one digest and rendered in every format. Baseline: the
existing drift CSV export (`reports/drift.py`) of the same events, the work a report of
that period already costs. Figures are medians of `--repeat` runs (default 5); this shared
2-core machine drifts in absolute terms, ratios much less.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from trustsvc.digests.content import DigestFacts, EventFact, Standing, build_digest
from trustsvc.digests.mail import digest_email
from trustsvc.digests.slack import slack_message
from trustsvc.digests.text import digest_csv, plain_text
from trustsvc.reports.drift import drift_csv
from trustsvc.reports.schema import DriftEventDoc

START = datetime(2026, 12, 1, tzinfo=UTC)
SEVERITIES = ("critical", "high", "medium", "low", "info")
HOSTILE = '<!channel> =HYPERLINK("x") <script>\u202e\ud800'


def facts(events: int, endpoints: int) -> DigestFacts:
    rows = [
        EventFact(
            id=i,
            endpoint_id=f"e{i % endpoints}",
            severity=SEVERITIES[i % 5],
            kind="tool_description_changed",
            subject=f"tool:t{i}{HOSTILE}",
            summary=f"Tool `t{i}{HOSTILE}` description changed without a version change.",
            acknowledged=i % 3 == 0,
            observed_at=START + timedelta(seconds=i),
        )
        for i in range(events)
    ]
    urls = {f"e{i}": f"https://mcp{i}.example/mcp" for i in range(endpoints)}
    after = {f"e{i}": Standing(grade="C", score=60, verdict="warn") for i in range(endpoints)}
    before = {f"e{i}": Standing(grade="B", score=80, verdict="allow") for i in range(endpoints)}
    return DigestFacts(
        subscription="bench",
        start=START,
        end=START + timedelta(days=1),
        base_url="https://trust.example",
        urls=urls,
        events=rows,
        before=before,
        after=after,
    )


def docs(source: DigestFacts) -> list[tuple[DriftEventDoc, str]]:
    return [
        (
            DriftEventDoc(
                id=e.id,
                endpoint_id=e.endpoint_id,
                scan_id="s",
                basis="previous",
                surface="tools",
                kind=e.kind,
                subject=e.subject,
                severity=e.severity,
                summary=e.summary,
                before=None,
                after=None,
                text_diff=None,
                observed_at=e.observed_at,
                acknowledged_at=None,
                acknowledged_by=None,
                ack_note=None,
            ),
            source.urls[e.endpoint_id],
        )
        for e in source.events
    ]


def median_s(step: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        step()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--endpoints", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    source = facts(args.events, args.endpoints)
    exported = docs(source)
    doc = build_digest(source)
    steps: dict[str, Callable[[], object]] = {
        "baseline drift_csv": lambda: drift_csv(exported),
        "build_digest": lambda: build_digest(source),
        "slack_message": lambda: slack_message(doc),
        "plain_text": lambda: plain_text(doc),
        "digest_csv": lambda: digest_csv(doc),
        "digest_email (as_bytes)": lambda: digest_email(
            doc, sender="t@x.example", recipients=["a@x.example"], delivery_key="k"
        ).as_bytes(),
    }
    baseline = median_s(steps["baseline drift_csv"], args.repeat)
    print(f"{args.events} events over {args.endpoints} endpoints, median of {args.repeat}")
    for name, step in steps.items():
        took = baseline if name.startswith("baseline") else median_s(step, args.repeat)
        print(f"  {name:<26} {took * 1000:9.1f} ms   {took / baseline:5.2f}x baseline")


if __name__ == "__main__":
    main()
