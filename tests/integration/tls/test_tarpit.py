"""A TLS tarpit costs its own scan's budget and nothing else (issue 16).

The tarpit relays sslyze's connectivity check to a real lab server, so the scan proceeds, and
then accepts and holds every later connection without a byte. sslyze would wait on those for
minutes; the collector's child is killed when the family budget runs out. Meanwhile and
afterwards a healthy endpoint is scanned through the same pool, and the tarpit counts the
connections it still holds: none, once its scan has ended.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from probes.children import ChildPool
from probes.context import ProbeContext, ProbeLimits
from probes.model import AttemptStatus, ErrorReason, Outcome
from probes.netpolicy import NetworkPolicy
from probes.runner import RunResult, run_families
from probes.target import Target, parse_endpoint_url
from probes.tls import scan as tls_scan
from probes.tls.family import TLS_FAMILY
from tests.servers.pki import LabPki
from tests.servers.tls import LabTlsConfig, LabTlsServer, Tarpit, tarpit_server

# Long enough for a loopback scan on a loaded machine, short enough to keep the test quick;
# sslyze alone would stay in the tarpit for minutes (every held connection costs it a
# network timeout, and it has hundreds to make).
TARPIT_BUDGET_S = 15.0
LIMITS = ProbeLimits(family_budget_s=TARPIT_BUDGET_S, network_timeout_s=5.0, network_retries=1)
# sslyze's connectivity check makes three connections; the tarpit lets those through.
CONNECTIVITY_CONNECTIONS = 3
GENEROUS_S = 60.0


def lab_target(port: int) -> Target:
    return Target(
        endpoint=parse_endpoint_url(f"https://localhost:{port}/mcp"), addresses=("127.0.0.1",)
    )


@pytest.fixture
def ctx(lab_pki: LabPki) -> Iterator[ProbeContext]:
    """Two children with sslyze imported before the clock matters (that takes a while)."""
    context = ProbeContext(
        policy=NetworkPolicy(allow_private=True),
        limits=LIMITS,
        ca_file=lab_pki.ca_cert,
        children=ChildPool(size=2, preload=(tls_scan.__name__,)),
    )
    asyncio.run(context.children.warm())  # the pool serves any loop: this one is short-lived
    yield context
    context.close()


def healthy_config(lab_pki: LabPki) -> LabTlsConfig:
    return LabTlsConfig(chain=lab_pki["valid"].chain, key=lab_pki["valid"].key)


def assert_completed_clean(result: RunResult) -> None:
    (attempt,) = result.attempts
    assert attempt.status is AttemptStatus.COMPLETED, attempt.detail
    assert Outcome.NOT_AVAILABLE not in {f.outcome for f in result.findings}


async def scan_held_in(tarpit: Tarpit, ctx: ProbeContext) -> asyncio.Task[RunResult]:
    """Start the tarpit's scan and return once the tarpit holds its connections."""
    scan = asyncio.create_task(run_families(lab_target(tarpit.port), ctx, (TLS_FAMILY,)))
    holding = await asyncio.to_thread(tarpit.wait_held, lambda n: n > 0, GENEROUS_S)
    assert holding, "the scan never reached the tarpit's held connections"
    return scan


async def test_a_tarpit_costs_its_own_budget_and_nothing_else(
    lab_pki: LabPki, ctx: ProbeContext
) -> None:
    config = healthy_config(lab_pki)
    with (
        LabTlsServer(config) as behind,
        LabTlsServer(config) as healthy,
        tarpit_server(behind.port, hand_over=CONNECTIVITY_CONNECTIONS) as tarpit,
    ):
        stuck = await scan_held_in(tarpit, ctx)

        during = await run_families(lab_target(healthy.port), ctx, (TLS_FAMILY,))
        assert_completed_clean(during)
        assert not stuck.done()  # the healthy scan ended inside the tarpit's budget

        result = await stuck
        (attempt,) = result.attempts
        assert (attempt.status, attempt.reason) == (AttemptStatus.ERROR, ErrorReason.TIMEOUT)
        assert "killed" in attempt.detail
        # Not measured is never a pass: every TLS probe is NOT_AVAILABLE.
        assert {f.outcome for f in result.findings} == {Outcome.NOT_AVAILABLE}

        # The child died with the scan, so the kernel closed every connection it held.
        closed = await asyncio.to_thread(tarpit.wait_held, lambda n: n == 0, GENEROUS_S)
        assert closed, f"{tarpit.held} connections still held after the scan ended"

        accepted = tarpit.accepted

        after = await run_families(lab_target(healthy.port), ctx, (TLS_FAMILY,))
        assert_completed_clean(after)
        # Nothing of the tarpit's scan lives on to connect again.
        assert (tarpit.held, tarpit.accepted) == (0, accepted)
