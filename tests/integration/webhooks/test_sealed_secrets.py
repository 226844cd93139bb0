"""Webhook secrets at rest (issue 16): sealed with AES-GCM under TRUSTSVC_SECRET_KEY.

With a key, the stored column holds `enc:v1:...` and never the secret, while the service
reads it back whole (the deliverer signs with it); without one it is stored in clear, as
documented, and a sealed value then fails to read with a message naming the variable.
"""

from __future__ import annotations

import base64
import dataclasses
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import select, text

from tests.servers.sealed_app import sealed_settings
from trustsvc.api.app import create_app
from trustsvc.config.env import SettingsError
from trustsvc.config.settings import load_settings
from trustsvc.store.db import make_engine, make_sessionmaker
from trustsvc.store.sealed import PREFIX, SecretKeyError, configure_secret_key, unseal
from trustsvc.webhooks.models import WebhookRow

KEY = os.urandom(32)


@pytest.fixture(autouse=True)
def no_key_afterwards() -> Iterator[None]:
    """The key is per process: leave none behind for the next test in this worker."""
    yield
    configure_secret_key(None)


async def _create(database_url: str, key: bytes | None) -> tuple[str, str]:
    settings = dataclasses.replace(sealed_settings(database_url), secret_key=key)
    async with AsyncTestClient(app=create_app(settings)) as client:
        created = await client.post(
            "/v1/webhooks", json={"url": "http://127.0.0.1:9/hook", "min_severity": "info"}
        )
        assert created.status_code == 201, created.text
        return created.json()["id"], created.json()["secret"]


async def _raw_secret(database_url: str, webhook_id: str) -> str:
    engine = make_engine(database_url)
    try:
        async with engine.connect() as connection:
            query = text("SELECT secret FROM webhooks WHERE id = :id")
            return str((await connection.execute(query, {"id": webhook_id})).scalar_one())
    finally:
        await engine.dispose()


async def _read_back(database_url: str, webhook_id: str) -> str:
    engine = make_engine(database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            query = select(WebhookRow.secret).where(WebhookRow.id == webhook_id)
            return str((await session.execute(query)).scalar_one())
    finally:
        await engine.dispose()


async def test_a_secret_is_sealed_at_rest_and_read_back_whole(database_url: str) -> None:
    webhook_id, secret = await _create(database_url, KEY)
    raw = await _raw_secret(database_url, webhook_id)
    assert raw.startswith(PREFIX)
    assert secret not in raw
    assert secret.removeprefix("whsec_") not in raw
    configure_secret_key(KEY)
    assert await _read_back(database_url, webhook_id) == secret
    configure_secret_key(os.urandom(32))
    with pytest.raises(SecretKeyError, match="another TRUSTSVC_SECRET_KEY"):
        unseal(raw)
    configure_secret_key(None)
    with pytest.raises(SecretKeyError, match="TRUSTSVC_SECRET_KEY is not set"):
        unseal(raw)


async def test_without_a_key_the_secret_is_stored_in_clear(database_url: str) -> None:
    webhook_id, secret = await _create(database_url, None)
    assert await _raw_secret(database_url, webhook_id) == secret


def test_the_key_is_read_from_the_environment(tmp_path: Path) -> None:
    database = {"TRUSTSVC_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'k.db'}"}
    encoded = base64.urlsafe_b64encode(KEY).decode()
    assert load_settings(database | {"TRUSTSVC_SECRET_KEY": encoded}).secret_key == KEY
    assert load_settings(database).secret_key is None
    with pytest.raises(SettingsError, match="32 random bytes in base64url; make one with"):
        load_settings(database | {"TRUSTSVC_SECRET_KEY": "too-short"})
