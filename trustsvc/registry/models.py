"""Registry tables: server versions, their remotes, events, publishers, sync runs, scan queue.

Rows are keyed by the upstream identity `(name, version)` and never deleted: a version the
upstream deletes keeps its row with status `deleted`, because "this server was deleted for
malware" is exactly the history a trust service must remember.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from trustsvc.store.db import Base, JsonColumn


class ServerVersionRow(Base):
    """One (name, version) as last seen upstream (or registered by hand)."""

    __tablename__ = "registry_servers"
    __table_args__ = (
        UniqueConstraint("name", "version"),
        Index("ix_registry_servers_latest", "is_latest", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    version: Mapped[str] = mapped_column(String(255))
    namespace: Mapped[str] = mapped_column(String(200), index=True)
    description: Mapped[str] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(String(200))
    website_url: Mapped[str | None] = mapped_column(String(2048))
    repository: Mapped[dict[str, Any] | None] = mapped_column(JsonColumn)
    packages: Mapped[list[dict[str, Any]]] = mapped_column(JsonColumn)
    publisher_meta: Mapped[dict[str, Any] | None] = mapped_column(JsonColumn)
    status: Mapped[str] = mapped_column(String(16))
    status_message: Mapped[str | None] = mapped_column(Text)
    status_changed_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    upstream_updated_at: Mapped[datetime | None]
    upstream_is_latest: Mapped[bool]
    is_latest: Mapped[bool]
    content_hash: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(16))
    first_seen_at: Mapped[datetime]
    last_changed_at: Mapped[datetime]


class RemoteRow(Base):
    """A remote declared by a server version; `canonical_url` links it to endpoints."""

    __tablename__ = "registry_remotes"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    server_id: Mapped[int] = mapped_column(
        ForeignKey("registry_servers.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    type: Mapped[str] = mapped_column(String(32))
    url: Mapped[str] = mapped_column(String(2048))
    canonical_url: Mapped[str | None] = mapped_column(String(2048), index=True)
    templated: Mapped[bool]
    problems: Mapped[list[str]] = mapped_column(JsonColumn)
    headers: Mapped[list[dict[str, Any]]] = mapped_column(JsonColumn)


class ServerEventRow(Base):
    """A change seen on a server version: added, changed, status change, latest change."""

    __tablename__ = "registry_events"
    __table_args__ = (Index("ix_registry_events_namespace", "namespace", "observed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    version: Mapped[str] = mapped_column(String(255))
    namespace: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    observed_at: Mapped[datetime]
    sync_run_id: Mapped[str | None] = mapped_column(String(36))


class PublisherRow(Base):
    """A namespace owner: `io.github.<owner>` (GitHub-proven) or a reverse-DNS domain."""

    __tablename__ = "publishers"

    namespace: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    domain: Mapped[str | None] = mapped_column(String(255), index=True)
    """The registrable domain whose one proof grants the namespace (None for GitHub)."""
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]


class SyncRunRow(Base):
    """One run of the sync job, exposed by the API; a failed run keeps its error."""

    __tablename__ = "sync_runs"
    __table_args__ = (Index("ix_sync_runs_registry_started", "registry_url", "started_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    registry_url: Mapped[str] = mapped_column(String(2048))
    mode: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    updated_since: Mapped[datetime | None]
    watermark: Mapped[datetime | None]
    pages: Mapped[int]
    rows: Mapped[int]
    added: Mapped[int]
    changed: Mapped[int]
    unchanged: Mapped[int]
    rejected: Mapped[int]
    rejections: Mapped[list[dict[str, Any]]] = mapped_column(JsonColumn)
    error: Mapped[str | None] = mapped_column(Text)
    # Renewed while the run's process is alive; a running row past it was killed mid-run
    # (trustsvc/registry/run_leases.py).
    lease_expires_at: Mapped[datetime | None] = mapped_column(default=None)


class SyncStateRow(Base):
    """Where the next incremental run resumes, per upstream registry."""

    __tablename__ = "sync_state"

    registry_url: Mapped[str] = mapped_column(String(2048), primary_key=True)
    watermark: Mapped[datetime | None]
    last_full_at: Mapped[datetime | None]


class ScanQueueRow(Base):
    """An endpoint waiting for assessment because a registry change named it."""

    __tablename__ = "scan_queue"

    url: Mapped[str] = mapped_column(String(2048), primary_key=True)
    reason: Mapped[str] = mapped_column(String(64))
    queued_at: Mapped[datetime]
