"""A replaced certificate and an endpoint that drops auth, through the scheduler's jobs.

The auth case runs under the real APScheduler job table (re-probe, then webhook delivery),
and the drift reaches a real HTTP receiver as a signed Slack-compatible message.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.integration.api.conftest import loopback_settings
from tests.integration.drift.support import kinds, make_due, sweep_once
from tests.servers.mcp import mcp_server
from tests.servers.webhook_receiver import WebhookReceiver
from trustsvc.config.schedule import ScheduleSettings
from trustsvc.config.settings import Settings
from trustsvc.drift.models import DriftEventRow
from trustsvc.jobs.runner import running_scheduler
from trustsvc.lab.pki import LabPki
from trustsvc.services import AppServices, open_services
from trustsvc.webhooks.repository import create_webhook
from trustsvc.webhooks.signing import verify

SIGNATURE = "x-trustsvc-signature"


@pytest.fixture
def settings(tmp_path: Path, lab_pki: LabPki) -> Settings:
    base = loopback_settings(
        f"sqlite+aiosqlite:///{tmp_path / 'drift.db'}", lab_pki.ca_cert, budget_s=30
    )
    schedule = ScheduleSettings(sweep_s=0.2, deliver_s=0.2, drain_s=3600, drift_report_s=0)
    return dataclasses.replace(base, schedule=schedule)


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[AppServices]:
    async with open_services(settings) as services:
        yield services


async def test_a_certificate_from_a_new_issuer_is_high_drift(
    app: AppServices, lab_pki: LabPki
) -> None:
    valid, selfsigned = lab_pki["valid"], lab_pki["selfsigned"]
    with mcp_server(mode="json", tls=(valid.chain, valid.key)) as server:
        url, port = server.url, server.port
        assert await sweep_once(app, url) == []
    with mcp_server(mode="json", port=port, tls=(selfsigned.chain, selfsigned.key)):
        events = await sweep_once(app, url)
    changed = [e for e in events if e.surface == "tls"]
    assert kinds(changed) == [("certificate_issuer_changed", "cert:leaf", "high")]
    assert isinstance(changed[0].before, dict)
    assert isinstance(changed[0].after, dict)
    assert changed[0].before["issuer"] != changed[0].after["issuer"]
    assert changed[0].before["fingerprint"] != changed[0].after["fingerprint"]


async def test_auth_dropped_reaches_a_webhook_through_the_scheduler(
    app: AppServices, settings: Settings
) -> None:
    async with WebhookReceiver() as receiver:
        async with app.sessions.begin() as session:
            hook = await create_webhook(
                session,
                url=receiver.url,
                min_severity="high",
                payload_format="slack",
                description="drift channel",
                now=app.clock(),
            )
        with mcp_server(mode="json", auth=True) as server:
            url, port = server.url, server.port
            assert await sweep_once(app, url) == []
        with mcp_server(mode="json", port=port, auth=False):
            endpoint_id = await make_due(app, url)
            async with running_scheduler(app, settings):
                await _until(lambda: _events(app, endpoint_id))
                await _until(lambda: _count(receiver.requests))
    weakened = [e for e in await _event_rows(app, endpoint_id) if e.kind == "auth_weakened"]
    assert [(e.subject, e.severity) for e in weakened] == [("auth:model", "critical")]
    assert weakened[0].before == {"model": "oauth"}
    assert weakened[0].after == {"model": "none"}
    request = receiver.requests[0]
    assert verify(hook.secret, request.headers[SIGNATURE], request.body, now=app.clock())
    message = json.loads(request.body)
    assert message["text"].startswith(f"[CRITICAL] {url}")
    assert "auth" in message["text"].lower()


async def _until(check: Callable[[], Awaitable[int]], timeout_s: float = 60.0) -> None:
    """Poll state another task changes (the scheduler's jobs); there is no event to await."""
    async with asyncio.timeout(timeout_s):
        while not await check():  # noqa: ASYNC110 - polling the database and the receiver
            await asyncio.sleep(0.1)


async def _count(items: Sequence[object]) -> int:
    return len(items)


async def _events(app: AppServices, endpoint_id: str) -> int:
    async with app.sessions() as session:
        query = select(func.count()).where(DriftEventRow.endpoint_id == endpoint_id)
        return int(await session.scalar(query) or 0)


async def _event_rows(app: AppServices, endpoint_id: str) -> list[DriftEventRow]:
    async with app.sessions() as session:
        rows = await session.scalars(
            select(DriftEventRow).where(DriftEventRow.endpoint_id == endpoint_id)
        )
        return list(rows)
