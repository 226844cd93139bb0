"""The key cache: one query per key however many ask, the previous answer while refreshing."""

from __future__ import annotations

import asyncio

import pytest

from trustsvc.auth.key_cache import _SingleFlight


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_concurrent_misses_run_one_query() -> None:
    queries = 0
    release = asyncio.Event()

    async def load() -> str:
        nonlocal queries
        queries += 1
        await release.wait()
        return "value"

    cache = _SingleFlight[str](10.0, Clock(), 100)
    waiting = [asyncio.create_task(cache.get("k", load)) for _ in range(50)]
    await asyncio.sleep(0)
    release.set()
    assert await asyncio.gather(*waiting) == ["value"] * 50
    assert queries == 1


async def test_a_stale_value_is_served_while_one_refresh_runs_then_replaced() -> None:
    clock = Clock()
    answers = iter(["old", "new"])
    release = asyncio.Event()
    release.set()

    async def load() -> str:
        await release.wait()
        return next(answers)

    cache = _SingleFlight[str](10.0, clock, 100)
    assert await cache.get("k", load) == "old"
    clock.now = 15.0  # stale, but within one more period
    release.clear()
    assert [await cache.get("k", load) for _ in range(3)] == ["old"] * 3
    release.set()
    await asyncio.sleep(0.01)
    assert await cache.get("k", load) == "new"


async def test_too_old_a_value_waits_for_the_refresh_and_zero_ttl_never_serves_stale() -> None:
    clock = Clock()
    counter = iter(range(100))

    async def load() -> int:
        return next(counter)

    cache = _SingleFlight[int](10.0, clock, 100)
    assert await cache.get("k", load) == 0
    clock.now = 25.0
    assert await cache.get("k", load) == 1
    uncached = _SingleFlight[int](0.0, clock, 100)
    assert [await uncached.get("k", load) for _ in range(3)] == [2, 3, 4]


async def test_a_failed_load_reaches_the_waiting_caller_and_is_retried() -> None:
    calls = 0

    async def load() -> str:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ConnectionError("database down")
        return "ok"

    cache = _SingleFlight[str](10.0, Clock(), 100)
    with pytest.raises(ConnectionError, match="database down"):
        await cache.get("k", load)
    assert await cache.get("k", load) == "ok"
