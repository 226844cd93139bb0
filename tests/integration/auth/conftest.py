"""Fixtures for the auth integration tests: the lab PKI and loopback-only probe contexts."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from probes.context import ProbeContext
from tests.integration.auth.support import LIMITS, LOOPBACK, ContextFactory
from trustsvc.lab.pki import LabPki, mint_lab_pki


@pytest.fixture(scope="session")
def lab_pki(tmp_path_factory: pytest.TempPathFactory) -> LabPki:
    """A root CA and lab leaves (127.0.0.1 in their SANs), minted once per session."""
    directory: Path = tmp_path_factory.mktemp("auth-pki")
    return mint_lab_pki(directory)


@pytest.fixture
def make_ctx(lab_pki: LabPki) -> Iterator[ContextFactory]:
    """Build loopback-only contexts trusting the lab CA; their pools are drained afterwards."""
    made: list[ProbeContext] = []

    def factory(extra_headers: Mapping[str, str] | None = None) -> ProbeContext:
        ctx = ProbeContext(
            policy=LOOPBACK,
            limits=LIMITS,
            ca_file=lab_pki.ca_cert,
            extra_headers=dict(extra_headers or {}),
        )
        made.append(ctx)
        return ctx

    yield factory
    for ctx in made:
        ctx.executor.shutdown(wait=True)
