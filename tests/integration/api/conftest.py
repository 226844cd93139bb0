"""API fixtures: the real app over a fresh database, and real TLS lab servers on loopback."""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from probes.context import ProbeLimits
from probes.netpolicy import NetworkPolicy
from trustsvc.api.app import create_app
from trustsvc.config.access import AccessSettings, RateLimit
from trustsvc.config.settings import ProbeSettings, Settings
from trustsvc.lab.pki import LabPki, mint_lab_pki
from trustsvc.lab.tls_server import LabTlsConfig, LabTlsServer


@pytest.fixture(scope="session")
def lab_pki(tmp_path_factory: pytest.TempPathFactory) -> LabPki:
    return mint_lab_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session")
def good_server(lab_pki: LabPki) -> Iterator[LabTlsServer]:
    with LabTlsServer(
        LabTlsConfig(chain=lab_pki["valid"].chain, key=lab_pki["valid"].key)
    ) as server:
        yield server


@pytest.fixture(scope="session")
def expired_server(lab_pki: LabPki) -> Iterator[LabTlsServer]:
    with LabTlsServer(
        LabTlsConfig(chain=lab_pki["expired"].chain, key=lab_pki["expired"].key)
    ) as server:
        yield server


UNLIMITED_SCANS = AccessSettings(scan_rate=RateLimit.per_min(0))
"""Functional tests request more scans than the default per-address budget allows at once;
tests/integration/api/test_access.py checks the limit itself."""


def loopback_settings(
    database_url: str, ca_file: Path, *, budget_s: float = 60.0, network_timeout_s: float = 5.0
) -> Settings:
    """Only 127.0.0.0/8 is allowed, as an operator's CIDR allow-list would."""
    return Settings(
        access=UNLIMITED_SCANS,
        database_url=database_url,
        probes=ProbeSettings(
            policy=NetworkPolicy(allowed_networks=(ipaddress.ip_network("127.0.0.0/8"),)),
            limits=ProbeLimits(family_budget_s=budget_s, network_timeout_s=network_timeout_s),
            ca_file=ca_file,
        ),
        auto_migrate=True,
    )


@pytest.fixture
async def client(tmp_path: Path, lab_pki: LabPki) -> AsyncIterator[AsyncTestClient[Litestar]]:
    settings = loopback_settings(f"sqlite+aiosqlite:///{tmp_path / 'api.db'}", lab_pki.ca_cert)
    async with AsyncTestClient(app=create_app(settings)) as test_client:
        yield test_client
