"""Digests over real drift: an MCP SDK server whose tool turns poisoned between sweeps, and
one whose certificate is replaced by one from another issuer (mailed to aiosmtpd)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import email
import email.policy
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.integration.api.conftest import loopback_settings
from tests.integration.drift.support import sweep_once
from tests.integration.drift.test_rug_pull import HONEST, POISONED, search
from tests.servers.mcp import mcp_server
from tests.servers.smtp import SmtpServer
from tests.servers.webhook_receiver import WebhookReceiver
from trustsvc.config.digests import SmtpSettings
from trustsvc.digests.repository import create_subscription
from trustsvc.digests.spec import check_subscription
from trustsvc.lab.pki import LabPki
from trustsvc.services import AppServices, open_services


@pytest.fixture
async def app(tmp_path: Path, lab_pki: LabPki) -> AsyncIterator[AppServices]:
    settings = loopback_settings(
        f"sqlite+aiosqlite:///{tmp_path / 'digest.db'}", lab_pki.ca_cert, budget_s=20
    )
    async with open_services(settings) as services:
        yield services


async def test_the_digest_reports_the_poisoned_tool_with_its_endpoint(
    app: AppServices, receiver: WebhookReceiver
) -> None:
    start = app.clock() - dt.timedelta(seconds=1)
    spec = check_subscription(
        name="rug",
        schedule="daily",
        min_severity="high",
        webhook_url=receiver.url,
        policy=app.scans.ctx.policy,
    )
    async with app.sessions.begin() as session:
        row = await create_subscription(session, spec, now=start)
        assert row is not None
    with mcp_server(HONEST, mode="json") as server:
        assert await sweep_once(app, server.url) == []
        server.mcp.remove_tool("search")
        server.mcp.add_tool(search, name="search", description=POISONED, annotations=None)
        assert await sweep_once(app, server.url) != []
        run = await app.digests.run_now("rug")
    assert run is not None
    assert run.status == "delivered", run.last_error
    doc = json.loads(receiver.requests[0].body)
    [endpoint] = doc["endpoints"]
    assert endpoint["url"] == server.url
    assert endpoint["link"].endswith(f"/v1/endpoints/{endpoint['endpoint_id']}")
    kinds = [(e["kind"], e["severity"], e["acknowledged"]) for e in endpoint["events"]]
    assert ("tool_poisoned", "critical", False) in kinds
    reason = next(e["reason"] for e in endpoint["events"] if e["kind"] == "tool_poisoned")
    assert "hidden instructions" in reason
    assert doc["counts"]["open"] == doc["counts"]["events"] >= 1


async def test_a_certificate_change_reaches_the_inbox(app: AppServices, lab_pki: LabPki) -> None:
    start = app.clock() - dt.timedelta(seconds=1)
    spec = check_subscription(
        name="certs",
        schedule="weekly",
        min_severity="high",
        digest_format="email",
        email_to=["pki@example.com"],
        policy=app.scans.ctx.policy,
    )
    async with app.sessions.begin() as session:
        assert await create_subscription(session, spec, now=start) is not None
    valid, selfsigned = lab_pki["valid"], lab_pki["selfsigned"]
    with mcp_server(mode="json", tls=(valid.chain, valid.key)) as server:
        url, port = server.url, server.port
        assert await sweep_once(app, url) == []
    with mcp_server(mode="json", port=port, tls=(selfsigned.chain, selfsigned.key)):
        await sweep_once(app, url)
    with SmtpServer() as smtp:
        smtp_settings = SmtpSettings(host="127.0.0.1", port=smtp.port, security="none")
        app.digests.settings = dataclasses.replace(app.digests.settings, smtp=smtp_settings)
        run = await app.digests.run_now("certs")
        assert run is not None
        assert run.status == "delivered", run.last_error
        [accepted] = smtp.messages
    message = email.message_from_bytes(accepted.data, policy=email.policy.default)
    text = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    body = text.get_content()
    assert url in body
    assert "[HIGH] The certificate issuer changed from" in body
