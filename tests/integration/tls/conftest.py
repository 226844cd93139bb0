"""Fixtures for the TLS integration tests: the lab PKI and probe contexts for loopback scans."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from probes.children import ChildPool
from probes.context import ProbeContext, ProbeLimits
from probes.netpolicy import NetworkPolicy
from probes.tls import scan as tls_scan
from tests.servers.pki import LabPki, mint_lab_pki

# Short timeouts keep hostile-server tests quick; loopback scans never come close to them.
HOSTILE_LIMITS = ProbeLimits(family_budget_s=2.0, network_timeout_s=0.5, network_retries=1)


@pytest.fixture(scope="session")
def lab_pki(tmp_path_factory: pytest.TempPathFactory) -> LabPki:
    """A root CA and one leaf per scenario, minted once per test session."""
    directory: Path = tmp_path_factory.mktemp("lab-pki")
    return mint_lab_pki(directory)


@pytest.fixture
def hostile_context(lab_pki: LabPki) -> Iterator[ProbeContext]:
    """A context with a small budget; its pools end after the test (children are killed)."""
    ctx = ProbeContext(
        policy=NetworkPolicy(allow_private=True),
        limits=HOSTILE_LIMITS,
        ca_file=lab_pki.ca_cert,
        children=ChildPool(size=2, preload=(tls_scan.__name__,)),
    )
    # The budget is short: children that import sslyze within it would time out instead.
    asyncio.run(ctx.children.warm())  # the pool serves any loop: this one is short-lived
    yield ctx
    ctx.close()
