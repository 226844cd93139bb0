"""`trustsvc sync` as an operator runs it: the console script against a loopback upstream."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import sys
from pathlib import Path

from tests.servers.registry import FakeRegistry, make_entry

TRUSTSVC = str(Path(sys.executable).parent / "trustsvc")


async def run(*args: str, database: Path, retries: int = 4) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        TRUSTSVC,
        "sync",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={
            **os.environ,
            "TRUSTSVC_DATABASE_URL": f"sqlite+aiosqlite:///{database}",
            "TRUSTSVC_REGISTRY_RETRIES": str(retries),
        },
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=120)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


async def test_full_then_incremental_runs_print_their_counts(tmp_path: Path) -> None:
    database = tmp_path / "sync.db"
    async with FakeRegistry() as upstream:
        yesterday = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
        for i in range(4):
            upstream.add(make_entry(f"com.example/s{i}", "1.0.0", published_at=yesterday))
        code, out, err = await run("--registry", upstream.url, "--full", database=database)
        assert code == 0, err
        assert out.startswith("sync completed: full, 1 pages, 4 rows (4 added, 0 changed")
        upstream.clock.advance(3600)  # beyond the 5-minute overlap
        upstream.deprecate("com.example/s1", "1.0.0")
        code, out, err = await run("--registry", upstream.url, database=database)
        assert code == 0, err
        assert out.startswith("sync completed: incremental, 1 pages, 1 rows (0 added, 1 changed")


async def test_an_unreachable_upstream_is_a_recorded_failure(tmp_path: Path) -> None:
    code, out, err = await run(
        "--registry", "http://127.0.0.1:9", database=tmp_path / "s.db", retries=0
    )
    assert code == 1
    assert out.startswith("sync failed: full, 0 pages")
    assert err.count("\n") == 1
    assert "sync failed: UpstreamError" in err
