"""Wire structs of the registry API: servers, versions, remotes, publishers, sync runs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from trustsvc.api.schemas import LatestSummary


class RemoteDoc(msgspec.Struct, kw_only=True):
    """A declared remote, what is wrong with it, who claims it, and its latest assessment.

    `claimed_by` lists every namespace whose servers list this URL: more than one unrelated
    namespace claiming one endpoint is itself a warning sign. `flags` are the registry
    hygiene flags its latest assessment raised (`namespace_farm`, `duplicate_catalogue`,
    `serves_html`, `repository_owner_changed`, `shared_endpoint`); empty when none, or when
    it was never assessed.
    """

    type: str
    url: str
    canonical_url: str | None
    templated: bool
    problems: list[str]
    claimed_by: list[str]
    flags: list[str] = msgspec.field(default_factory=list)
    latest: LatestSummary | None


class VersionDoc(msgspec.Struct, kw_only=True):
    """One version of a server as last seen."""

    version: str
    status: str
    status_message: str | None
    is_latest: bool
    published_at: datetime | None
    upstream_updated_at: datetime | None
    first_seen_at: datetime
    source: str
    description: str
    title: str | None
    website_url: str | None
    repository: dict[str, Any] | None
    packages: list[dict[str, Any]]
    publisher_meta: dict[str, Any] | None
    remotes: list[RemoteDoc]


class ServerSummary(msgspec.Struct, kw_only=True):
    """A server's latest version in a listing."""

    name: str
    namespace: str
    version: str
    status: str
    description: str
    remotes: list[RemoteDoc]


class ServerPage(msgspec.Struct, kw_only=True):
    """A page of servers in name order; pass `next_cursor` back for the next."""

    items: list[ServerSummary]
    next_cursor: str | None


class ServerDoc(msgspec.Struct, kw_only=True):
    """A server with every version, newest first."""

    name: str
    namespace: str
    versions: list[VersionDoc]


class PublisherEventDoc(msgspec.Struct, kw_only=True):
    """A change to one of the publisher's server versions."""

    name: str
    version: str
    kind: str
    before: str | None
    after: str | None
    observed_at: datetime


class PublisherDoc(msgspec.Struct, kw_only=True):
    """A namespace owner's track record.

    `kind` says what the namespace proves: `github` (a GitHub account or org owner) or
    `domain` (control of the reverse-DNS domain). `blocked_endpoints` are its remotes whose
    latest assessment blocks.
    """

    namespace: str
    kind: str
    first_seen_at: datetime
    last_seen_at: datetime
    servers: int
    versions: int
    latest_by_status: dict[str, int]
    blocked_endpoints: list[str]
    events: list[PublisherEventDoc]


class SyncRunDoc(msgspec.Struct, kw_only=True):
    """One run of the registry sync job."""

    id: str
    registry_url: str
    mode: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    updated_since: datetime | None
    watermark: datetime | None
    pages: int
    rows: int
    added: int
    changed: int
    unchanged: int
    rejected: int
    rejections: list[dict[str, Any]]
    error: str | None


class SyncRunPage(msgspec.Struct, kw_only=True):
    """The latest sync runs, newest first."""

    items: list[SyncRunDoc]
