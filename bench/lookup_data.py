"""The stored data bench/lookup.py serves: 10,000 endpoints, each with one completed, scored scan.

Rows go in as bulk Core inserts, 1,000 endpoints per transaction, rather than through
ScanRepository.complete (one ORM flush per scan), so 350,000 rows load in seconds. Findings
are the full TLS catalogue's, in a few realistic postures, scored by score_findings once per
posture and stored exactly as the repository stores them (finding_values, score_row).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import create_async_engine

from probes.registry import catalogue
from probes.target import parse_endpoint_url
from trustsvc.scoring.aggregate import score_findings
from trustsvc.store.db import Base, make_engine
from trustsvc.store.migrate import upgrade
from trustsvc.store.repositories import SCAN_COMPLETED, score_row
from trustsvc.store.rows import finding_values

CHUNK = 1_000  # endpoints per insert transaction
ENDPOINT_COLUMNS = ("id", "url", "scheme", "host", "port", "created_at")
SCAN_COLUMNS = ("id", "endpoint_id", "reason", "status", "requested_at", "assessed_at", "error")
ATTEMPT = {
    "family": "tls",
    "status": "completed",
    "reason": None,
    "detail": "completed",
    "elapsed_ms": 700,
}
SCORE_COLUMNS = ("policy_version", "score", "score_measured", "grade", "verdict", "confidence")
# Postures to cycle through: (probe ids with the bad outcome, SSL Labs-style grade, score).
PROFILES = (
    ((), "A", 93),
    (("tls_1_0_offered", "tls_1_1_offered", "tls_rating_below_a"), "B", 80),
    (("tls_certificate_expired", "tls_certificate_untrusted", "tls_rating_below_a"), "T", 0),
    (("tls_hsts_enforced",), "A", 90),
)


def rows_per_endpoint() -> int:
    """Endpoint, scan, attempt and score rows, plus one finding per catalogued probe."""
    return 4 + len(catalogue())


def _profiles() -> list[tuple[list[dict[str, Any]], dict[str, Any]]]:
    """Stored forms of the findings and score of each posture (scoring is pure: once each)."""
    specs, out = catalogue(), []
    for bad, grade, final in PROFILES:
        findings = []
        for spec in specs.values():
            evidence: dict[str, str | int] = {"ip_address": "203.0.113.10", "port": 443}
            if spec.id == "tls_rating_below_a":
                evidence |= {"rating_grade": grade, "final_score": final}
            word = "Bad" if spec.id in bad else "Good"
            findings.append(
                spec.judged(spec.id in bad, f"{word}: {spec.question}", evidence=evidence)
            )
        row = score_row("-", score_findings(findings, specs), scored_at=datetime.now(UTC))
        score = {c: getattr(row, c) for c in SCORE_COLUMNS}
        score |= {"gates": row.gates, "dimensions": row.dimensions}
        out.append(([finding_values(f) for f in findings], score))
    return out


def submitted_url(i: int) -> str:
    """What an agent would send for endpoint i; one in four needs normalising."""
    if i % 4 == 0:
        return f"HTTPS://MCP{i}.Bench.Example:443/mcp"
    if i % 4 == 1:
        return f"https://api{i}.bench.example:8443/v1/mcp"
    return f"https://mcp{i}.bench.example/mcp"


async def load_database(url: str, count: int) -> tuple[float, float]:
    """Migrate, then insert `count` endpoints with a scored scan each; the seconds of both."""
    tables, profiles = Base.metadata.tables, _profiles()
    engine = make_engine(url)
    try:
        started = time.perf_counter()
        await upgrade(engine)
        migrated, now = time.perf_counter(), datetime.now(UTC)
        for low in range(0, count, CHUNK):
            rows: dict[str, list[dict[str, Any]]] = {
                t: [] for t in ("endpoints", "scans", "attempts", "findings", "scores")
            }
            for i in range(low, min(low + CHUNK, count)):
                endpoint, at = parse_endpoint_url(submitted_url(i)), now - timedelta(seconds=i)
                eid, sid = str(uuid.uuid4()), str(uuid.uuid4())
                findings, score = profiles[i % len(profiles)]
                ep = (eid, endpoint.url, endpoint.scheme, endpoint.host, endpoint.port, at)
                scan = (sid, eid, "bench", SCAN_COMPLETED, at, at, None)
                rows["endpoints"].append(dict(zip(ENDPOINT_COLUMNS, ep, strict=True)))
                rows["scans"].append(dict(zip(SCAN_COLUMNS, scan, strict=True)))
                rows["attempts"].append({**ATTEMPT, "scan_id": sid})
                rows["findings"].extend({**f, "scan_id": sid} for f in findings)
                rows["scores"].append({**score, "scan_id": sid, "scored_at": at})
            async with engine.begin() as conn:
                for table, batch in rows.items():
                    await conn.execute(insert(tables[table]), batch)
        return migrated - started, time.perf_counter() - migrated
    finally:
        await engine.dispose()


async def _admin(url: URL, statement: str) -> None:
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(statement))
    finally:
        await engine.dispose()


@contextlib.contextmanager
def postgres_database(server_url: str) -> Iterator[str]:
    """A throw-away database on the server, dropped on exit (also on Ctrl-C)."""
    admin, name = make_url(server_url), f"trustsvc_bench_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(admin, f'CREATE DATABASE "{name}"'))
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(_admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        print(f"dropped PostgreSQL database {name}")
