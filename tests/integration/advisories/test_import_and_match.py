"""OSV import (a zip over HTTP, a folder) and matching, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from trustsvc.advisories.importer import AdvisorySourceError, import_source
from trustsvc.advisories.match import UnknownVersion, match_package
from trustsvc.store.db import make_engine, make_sessionmaker
from trustsvc.store.migrate import upgrade

NOW = datetime(2026, 11, 21, tzinfo=UTC)
CRITICAL_V3 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"


def record(osv_id: str, affected: list[dict[str, Any]], **fields: Any) -> dict[str, Any]:  # noqa: ANN401
    return {"id": osv_id, "modified": "2026-10-01T00:00:00Z", "affected": affected, **fields}


def npm(name: str, *events: dict[str, str], versions: list[str] | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = {"package": {"ecosystem": "npm", "name": name}}
    if events:
        entry["ranges"] = [{"type": "SEMVER", "events": list(events)}]
    if versions is not None:
        entry["versions"] = versions
    return entry


def pypi(name: str, *events: dict[str, str]) -> dict[str, Any]:
    return {
        "package": {"ecosystem": "PyPI", "name": name},
        "ranges": [{"type": "ECOSYSTEM", "events": list(events)}],
    }


RECORDS: dict[str, Any] = {
    "GHSA-aaaa-bbbb-cccc.json": record(
        "GHSA-aaaa-bbbb-cccc",
        [npm("@acme/mcp-server", {"introduced": "0"}, {"fixed": "1.4.2"})],
        aliases=["CVE-2026-0001"],
        summary="Command injection in the shell tool",
        severity=[{"type": "CVSS_V3", "score": CRITICAL_V3}],
    ),
    "PYSEC-2026-1.json": record(
        "PYSEC-2026-1",
        [pypi("Acme_MCP.Server", {"introduced": "2.0"}, {"last_affected": "2.3.1"})],
        aliases=["CVE-2026-0002"],
        summary="Path traversal",
    ),
    "GHSA-dddd-eeee-ffff.json": record(
        "GHSA-dddd-eeee-ffff",
        [pypi("acme-mcp-server", {"introduced": "2.0.0"}, {"last_affected": "2.3.1"})],
        aliases=["CVE-2026-0002", "PYSEC-2026-1"],
        summary="Path traversal in file tools",
        database_specific={"severity": "HIGH"},
    ),
    "GHSA-gone-gone-gone.json": record(
        "GHSA-gone-gone-gone",
        [npm("@acme/mcp-server", {"introduced": "0"})],
        withdrawn="2026-10-02T00:00:00Z",
    ),
    "GHSA-list-list-list.json": record(
        "GHSA-list-list-list", [npm("left-pad-mcp", versions=["0.9.0", "1.0.0"])]
    ),
    "broken/not-json.json": "{ nope",
    "broken/no-id.json": {"modified": "2026-10-01T00:00:00Z", "affected": []},
    "broken/other-ecosystem.json": record(
        "RUSTSEC-2026-0001",
        [{"package": {"ecosystem": "crates.io", "name": "x"}, "versions": ["1.0.0"]}],
    ),
}


def write_folder(root: Path) -> Path:
    for name, document in RECORDS.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(document if isinstance(document, str) else json.dumps(document))
    return root


def as_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, document in RECORDS.items():
            text = document if isinstance(document, str) else json.dumps(document)
            archive.writestr(name, text)
    return buffer.getvalue()


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = make_engine(database_url)
    await upgrade(engine)
    try:
        yield make_sessionmaker(engine)
    finally:
        await engine.dispose()


@pytest.fixture
async def zip_url() -> AsyncIterator[str]:
    async def serve(request: web.Request) -> web.Response:
        del request
        return web.Response(body=as_zip(), content_type="application/zip")

    app = web.Application()
    app.router.add_get("/osv/all.zip", serve)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/osv/all.zip"
    finally:
        await runner.cleanup()


async def test_a_zip_over_http_imports_once_and_skips_bad_records_with_reasons(
    sessions: async_sessionmaker[AsyncSession], zip_url: str
) -> None:
    first = await import_source(sessions, zip_url, now=NOW)
    assert (first.read, first.added, first.updated, first.withdrawn) == (8, 5, 0, 1)
    assert sum(first.skipped.values()) == 3
    again = await import_source(sessions, zip_url, now=NOW)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 5)


async def test_a_newer_record_in_a_folder_replaces_the_stored_one(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    folder = write_folder(tmp_path / "osv")
    await import_source(sessions, str(folder), now=NOW)
    newer = record(
        "GHSA-aaaa-bbbb-cccc",
        [npm("@acme/mcp-server", {"introduced": "0"}, {"fixed": "1.5.0"})],
        modified="2026-11-01T00:00:00Z",
    )
    (folder / "GHSA-aaaa-bbbb-cccc.json").write_text(json.dumps(newer))
    summary = await import_source(sessions, str(folder), now=NOW)
    assert (summary.added, summary.updated, summary.unchanged) == (0, 1, 4)
    async with sessions() as session:
        (match,) = await match_package(session, "npm", "@acme/mcp-server", "1.4.9")
    assert match.fixed == ("1.5.0",)


async def test_matching_follows_ranges_merges_aliases_and_ignores_withdrawn(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    await import_source(sessions, str(write_folder(tmp_path / "osv")), now=NOW)
    async with sessions() as session:
        (npm_hit,) = await match_package(session, "npm", "@ACME/mcp-server", "1.4.1")
        assert await match_package(session, "npm", "@acme/mcp-server", "1.4.2") == []
        (py_hit,) = await match_package(session, "pypi", "acme.mcp_server", "2.3.1")
        assert await match_package(session, "PyPI", "acme-mcp-server", "2.3.2") == []
        assert await match_package(session, "PyPI", "acme-mcp-server", "1.9") == []
        listed = await match_package(session, "npm", "left-pad-mcp", "1.0.0")
        with pytest.raises(UnknownVersion):
            await match_package(session, "npm", "@acme/mcp-server", "latest")
        with pytest.raises(UnknownVersion):
            await match_package(session, "crates.io", "x", "1.0.0")
    assert (npm_hit.id, npm_hit.severity_label, npm_hit.fixed) == (
        "GHSA-aaaa-bbbb-cccc",
        "critical",
        ("1.4.2",),
    )
    assert npm_hit.severity_score == pytest.approx(9.8)
    # Two databases, one vulnerability: reported once, under the id with a severity.
    assert py_hit.id == "GHSA-dddd-eeee-ffff"
    assert set(py_hit.ids) == {"GHSA-dddd-eeee-ffff", "PYSEC-2026-1", "CVE-2026-0002"}
    assert py_hit.severity_label == "high"
    assert [m.id for m in listed] == ["GHSA-list-list-list"]


async def test_unreadable_sources_stop_with_a_clear_error(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    for source, complaint in (
        (str(tmp_path / "missing.zip"), "no such file"),
        (str(tmp_path / "notes.txt"), "not a zip archive"),
        ("http://127.0.0.1:9/all.zip", "127.0.0.1:9"),
    ):
        with pytest.raises(AdvisorySourceError, match=complaint):
            await import_source(sessions, source, now=NOW)
