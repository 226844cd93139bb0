"""A subscription's signing secret is sealed at rest like a webhook's (issue 16 and 21).

With TRUSTSVC_SECRET_KEY set, the stored column holds `enc:v1:...` and never the secret;
the service reads it back whole, so a digest is still signed with the secret the API
handed out once.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import select, text

from tests.servers.sealed_app import sealed_settings
from trustsvc.api.app import create_app
from trustsvc.digests.models import SubscriptionRow
from trustsvc.store.db import make_engine, make_sessionmaker
from trustsvc.store.sealed import PREFIX, configure_secret_key

KEY = os.urandom(32)


@pytest.fixture(autouse=True)
def no_key_afterwards() -> Iterator[None]:
    """The key is per process: leave none behind for the next test in this worker."""
    yield
    configure_secret_key(None)


async def test_a_subscription_secret_is_sealed_and_read_back_whole(tmp_path: Path) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'sealed.db'}"
    settings = dataclasses.replace(sealed_settings(database_url), secret_key=KEY)
    async with AsyncTestClient(app=create_app(settings)) as client:
        created = await client.post(
            "/v1/reports/subscriptions",
            json={"name": "ops", "schedule": "daily", "webhook_url": "https://127.0.0.1:9/h"},
        )
        assert created.status_code == 201, created.text
        subscription_id, secret = created.json()["id"], created.json()["secret"]
    engine = make_engine(database_url)
    try:
        async with engine.connect() as connection:
            raw = str(
                (
                    await connection.execute(
                        text("SELECT secret FROM report_subscriptions WHERE id = :id"),
                        {"id": subscription_id},
                    )
                ).scalar_one()
            )
        assert raw.startswith(PREFIX)
        assert secret.removeprefix("whsec_") not in raw
        configure_secret_key(KEY)
        async with make_sessionmaker(engine)() as session:
            query = select(SubscriptionRow.secret).where(SubscriptionRow.id == subscription_id)
            assert (await session.execute(query)).scalar_one() == secret
    finally:
        await engine.dispose()
