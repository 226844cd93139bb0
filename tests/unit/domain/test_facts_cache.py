"""The domain facts cache: one fetch per key per window, shared by concurrent callers."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from probes.domain.cache import CachePolicy, FactsCache


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Source:
    """Counts fetches; answers "fail" for keys starting with "bad", raises for "boom"."""

    def __init__(self, delay: float = 0.0) -> None:
        self.calls: list[str] = []
        self.delay = delay

    def fetch(self, key: str) -> Callable[[], Awaitable[str]]:
        async def run() -> str:
            self.calls.append(key)
            await asyncio.sleep(self.delay)
            if key.startswith("boom"):
                raise RuntimeError(key)
            return "fail" if key.startswith("bad") else f"value:{key}"

        return run


def cache(clock: Clock, policy: CachePolicy | None = None) -> FactsCache[str]:
    return FactsCache(policy or CachePolicy(), is_failure=lambda v: v == "fail", clock=clock)


async def test_concurrent_callers_share_one_fetch() -> None:
    source, clock = Source(delay=0.05), Clock()
    facts = cache(clock)
    results = await asyncio.gather(*(facts.get("a.com", source.fetch("a.com")) for _ in range(20)))
    assert results == ["value:a.com"] * 20
    assert source.calls == ["a.com"]
    assert (facts.hits, facts.misses) == (19, 1)


async def test_answers_expire_after_ttl_and_failures_sooner() -> None:
    source, clock = Source(), Clock()
    facts = cache(clock, CachePolicy(ttl_s=100.0, failure_ttl_s=10.0))
    await facts.get("a.com", source.fetch("a.com"))
    await facts.get("bad.com", source.fetch("bad.com"))
    clock.now += 11
    await facts.get("a.com", source.fetch("a.com"))
    await facts.get("bad.com", source.fetch("bad.com"))
    assert source.calls == ["a.com", "bad.com", "bad.com"]
    clock.now += 100
    await facts.get("a.com", source.fetch("a.com"))
    assert source.calls.count("a.com") == 2


async def test_exceptions_reach_every_caller_and_are_not_cached() -> None:
    source, clock = Source(delay=0.01), Clock()
    facts = cache(clock)
    results = await asyncio.gather(
        *(facts.get("boom.com", source.fetch("boom.com")) for _ in range(3)),
        return_exceptions=True,
    )
    assert all(isinstance(r, RuntimeError) for r in results)
    with pytest.raises(RuntimeError):
        await facts.get("boom.com", source.fetch("boom.com"))
    assert source.calls == ["boom.com", "boom.com"]
    assert len(facts) == 0


async def test_oldest_keys_are_evicted_beyond_the_bound() -> None:
    source, clock = Source(), Clock()
    facts = cache(clock, CachePolicy(max_entries=2))
    for key in ("a.com", "b.com", "c.com", "a.com"):
        await facts.get(key, source.fetch(key))
    assert source.calls == ["a.com", "b.com", "c.com", "a.com"]
    assert len(facts) == 2


async def test_zero_ttl_turns_caching_off() -> None:
    source, clock = Source(), Clock()
    facts = cache(clock, CachePolicy(ttl_s=0.0))
    for _ in range(3):
        await facts.get("a.com", source.fetch("a.com"))
    assert source.calls == ["a.com"] * 3
    assert len(facts) == 0


async def test_a_cancelled_caller_does_not_cancel_the_shared_fetch() -> None:
    source, clock = Source(delay=0.05), Clock()
    facts = cache(clock)
    first = asyncio.ensure_future(facts.get("a.com", source.fetch("a.com")))
    await asyncio.sleep(0.01)
    second = asyncio.ensure_future(facts.get("a.com", source.fetch("a.com")))
    first.cancel()
    assert await second == "value:a.com"
    assert source.calls == ["a.com"]
