"""A loopback-only probe context and targets whose hosts never reach a resolver."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

import pytest

from probes.context import ProbeContext, ProbeLimits
from probes.netpolicy import NetworkPolicy
from probes.target import Target, parse_endpoint_url

LIMITS = ProbeLimits(request_timeout_s=1.0, network_timeout_s=1.0, max_body_bytes=64_000)


@pytest.fixture
def ctx() -> Iterator[ProbeContext]:
    context = ProbeContext(
        policy=NetworkPolicy(allowed_networks=(ipaddress.ip_network("127.0.0.0/8"),)),
        limits=LIMITS,
    )
    yield context
    context.executor.shutdown(wait=False, cancel_futures=True)


async def no_dns(host: str, port: int) -> list[str]:
    """The machine's DNS is off-box: any lookup in these tests is a bug."""
    raise AssertionError(f"unexpected DNS lookup of {host}:{port}")


def target(url: str) -> Target:
    """A target pinned to loopback without resolving its host."""
    return Target(endpoint=parse_endpoint_url(url), addresses=("127.0.0.1",))
