"""The digest builder over plain facts (digests/content.py), and its text and CSV forms."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from trustsvc.digests.content import (
    DigestFacts,
    EventFact,
    RegistryFact,
    Standing,
    build_digest,
)
from trustsvc.digests.text import NOTHING_CHANGED, digest_csv, plain_text

START = datetime(2026, 12, 1, 8, tzinfo=UTC)
END = START + timedelta(days=1)
URLS = {"e1": "https://a.example/mcp", "e2": "https://b.example/mcp", "e3": "https://c.example"}


def event(eid: int, endpoint: str, severity: str, *, ack: bool = False) -> EventFact:
    return EventFact(
        id=eid,
        endpoint_id=endpoint,
        severity=severity,
        kind="tool_poisoned" if severity == "critical" else "tool_added",
        subject="tool:search",
        summary=f"Tool `search` changed ({severity}).\n  Second line.",
        acknowledged=ack,
        observed_at=START + timedelta(hours=eid),
    )


def facts(**overrides: object) -> DigestFacts:
    base: dict[str, object] = {
        "subscription": "ops",
        "start": START,
        "end": END,
        "base_url": "https://trust.example",
        "urls": URLS,
    }
    return DigestFacts(**(base | overrides))  # type: ignore[arg-type]


def test_an_empty_period_says_nothing_changed() -> None:
    doc = build_digest(facts())
    assert doc["empty"] is True
    assert doc["counts"]["events"] == 0
    assert NOTHING_CHANGED in plain_text(doc)


def test_drift_is_grouped_by_endpoint_worst_first_with_reasons_and_links() -> None:
    doc = build_digest(
        facts(
            events=[
                event(1, "e2", "low"),
                event(2, "e1", "medium", ack=True),
                event(3, "e2", "critical"),
            ]
        )
    )
    assert [e["endpoint_id"] for e in doc["endpoints"]] == ["e2", "e1"]
    first = doc["endpoints"][0]
    assert first["link"] == "https://trust.example/v1/endpoints/e2"
    assert [e["severity"] for e in first["events"]] == ["critical", "low"]
    assert first["events"][0]["reason"] == "Tool `search` changed (critical). Second line."
    counts = doc["counts"]
    assert counts["by_severity"]["critical"] == 1
    assert (counts["acknowledged"], counts["open"]) == (1, 2)
    assert doc["empty"] is False


def test_grade_changes_new_blocks_warns_unassessed_and_registry() -> None:
    doc = build_digest(
        facts(
            before={
                "e1": Standing(grade="B", score=80, verdict="allow"),
                "e2": Standing(grade="B", score=78, verdict="allow"),
            },
            after={
                "e1": Standing(grade="F", score=20, verdict="block"),
                "e2": Standing(grade="B", score=76, verdict="warn"),
                "e3": Standing(grade="C", score=60, verdict="warn"),
            },
            unassessed={"e3": "the scan failed: ProbeTimeout"},
            registry=[
                RegistryFact(change="added", name="io.github.x/y", version="1.0"),
                RegistryFact(change="deleted", name="io.github.x/z", version="0.1"),
            ],
        )
    )
    assert doc["grade_changes"] == [
        {
            "endpoint_id": "e1",
            "url": URLS["e1"],
            "link": "https://trust.example/v1/endpoints/e1",
            "before": {"grade": "B", "score": 80},
            "after": {"grade": "F", "score": 20},
        }
    ]
    assert [b["endpoint_id"] for b in doc["new_blocks"]] == ["e1"]
    assert [(w["endpoint_id"], w["previous"]) for w in doc["new_warns"]] == [
        ("e2", "allow"),
        ("e3", None),
    ]
    assert doc["unassessed"][0]["reason"] == "the scan failed: ProbeTimeout"
    assert doc["registry"]["deleted"] == [{"name": "io.github.x/z", "version": "0.1"}]
    text = plain_text(doc)
    assert "B (80) -> F (20)" in text
    assert "deleted: io.github.x/z 0.1" in text


def test_the_csv_has_one_row_per_item() -> None:
    doc = build_digest(
        facts(
            events=[event(1, "e1", "high")],
            after={"e1": Standing(grade="F", score=20, verdict="block")},
        )
    )
    rows = list(csv.DictReader(io.StringIO(digest_csv(doc))))
    assert [r["section"] for r in rows] == ["drift", "new_blocks"]
    assert rows[0]["endpoint_url"] == URLS["e1"]
