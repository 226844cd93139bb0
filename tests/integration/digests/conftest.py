"""Digest fixtures: the API tests' lab PKI and a webhook receiver on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.integration.api.conftest import lab_pki
from tests.servers.webhook_receiver import WebhookReceiver

__all__ = ["lab_pki"]


@pytest.fixture
async def receiver() -> AsyncIterator[WebhookReceiver]:
    async with WebhookReceiver() as server:
        yield server
