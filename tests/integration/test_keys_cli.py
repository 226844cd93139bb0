"""`trustsvc keys` end to end, and `trustsvc serve` refusing a public bind without keys."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from trustsvc.auth.principal import Scope
from trustsvc.commands.keys import create_key
from trustsvc.commands.serve import BindRefused, bind_settings
from trustsvc.config.access import AccessSettings, AuthMode
from trustsvc.config.settings import Settings

TRUSTSVC = str(Path(sys.executable).with_name("trustsvc"))


def run(database: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [TRUSTSVC, *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "TRUSTSVC_DATABASE_URL": f"sqlite+aiosqlite:///{database}", **env},
        check=False,
    )


def test_create_list_revoke(tmp_path: Path) -> None:
    db = tmp_path / "keys.db"
    created = run(db, "keys", "create", "--name", "ci", "--scope", "scan", "--expires-in", "30")
    assert created.returncode == 0, created.stderr
    header, token, warning = created.stdout.strip().splitlines()
    assert token.startswith("tsk_")
    key_id = token.split("_")[1]
    assert header.startswith(f"key {key_id} (ci), scopes scan, expires 20")
    assert "cannot be shown again" in warning

    listed = run(db, "keys", "list", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    [doc] = json.loads(listed.stdout)
    assert doc["key_id"] == key_id
    assert doc["name"] == "ci"
    assert doc["scopes"] == ["scan"]
    assert doc["active"] is True
    assert token.split("_", 2)[2] not in listed.stdout
    table = run(db, "keys", "list").stdout
    assert "ci" in table
    assert token.split("_", 2)[2] not in table

    again = run(db, "keys", "create", "--name", "ci", "--scope", "read")
    assert again.returncode == 2
    assert "already named 'ci'" in again.stderr

    revoked = run(db, "keys", "revoke", "ci")
    assert revoked.returncode == 0, revoked.stderr
    assert f"revoked {key_id} (ci)" in revoked.stdout
    assert json.loads(run(db, "keys", "list", "--format", "json").stdout) == []
    [old] = json.loads(run(db, "keys", "list", "--all", "--format", "json").stdout)
    assert old["active"] is False
    assert old["revoked_at"] is not None
    assert run(db, "keys", "revoke", "ci").returncode == 2


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("keys", "create", "--name", "x"), "--scope"),
        (("keys", "create", "--name", "x", "--scope", "root"), "invalid choice"),
        (("keys", "create", "--name", " ", "--scope", "read"), "printable characters"),
        (("keys", "create", "--name", "x", "--scope", "read", "--expires-in", "-1"), "days"),
        (("keys", "revoke", "nobody"), "no unrevoked key"),
    ],
)
def test_bad_key_requests_exit_2_in_one_line(
    tmp_path: Path, args: tuple[str, ...], fragment: str
) -> None:
    done = run(tmp_path / "keys.db", *args)
    assert done.returncode == 2
    assert fragment in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_serve_refuses_a_public_address_without_keys(tmp_path: Path) -> None:
    done = run(tmp_path / "keys.db", "serve", "--host", "0.0.0.0", "--port", "1")
    assert done.returncode == 2
    assert "refusing to serve on 0.0.0.0 without API keys" in done.stderr
    assert "TRUSTSVC_AUTH=required" in done.stderr


async def test_bind_settings_on_each_address_and_mode(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'bind.db'}")
    assert await bind_settings(settings, "127.0.0.1") is settings
    with pytest.raises(BindRefused):
        await bind_settings(settings, "0.0.0.0")
    for mode in (AuthMode.REQUIRED, AuthMode.OPEN):
        explicit = Settings(database_url=settings.database_url, access=AccessSettings(mode=mode))
        assert (await bind_settings(explicit, "::")).access.mode is mode
    await create_key(settings, "ops", [Scope.ADMIN], None)
    public = await bind_settings(settings, "0.0.0.0")
    # Keys exist: a public bind requires them for good, even if all are revoked later.
    assert public.access.mode is AuthMode.REQUIRED
    assert (await bind_settings(settings, "localhost")).access.mode is AuthMode.AUTO
