"""Stored fleets for the dashboard's tests: rows written as the scan service stores them.

The fleet pages read only what is stored, so the volume tests write endpoint, scan, score
and drift rows directly (the bench does the same); tests/integration/dashboard/test_browser.py
adds endpoints assessed by real scans of lab servers.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert

from trustsvc.store.db import Base, make_engine


@dataclass(frozen=True)
class Stored:
    """One endpoint and its scores, oldest first (none: never assessed)."""

    url: str
    scores: Sequence[tuple[int, str, str]] = ()  # (score, grade, verdict)
    hours_ago: float = 1.0
    open_drift: int = 0
    endpoint_id: str = field(default_factory=lambda: str(uuid.uuid4()))


def _score(scan_id: str, at: datetime, score: int, grade: str, verdict: str) -> dict[str, Any]:
    return {
        "scan_id": scan_id,
        "policy_version": "test",
        "revision": 0,
        "scored_at": at,
        "score": score,
        "score_measured": score,
        "grade": grade,
        "verdict": verdict,
        "confidence": 0.75,
        "gates": [],
        "dimensions": [],
    }


def _drift(endpoint_id: str, scan_id: str, at: datetime, subject: str) -> dict[str, Any]:
    return {
        "endpoint_id": endpoint_id,
        "scan_id": scan_id,
        "basis": "previous",
        "surface": "tools",
        "kind": "tool_description_changed",
        "subject": subject,
        "severity": "high",
        "summary": f"the description of tool {subject} changed",
        "before": None,
        "after": None,
        "before_digest": None,
        "after_digest": None,
        "text_diff": None,
        "observed_at": at,
        "acknowledged_at": None,
        "acknowledged_by": None,
        "ack_note": None,
    }


async def store(database_url: str, fleet: Sequence[Stored], now: datetime | None = None) -> None:
    """Insert the fleet (the schema must exist)."""
    now = now or datetime.now(UTC)
    rows: dict[str, list[dict[str, Any]]] = {
        t: [] for t in ("endpoints", "scans", "scores", "drift_events")
    }
    for item in fleet:
        rows["endpoints"].append(
            {
                "id": item.endpoint_id,
                "url": item.url,
                "scheme": "https",
                "host": "fleet.test",
                "port": 443,
                "created_at": now - timedelta(days=3),
            }
        )
        count = len(item.scores)
        for n, (score, grade, verdict) in enumerate(item.scores):
            at = now - timedelta(hours=item.hours_ago + (count - 1 - n) * 24)
            scan_id = str(uuid.uuid4())
            rows["scans"].append(
                {
                    "id": scan_id,
                    "endpoint_id": item.endpoint_id,
                    "reason": "test",
                    "status": "completed",
                    "requested_at": at,
                    "assessed_at": at,
                    "error": None,
                }
            )
            rows["scores"].append(_score(scan_id, at, score, grade, verdict))
            if n == count - 1:
                rows["drift_events"].extend(
                    _drift(item.endpoint_id, scan_id, at, f"tool{k}")
                    for k in range(item.open_drift)
                )
    engine = make_engine(database_url)
    try:
        async with engine.begin() as conn:
            for table, batch in rows.items():
                if batch:
                    await conn.execute(insert(Base.metadata.tables[table]), batch)
    finally:
        await engine.dispose()
