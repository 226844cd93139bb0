"""Writing validated server versions: idempotent upserts, events, latest, publishers, queue.

One call stores one page in the caller's transaction, with a handful of set-based queries
whatever the page size, so a 30,000-row import is a few hundred round trips. Storing the
same page twice changes nothing; a changed row is updated in place and its change kept as an
event, and deleted versions stay as history.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from probes.publisher.hygiene import proof_domain
from probes.publisher.namespaces import GITHUB_PREFIX
from trustsvc.registry.models import (
    PublisherRow,
    RemoteRow,
    ScanQueueRow,
    ServerEventRow,
    ServerVersionRow,
)
from trustsvc.registry.records import RemoteRecord, ServerRecord, UpstreamStatus


@dataclass(slots=True)
class PageOutcome:
    """What storing one page did."""

    added: int = 0
    changed: int = 0
    unchanged: int = 0
    queued: list[str] = field(default_factory=list)


def publisher_kind(namespace: str) -> str:
    """`github` for `io.github.<owner>` (proved by a GitHub login), else `domain`."""
    return "github" if namespace.startswith(GITHUB_PREFIX) else "domain"


class RegistryWriter:
    """Server versions in one session; the caller owns the transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        # Events and remotes are written in one batch per page: nothing reads their ids back.
        self._events: list[dict[str, Any]] = []

    async def store(
        self,
        records: Sequence[ServerRecord],
        *,
        now: datetime,
        source: str,
        run_id: str | None = None,
    ) -> PageOutcome:
        """Upsert the records on (name, version); returns counts and the URLs queued."""
        outcome = PageOutcome()
        if not records:
            return outcome
        unique = list({(r.name, r.version): r for r in records}.values())
        existing = await self._existing({r.name for r in unique})
        fresh_urls: set[str] = set()
        for record in unique:
            row = existing.get((record.name, record.version))
            if row is None:
                row = self._insert(record, now=now, source=source)
                existing[(record.name, record.version)] = row
                self._event(record, "added", None, record.status.value, now, run_id)
                outcome.added += 1
                fresh_urls |= _probeable(record.remotes)
                continue
            if row.content_hash == record.content_hash:
                row.upstream_is_latest = record.is_latest
                row.upstream_updated_at = record.updated_at
                outcome.unchanged += 1
                continue
            before = set(await self._remote_urls(row.id))
            self._update(row, record, now=now, run_id=run_id)
            outcome.changed += 1
            fresh_urls |= _probeable(record.remotes) - before
        await self.session.flush()
        if self._events:
            await self.session.execute(insert(ServerEventRow), self._events)
            self._events = []
        await self._replace_remotes(unique, existing)
        await self._recompute_latest({r.name for r in unique})
        await self._touch_publishers({r.namespace for r in unique}, now)
        outcome.queued = await self._queue(fresh_urls, now, reason=f"registry:{source}")
        return outcome

    async def _existing(self, names: Iterable[str]) -> dict[tuple[str, str], ServerVersionRow]:
        found = await self.session.scalars(
            select(ServerVersionRow).where(ServerVersionRow.name.in_(sorted(names)))
        )
        return {(row.name, row.version): row for row in found}

    async def _remote_urls(self, server_id: int) -> list[str]:
        urls = await self.session.scalars(
            select(RemoteRow.canonical_url).where(
                RemoteRow.server_id == server_id, RemoteRow.canonical_url.is_not(None)
            )
        )
        return [url for url in urls if url is not None]

    def _insert(self, record: ServerRecord, *, now: datetime, source: str) -> ServerVersionRow:
        row = ServerVersionRow(
            name=record.name,
            version=record.version,
            namespace=record.namespace,
            upstream_is_latest=record.is_latest,
            is_latest=False,
            source=source,
            first_seen_at=now,
        )
        _copy(row, record, now)
        self.session.add(row)
        return row

    def _update(
        self, row: ServerVersionRow, record: ServerRecord, *, now: datetime, run_id: str | None
    ) -> None:
        if row.status != record.status.value:
            self._event(record, "status_changed", row.status, record.status.value, now, run_id)
        self._event(record, "changed", row.content_hash, record.content_hash, now, run_id)
        row.upstream_is_latest = record.is_latest
        _copy(row, record, now)

    def _event(  # noqa: PLR0917 - an event row's fields, in order
        self,
        record: ServerRecord,
        kind: str,
        before: str | None,
        after: str | None,
        now: datetime,
        run_id: str | None,
    ) -> None:
        self._events.append(
            {
                "name": record.name,
                "version": record.version,
                "namespace": record.namespace,
                "kind": kind,
                "before": before,
                "after": after,
                "observed_at": now,
                "sync_run_id": run_id,
            }
        )

    async def _replace_remotes(
        self, records: Sequence[ServerRecord], rows: dict[tuple[str, str], ServerVersionRow]
    ) -> None:
        ids = [rows[(r.name, r.version)].id for r in records]
        await self.session.execute(delete(RemoteRow).where(RemoteRow.server_id.in_(ids)))
        remotes = [
            {
                "server_id": rows[(record.name, record.version)].id,
                "position": position,
                "type": remote.type,
                "url": remote.url,
                "canonical_url": remote.canonical_url,
                "templated": remote.templated,
                "problems": list(remote.problems),
                "headers": [dict(header) for header in remote.headers],
            }
            for record in records
            for position, remote in enumerate(record.remotes)
        ]
        if remotes:
            await self.session.execute(insert(RemoteRow), remotes)

    async def _recompute_latest(self, names: set[str]) -> None:
        """Decide "latest" per name from all its versions.

        Upstream flips an old version's isLatest without bumping its updatedAt, so an
        incremental sync never sees the old one turn false.
        """
        rows = await self.session.scalars(
            select(ServerVersionRow).where(ServerVersionRow.name.in_(sorted(names)))
        )
        by_name: dict[str, list[ServerVersionRow]] = {}
        for row in rows:
            by_name.setdefault(row.name, []).append(row)
        for versions in by_name.values():
            chosen = latest_of(versions)
            for row in versions:
                if row.is_latest != (row is chosen):
                    row.is_latest = row is chosen

    async def _touch_publishers(self, namespaces: set[str], now: datetime) -> None:
        known = {
            row.namespace: row
            for row in await self.session.scalars(
                select(PublisherRow).where(PublisherRow.namespace.in_(sorted(namespaces)))
            )
        }
        for namespace in sorted(namespaces):
            row = known.get(namespace)
            if row is None:
                self.session.add(
                    PublisherRow(
                        namespace=namespace,
                        kind=publisher_kind(namespace),
                        domain=proof_domain(namespace),
                        first_seen_at=now,
                        last_seen_at=now,
                    )
                )
            else:
                row.last_seen_at = now

    async def _queue(self, urls: set[str], now: datetime, *, reason: str) -> list[str]:
        if not urls:
            return []
        queued = set(
            await self.session.scalars(
                select(ScanQueueRow.url).where(ScanQueueRow.url.in_(sorted(urls)))
            )
        )
        new = sorted(urls - queued)
        self.session.add_all(ScanQueueRow(url=url, reason=reason, queued_at=now) for url in new)
        return new


def latest_of(versions: Sequence[ServerVersionRow]) -> ServerVersionRow:
    """The newest version upstream marked latest; else the newest not deleted; else newest."""
    flagged = [row for row in versions if row.upstream_is_latest]
    live = [row for row in versions if row.status != UpstreamStatus.DELETED.value]
    pool = flagged or live or list(versions)
    return max(pool, key=lambda row: (row.published_at is not None, row.published_at, row.id))


def _probeable(remotes: Sequence[RemoteRecord]) -> set[str]:
    return {remote.canonical_url for remote in remotes if remote.canonical_url is not None}


def _copy(row: ServerVersionRow, record: ServerRecord, now: datetime) -> None:
    row.description = record.description
    row.title = record.title
    row.website_url = record.website_url
    row.repository = record.repository
    row.packages = [dict(package) for package in record.packages]
    row.publisher_meta = record.publisher_meta
    row.status = record.status.value
    row.status_message = record.status_message
    row.status_changed_at = record.status_changed_at
    row.published_at = record.published_at
    row.upstream_updated_at = record.updated_at
    row.content_hash = record.content_hash
    row.last_changed_at = now
