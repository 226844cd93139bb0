#!/usr/bin/env python3
"""Server time of the dashboard's fleet page, as a ratio of the lookup route in the same run.

What is measured: a fresh SQLite database is migrated and seeded with N endpoints (10,000 and
100,000 by default), each with two completed, scored scans (the second a few points lower
for one endpoint in ten, so the week's falls have work to do) and one open drift event for
one in twenty. The real app (create_app) is driven in-process through Litestar's test
client, so the figures are the server's time: routing, access middleware, queries and
rendering, without a socket. For each N: the median of R requests to each route, each one
right after a lookup, and the median of the per-pair ratios, of
  - /v1/lookup?url= (the baseline: one cached read),
  - /ui/ (overview figures and table page 1, sorted by URL),
  - /ui/?cursor=... a page 90% of the way down the URL order (keyset, not OFFSET),
  - /ui/?sort=score&order=desc (a sort no index serves),
  - /ui/?verdict=block (a filter),
and the page weight (HTML + stylesheet + script, uncompressed, nothing cached).
Goals (issue 20): a page under 100 ms at 10,000 endpoints; a page under 200 KB.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from litestar.testing import AsyncTestClient
from sqlalchemy import insert

from trustsvc.api.app import create_app
from trustsvc.config.settings import Settings
from trustsvc.dashboard.table import Sort, TableQuery, encode_cursor
from trustsvc.store.db import Base, make_engine
from trustsvc.store.migrate import upgrade

CHUNK = 2_000
GRADES = (("A", 93, "allow"), ("B", 80, "allow"), ("C", 65, "warn"), ("F", 20, "block"))


def url_of(i: int) -> str:
    return f"https://mcp{i:06d}.bench.example/mcp"


async def seed(database_url: str, count: int) -> None:
    tables = Base.metadata.tables
    engine = make_engine(database_url)
    now = datetime.now(UTC)
    try:
        await upgrade(engine)
        for low in range(0, count, CHUNK):
            rows: dict[str, list[dict[str, Any]]] = {
                t: [] for t in ("endpoints", "scans", "scores", "drift_events")
            }
            for i in range(low, min(low + CHUNK, count)):
                eid, sid = str(uuid.uuid4()), ""
                rows["endpoints"].append(
                    {
                        "id": eid,
                        "url": url_of(i),
                        "scheme": "https",
                        "host": f"mcp{i:06d}.bench.example",
                        "port": 443,
                        "created_at": now - timedelta(days=3),
                    }
                )
                grade, score, verdict = GRADES[i % len(GRADES)]
                for n, at in enumerate((now - timedelta(days=2), now - timedelta(hours=i % 48))):
                    sid = str(uuid.uuid4())
                    rows["scans"].append(
                        {
                            "id": sid,
                            "endpoint_id": eid,
                            "reason": "bench",
                            "status": "completed",
                            "requested_at": at,
                            "assessed_at": at,
                            "error": None,
                        }
                    )
                    fell = n == 1 and i % 10 == 0
                    rows["scores"].append(
                        {
                            "scan_id": sid,
                            "policy_version": "bench",
                            "revision": 0,
                            "scored_at": at,
                            "score": score - (i % 30 if fell else 0),
                            "score_measured": score,
                            "grade": grade,
                            "verdict": verdict,
                            "confidence": 0.8,
                            "gates": [],
                            "dimensions": [],
                        }
                    )
                if i % 20 == 0:
                    rows["drift_events"].append(
                        {
                            "endpoint_id": eid,
                            "scan_id": sid,
                            "basis": "previous",
                            "surface": "tools",
                            "kind": "tool_description_changed",
                            "subject": "search",
                            "severity": "high",
                            "summary": "the description of tool search changed",
                            "before": None,
                            "after": None,
                            "before_digest": None,
                            "after_digest": None,
                            "text_diff": None,
                            "observed_at": now - timedelta(hours=1),
                            "acknowledged_at": None,
                            "acknowledged_by": None,
                            "ack_note": None,
                        }
                    )
            async with engine.begin() as conn:
                for table, batch in rows.items():
                    if batch:
                        await conn.execute(insert(tables[table]), batch)
    finally:
        await engine.dispose()


async def timed(client: AsyncTestClient[Any], path: str) -> tuple[float, int]:
    started = time.perf_counter()
    response = await client.get(path)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{path}: {response.status_code} {response.text[:300]}")
    return elapsed, len(response.content)


async def interleaved(
    client: AsyncTestClient[Any], path: str, baseline: str, repeat: int
) -> tuple[float, float, int]:
    """Median ms of the route, and the median of route/baseline over back-to-back pairs.

    Pairs, because the box is shared: a baseline measured a minute earlier can be 10x off.
    """
    await timed(client, path)  # warm: the fleet index's first load, template compilation
    times, ratios, size = [], [], 0
    for _ in range(repeat):
        base, _ = await timed(client, baseline)
        ms, size = await timed(client, path)
        times.append(ms)
        ratios.append(ms / base)
    return statistics.median(times), statistics.median(ratios), size


async def measure(count: int, repeat: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        database_url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        started = time.perf_counter()
        await seed(database_url, count)
        print(f"\n{count:,} endpoints seeded in {time.perf_counter() - started:.1f} s")
        deep_url = url_of(count * 9 // 10)
        deep = encode_cursor(TableQuery(sort=Sort.URL), deep_url, deep_url)
        routes = {
            "lookup (baseline)": f"/v1/lookup?url={quote(url_of(count // 2))}",
            "fleet page 1": "/ui/",
            "fleet deep page": f"/ui/?cursor={deep}",
            "sorted by score": "/ui/?sort=score&order=desc",
            "filter verdict=block": "/ui/?verdict=block",
        }
        app = create_app(Settings(database_url=database_url, auto_migrate=True))
        baseline = routes.pop("lookup (baseline)")
        async with AsyncTestClient(app=app) as client:
            started = time.perf_counter()
            await timed(client, "/ui/")
            print(f"  first fleet page (loads the index): {time.perf_counter() - started:.1f} s")
            lookup = statistics.median([(await timed(client, baseline))[0] for _ in range(repeat)])
            print(f"  {'lookup (baseline)':24} {lookup:8.1f} ms")
            html = 0
            for name, path in routes.items():
                ms, ratio, size = await interleaved(client, path, baseline, repeat)
                html = html or size
                print(f"  {name:24} {ms:8.1f} ms  x{ratio:7.1f} of lookup  {size / 1024:6.1f} KB")
            css = len((await client.get("/ui/static/dashboard.css")).content)
            js = len((await client.get("/ui/static/dashboard.js")).content)
        print(f"  page weight: {(html + css + js) / 1024:.1f} KB (html {html}, css {css}, js {js})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    for count in args.counts:
        asyncio.run(measure(count, args.repeat))


if __name__ == "__main__":
    main()
