"""Advisories through the console script and the API, on one SQLite database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from litestar.testing import AsyncTestClient

from tests.integration.advisories.test_import_and_match import write_folder
from trustsvc.api.app import create_app
from trustsvc.config.settings import Settings

TRUSTSVC = str(Path(sys.executable).parent / "trustsvc")


def import_command(database: Path, *sources: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [TRUSTSVC, "advisories", "import", *sources],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "TRUSTSVC_DATABASE_URL": f"sqlite+aiosqlite:///{database}"},
    )


async def test_imported_advisories_are_served_by_id(tmp_path: Path) -> None:
    database = tmp_path / "advisories.db"
    folder = str(write_folder(tmp_path / "osv"))
    done = import_command(database, folder, folder)
    assert done.returncode == 0, done.stderr
    first, second = done.stdout.splitlines()
    assert first.startswith(f"{folder}: 8 records read, 5 added, 0 updated, 0 unchanged")
    assert "3 skipped" in first
    assert ", 0 added, 0 updated, 5 unchanged" in second

    settings = Settings(database_url=f"sqlite+aiosqlite:///{database}")
    async with AsyncTestClient(app=create_app(settings)) as client:
        response = await client.get("/v1/advisories/GHSA-aaaa-bbbb-cccc")
        assert response.status_code == 200, response.text
        doc = response.json()
        assert (doc["severity_label"], doc["aliases"]) == ("critical", ["CVE-2026-0001"])
        (affected,) = doc["affected"]
        assert (affected["ecosystem"], affected["name"]) == ("npm", "@acme/mcp-server")
        assert affected["ranges"][0]["events"] == [["introduced", "0"], ["fixed", "1.4.2"]]
        gone = (await client.get("/v1/advisories/GHSA-gone-gone-gone")).json()
        assert gone["withdrawn"] is not None
        missing = await client.get("/v1/advisories/GHSA-none-none-none")
        assert missing.status_code == 404
        assert missing.headers["content-type"].startswith("application/problem+json")


def test_an_unreadable_source_is_one_line_and_exit_2(tmp_path: Path) -> None:
    done = import_command(tmp_path / "a.db", str(tmp_path / "nothing-here.zip"))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert "no such file" in done.stderr
