"""The subscriptions API on the real app: checks, CRUD, send now with its cooldown, runs."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.integration.api.conftest import loopback_settings
from tests.servers.threaded_receiver import ThreadedReceiver
from trustsvc.api.app import create_app
from trustsvc.lab.pki import LabPki
from trustsvc.webhooks.signing import SIGNATURE_HEADER, verify

BASE = "/v1/reports/subscriptions"


@pytest.fixture
async def client(tmp_path: Path, lab_pki: LabPki) -> AsyncIterator[AsyncTestClient[Litestar]]:
    settings = loopback_settings(f"sqlite+aiosqlite:///{tmp_path / 'api.db'}", lab_pki.ca_cert)
    async with AsyncTestClient(app=create_app(settings)) as test_client:
        yield test_client


@pytest.mark.parametrize(
    ("change", "detail"),
    [
        ({"schedule": "61 * * * *"}, "invalid schedule '61 * * * *'"),
        ({"schedule": "0 8 * *"}, "Wrong number of fields"),
        ({"timezone": "Mars/Olympus"}, "unknown time zone 'Mars/Olympus'"),
        ({"timezone": "../../etc/passwd"}, "unknown time zone"),
        ({"scope": "namespace"}, "namespace: a registry namespace"),
        ({"format": "email"}, "email_to: 1 to 20"),
        ({"format": "email", "email_to": ["a@b.example\r\nBcc: x@y"]}, "not a plain e-mail"),
        ({"webhook_url": "https://169.254.169.254/latest"}, "cloud metadata address"),
        ({"name": "<!channel>"}, "name: 1-128 letters"),
    ],
)
async def test_bad_subscriptions_are_400_with_one_line(
    client: AsyncTestClient[Litestar], change: dict[str, object], detail: str
) -> None:
    body = {"name": "ops", "schedule": "daily", "webhook_url": "https://127.0.0.1:9/h"} | change
    response = await client.post(BASE, json=body)
    assert response.status_code == 400, response.text
    problem = response.json()
    assert detail in problem["detail"]
    assert "\n" not in problem["detail"]


@pytest.fixture
def receiver() -> Iterator[ThreadedReceiver]:
    with ThreadedReceiver() as server:
        yield server


async def test_create_list_get_run_and_delete(
    client: AsyncTestClient[Litestar], receiver: ThreadedReceiver
) -> None:
    body = {
        "name": "ops-daily",
        "schedule": "30 7 * * *",
        "timezone": "Europe/Berlin",
        "min_severity": "medium",
        "format": "json",
        "webhook_url": receiver.url,
    }
    created = await client.post(BASE, json=body)
    assert created.status_code == 201, created.text
    doc = created.json()
    secret = doc.pop("secret")
    assert doc["next_run_at"].endswith(("06:30:00Z", "06:30:00+00:00"))  # 07:30 CET
    assert (await client.post(BASE, json=body)).status_code == 409

    listed = (await client.get(BASE)).json()["items"]
    assert [s["name"] for s in listed] == ["ops-daily"]
    assert "secret" not in listed[0]
    assert (await client.get(f"{BASE}/ops-daily")).json()["id"] == doc["id"]

    sent = await client.post(f"{BASE}/{doc['id']}/run")
    assert sent.status_code == 201, sent.text
    run = sent.json()
    assert run["status"] == "delivered", run["last_error"]
    assert run["digest"]["empty"] is True
    [request] = receiver.requests
    assert request.headers["x-trustsvc-event"] == "drift.digest"
    assert request.headers["x-trustsvc-delivery"] == run["delivery_key"]
    assert not verify(secret, request.headers[SIGNATURE_HEADER.lower()], request.body, now=0)
    assert verify(secret, request.headers[SIGNATURE_HEADER.lower()], request.body, time.time())
    assert json.loads(request.body)["type"] == "drift.digest"

    again = await client.post(f"{BASE}/{doc['id']}/run")
    assert again.status_code == 429
    assert int(again.headers["retry-after"]) >= 1

    runs = (await client.get("/v1/reports/runs", params={"subscription": "ops-daily"})).json()
    assert [r["id"] for r in runs["items"]] == [run["id"]]
    assert (await client.get(f"/v1/reports/runs/{run['id']}")).json()["digest"]["type"] == (
        "drift.digest"
    )
    assert (await client.delete(f"{BASE}/ops-daily")).status_code == 204
    assert (await client.get(f"{BASE}/ops-daily")).status_code == 404
    assert (await client.get("/v1/reports/runs")).json()["items"] == []
