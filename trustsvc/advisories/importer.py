"""`trustsvc advisories import`: OSV records from a zip, a folder, a file or a URL, upserted.

Idempotent on (id, modified): a record is written when it is new or newer than the stored
one, so importing the same archive twice changes nothing and a refreshed archive updates
only what changed. Bad records are counted with their reason and skipped; a source that
cannot be read at all (missing, not a zip, too large) stops the import with an error.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from trustsvc.advisories.models import AdvisoryPackageRow, AdvisoryRow
from trustsvc.advisories.osv import Advisory, OsvError, parse_advisory

BATCH = 500
MAX_RECORD_BYTES = 4 * 1024 * 1024  # one OSV record; real ones are a few KiB
MAX_DOWNLOAD_BYTES = 1024 * 1024 * 1024  # the largest per-ecosystem archive is ~100 MiB
MAX_MEMBERS = 2_000_000


class AdvisorySourceError(Exception):
    """The source itself cannot be read (as opposed to one bad record in it)."""


@dataclass(slots=True)
class ImportSummary:
    """What one import did; `skipped` counts bad records by reason."""

    source: str
    read: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    skipped: Counter[str] = field(default_factory=Counter)

    def line(self) -> str:
        """One line for the terminal."""
        skipped = sum(self.skipped.values())
        why = "; ".join(f"{n}x {reason}" for reason, n in self.skipped.most_common(3))
        return (
            f"{self.source}: {self.read} records read, {self.added} added, {self.updated} "
            f"updated, {self.unchanged} unchanged, {self.withdrawn} withdrawn, {skipped} "
            f"skipped" + (f" ({why})" if why else "")
        )


async def import_source(
    sessions: async_sessionmaker[AsyncSession],
    source: str,
    *,
    now: datetime,
    on_batch: Callable[[ImportSummary], None] | None = None,
) -> ImportSummary:
    """Import every record of `source` (zip, folder, .json file, or http(s) URL of either).

    `on_batch` sees the running summary after each stored batch (the CLI's progress).

    Raises:
        AdvisorySourceError: the source cannot be read as a whole.
    """
    summary = ImportSummary(source=source)
    if source.startswith(("http://", "https://")):
        with tempfile.TemporaryDirectory() as work:
            name = source.rsplit("/", 1)[-1].split("?", 1)[0] or "download.zip"
            path = await _download(source, Path(work) / name)
            await _import_path(sessions, path, summary, now, on_batch)
    else:
        await _import_path(sessions, Path(source), summary, now, on_batch)
    return summary


async def _import_path(
    sessions: async_sessionmaker[AsyncSession],
    path: Path,
    summary: ImportSummary,
    now: datetime,
    on_batch: Callable[[ImportSummary], None] | None,
) -> None:
    batch: list[Advisory] = []
    for raw in _documents(path):
        summary.read += 1
        try:
            batch.append(parse_advisory(json.loads(raw)))
        except (OsvError, ValueError, RecursionError) as exc:
            summary.skipped[_reason(exc)] += 1
            continue
        if len(batch) >= BATCH:
            await _store(sessions, batch, summary, source=summary.source, now=now)
            batch = []
            if on_batch is not None:
                on_batch(summary)
    if batch:
        await _store(sessions, batch, summary, source=summary.source, now=now)


def _reason(exc: Exception) -> str:
    if isinstance(exc, OsvError):
        return str(exc)[:120]
    return "not JSON"


def _documents(path: Path) -> Iterator[bytes]:
    """The raw JSON documents of a zip, a folder (recursively) or one file."""
    if path.is_dir():
        for file in sorted(path.rglob("*.json")):
            yield _read_capped(file)
        return
    if not path.is_file():
        raise AdvisorySourceError(f"{path}: no such file or directory")
    if zipfile.is_zipfile(path):
        yield from _zip_members(path)
        return
    if path.suffix.lower() == ".json":
        yield _read_capped(path)
        return
    raise AdvisorySourceError(f"{path}: not a zip archive, a folder or a .json file")


def _zip_members(path: Path) -> Iterator[bytes]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise AdvisorySourceError(f"{path}: {exc}") from exc
    with archive:
        members = [m for m in archive.infolist() if m.filename.endswith(".json")]
        if len(members) > MAX_MEMBERS:
            raise AdvisorySourceError(f"{path}: more than {MAX_MEMBERS} members")
        for member in members:
            if member.file_size > MAX_RECORD_BYTES:  # a zip bomb declares its size honestly here
                yield b'{"_oversized": true}'
                continue
            with archive.open(member) as handle:
                yield handle.read(MAX_RECORD_BYTES + 1)


def _read_capped(file: Path) -> bytes:
    try:
        with file.open("rb") as handle:
            return handle.read(MAX_RECORD_BYTES + 1)
    except OSError as exc:
        raise AdvisorySourceError(f"{file}: {exc}") from exc


async def _download(url: str, target: Path) -> Path:
    """Fetch an operator-named archive (trusted configuration, not a scan target)."""
    timeout = aiohttp.ClientTimeout(total=600, sock_connect=10, sock_read=60)
    try:
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.get(url) as response,
        ):
            if response.status != 200:  # noqa: PLR2004 - HTTP OK
                raise AdvisorySourceError(f"{url}: HTTP {response.status}")
            written = 0
            with target.open("wb") as handle:
                async for chunk in response.content.iter_chunked(1 << 16):
                    written += len(chunk)
                    if written > MAX_DOWNLOAD_BYTES:
                        raise AdvisorySourceError(f"{url}: larger than {MAX_DOWNLOAD_BYTES} bytes")
                    handle.write(chunk)
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise AdvisorySourceError(f"{url}: {type(exc).__name__}: {exc}") from exc
    return target


async def _store(
    sessions: async_sessionmaker[AsyncSession],
    batch: list[Advisory],
    summary: ImportSummary,
    *,
    source: str,
    now: datetime,
) -> None:
    latest = {advisory.id: advisory for advisory in batch}  # the last copy of an id wins
    async with sessions.begin() as session:
        stored = dict(
            (
                await session.execute(
                    select(AdvisoryRow.id, AdvisoryRow.modified).where(
                        AdvisoryRow.id.in_(sorted(latest))
                    )
                )
            ).all()
        )
        fresh = [a for a in latest.values() if a.id not in stored]
        newer = [a for a in latest.values() if a.id in stored and a.modified > stored[a.id]]
        summary.unchanged += len(latest) - len(fresh) - len(newer)
        summary.added += len(fresh)
        summary.updated += len(newer)
        summary.withdrawn += sum(1 for a in (*fresh, *newer) if a.withdrawn is not None)
        if newer:
            ids = [a.id for a in newer]
            # Explicitly, not by cascade: SQLite enforces foreign keys only when asked to.
            await session.execute(
                delete(AdvisoryPackageRow).where(AdvisoryPackageRow.advisory_id.in_(ids))
            )
            await session.execute(delete(AdvisoryRow).where(AdvisoryRow.id.in_(ids)))
        written = [*fresh, *newer]
        if written:
            # render_nulls keeps one statement per batch: the ORM otherwise starts a new INSERT
            # whenever the set of non-null optional columns changes (31,238 for 49,750 rows).
            statement = insert(AdvisoryRow).execution_options(render_nulls=True)
            await session.execute(statement, [_row(a, source, now) for a in written])
            packages = [_package(a.id, p) for a in written for p in a.affected]
            if packages:
                await session.execute(insert(AdvisoryPackageRow), packages)


def _row(advisory: Advisory, source: str, now: datetime) -> dict[str, Any]:
    severity = advisory.severity
    return {
        "id": advisory.id,
        "modified": advisory.modified,
        "published": advisory.published,
        "withdrawn": advisory.withdrawn,
        "summary": advisory.summary,
        "details": advisory.details,
        "severity_score": None if severity is None else severity.score,
        "severity_label": None if severity is None else severity.label,
        "severity_source": None if severity is None else severity.source,
        "cvss_vector": None if severity is None else severity.vector,
        "aliases": list(advisory.aliases),
        "references": list(advisory.references),
        "source": source[:2048],
        "imported_at": now,
    }


def _package(advisory_id: str, package: Any) -> dict[str, Any]:  # noqa: ANN401 - AffectedPackage
    return {
        "advisory_id": advisory_id,
        "ecosystem": package.ecosystem,
        "name": package.key[1],
        "ranges": [
            {"type": r.type, "events": [list(event) for event in r.events]} for r in package.ranges
        ],
        "versions": list(package.versions),
    }
