"""Token buckets with a fake clock: bursts, refill, Retry-After, independent callers."""

from __future__ import annotations

import pytest

from trustsvc.api.ratelimit import TokenBuckets
from trustsvc.config.access import RateLimit


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_is_allowed_then_refused_with_the_wait_until_the_next_token() -> None:
    clock = Clock()
    buckets = TokenBuckets(RateLimit(per_minute=60, burst=3), clock)
    assert [buckets.take("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert buckets.take("a") == pytest.approx(1.0)
    clock.now += 0.5
    assert buckets.take("a") == pytest.approx(0.5)
    clock.now += 0.5
    assert buckets.take("a") == 0.0
    assert buckets.take("a") == pytest.approx(1.0)


def test_callers_have_their_own_buckets_and_refill_caps_at_the_burst() -> None:
    clock = Clock()
    buckets = TokenBuckets(RateLimit(per_minute=6, burst=2), clock)
    assert buckets.take("a") == buckets.take("a") == 0.0
    assert buckets.take("a") > 0
    assert buckets.take("b") == 0.0
    clock.now += 3600
    assert [buckets.take("a") for _ in range(3)][:2] == [0.0, 0.0]
    assert buckets.take("a") == pytest.approx(10.0)


def test_a_zero_rate_is_unlimited() -> None:
    buckets = TokenBuckets(RateLimit.per_min(0), Clock())
    assert all(buckets.take("a") == 0.0 for _ in range(10_000))


def test_the_default_burst_is_ten_seconds_worth() -> None:
    assert RateLimit.per_min(30) == RateLimit(per_minute=30, burst=5)
    assert RateLimit.per_min(1).burst == 1
