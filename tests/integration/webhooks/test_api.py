"""The webhooks API over the real app: create, list, delivery log, delete, problems."""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from probes.netpolicy import NetworkPolicy
from tests.integration.webhooks.conftest import Sessions, deliverer, record_events
from tests.servers.registry import Clock
from tests.servers.webhook_receiver import WebhookReceiver, failing
from trustsvc.api.app import create_app
from trustsvc.config.settings import ProbeSettings, Settings
from trustsvc.store.db import make_engine, make_sessionmaker
from trustsvc.webhooks.signing import verify

Client = AsyncTestClient[Litestar]
PROBLEM = "application/problem+json"
LOOPBACK = NetworkPolicy(allowed_networks=(ipaddress.ip_network("127.0.0.0/8"),))


def settings(database_url: str, policy: NetworkPolicy = LOOPBACK) -> Settings:
    return Settings(
        database_url=database_url, probes=ProbeSettings(policy=policy), auto_migrate=True
    )


@pytest.fixture
async def api(database_url: str) -> AsyncIterator[tuple[Client, Sessions]]:
    """The app, and sessions on its database for what a scan would have stored."""
    async with AsyncTestClient(app=create_app(settings(database_url))) as client:
        engine = make_engine(database_url)
        try:
            yield client, make_sessionmaker(engine)
        finally:
            await engine.dispose()


async def test_webhooks_round_trip(
    api: tuple[Client, Sessions], receiver: WebhookReceiver, clock: Clock
) -> None:
    client, sessions = api
    created = await client.post(
        "/v1/webhooks", json={"url": receiver.url, "description": "on-call channel"}
    )
    assert created.status_code == 201, created.text
    hook = created.json()
    assert hook["secret"].startswith("whsec_")
    assert (hook["url"], hook["min_severity"], hook["format"]) == (receiver.url, "high", "json")
    assert hook["description"] == "on-call channel"

    listed = (await client.get("/v1/webhooks")).json()["items"]
    assert listed == [{k: v for k, v in hook.items() if k != "secret"}]

    await record_events(
        sessions, {"severity": "critical"}, {"severity": "high"}, {"severity": "low"}
    )
    receiver.answer(*failing(1))
    await deliverer(sessions, clock).deliver_due()
    assert verify(
        hook["secret"],
        receiver.requests[0].headers["x-trustsvc-signature"],
        receiver.requests[0].body,
        now=clock.now(),
    )

    log = (await client.get(f"/v1/webhooks/{hook['id']}/deliveries")).json()
    assert [(d["status"], d["attempts"], d["last_status_code"]) for d in log["items"]] == [
        ("pending", 0, None),
        ("pending", 1, 500),
    ]
    assert log["next_cursor"] is None
    page = (await client.get(f"/v1/webhooks/{hook['id']}/deliveries", params={"limit": 1})).json()
    assert [d["id"] for d in page["items"]] == [log["items"][0]["id"]]
    rest = await client.get(
        f"/v1/webhooks/{hook['id']}/deliveries", params={"limit": 1, "cursor": page["next_cursor"]}
    )
    assert [d["id"] for d in rest.json()["items"]] == [log["items"][1]["id"]]
    failed = await client.get(f"/v1/webhooks/{hook['id']}/deliveries", params={"status": "failed"})
    assert failed.json() == {"items": [], "next_cursor": None}

    deleted = await client.delete(f"/v1/webhooks/{hook['id']}")
    assert deleted.status_code == 204
    assert (await client.get("/v1/webhooks")).json() == {"items": []}
    for response in (
        await client.delete(f"/v1/webhooks/{hook['id']}"),
        await client.get(f"/v1/webhooks/{hook['id']}/deliveries"),
    ):
        assert response.status_code == 404
        assert response.headers["content-type"].startswith(PROBLEM)
        assert response.json()["type"].endswith("/not-found")


@pytest.mark.parametrize(
    ("body", "status", "problem"),
    [
        ({"url": "ftp://hooks.example.com/x"}, 422, "target-rejected"),
        ({"url": "https://user:pw@hooks.example.com/x"}, 422, "target-rejected"),
        ({"url": "https://10.1.2.3/hook"}, 422, "target-rejected"),
        ({"url": "https://169.254.169.254/latest"}, 422, "target-rejected"),
        ({"url": "https://hooks.example.com/x", "min_severity": "urgent"}, 400, "invalid-request"),
        ({"url": "https://hooks.example.com/x", "format": "xml"}, 400, "invalid-request"),
        ({"url": "https://hooks.example.com/x", "secret": "mine"}, 400, "invalid-request"),
        ({}, 400, "invalid-request"),
    ],
)
async def test_bad_webhooks_get_problem_details(
    tmp_path: Path, body: dict[str, str], status: int, problem: str
) -> None:
    app = create_app(settings(f"sqlite+aiosqlite:///{tmp_path / 'api.db'}"))
    async with AsyncTestClient(app=app) as client:
        response = await client.post("/v1/webhooks", json=body)
        assert response.status_code == status, response.text
        assert response.headers["content-type"].startswith(PROBLEM)
        assert response.json()["type"].endswith(f"/{problem}")
        assert (await client.get("/v1/webhooks")).json() == {"items": []}


async def test_plain_http_is_refused_where_private_targets_are(tmp_path: Path) -> None:
    app = create_app(settings(f"sqlite+aiosqlite:///{tmp_path / 'api.db'}", NetworkPolicy()))
    async with AsyncTestClient(app=app) as client:
        plain = await client.post("/v1/webhooks", json={"url": "http://hooks.example.com/x"})
        assert plain.status_code == 422
        assert plain.json()["type"].endswith("/invalid-webhook")
        loopback = await client.post("/v1/webhooks", json={"url": "https://127.0.0.1/x"})
        assert loopback.status_code == 422
        assert "loopback" in loopback.json()["detail"]
        slack = await client.post(
            "/v1/webhooks",
            json={"url": "https://Hooks.Example.com/services/T0/B0/AbC", "format": "slack"},
        )
        assert slack.status_code == 201
        assert slack.json()["url"] == "https://hooks.example.com/services/T0/B0/AbC"
