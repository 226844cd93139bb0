"""What the sync job ingests: validated upstream rows, in a shape independent of the wire.

The upstream `server.json` is publisher-written and only loosely checked upstream, so
`validate.py` turns each row into a `ServerRecord` (with problems flagged on its remotes) or
a `Rejection` saying why it cannot be stored; nothing downstream reads the raw JSON.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class UpstreamStatus(StrEnum):
    """The registry's lifecycle status of one version."""

    ACTIVE = "active"
    DEPRECATED = "deprecated"
    DELETED = "deleted"


@dataclass(frozen=True, slots=True, kw_only=True)
class RemoteRecord:
    """One declared remote of a server version.

    Attributes:
        url: the URL as published.
        canonical_url: the normalised URL a scan would use; None when it cannot be probed
            (templated, malformed).
        templated: the URL holds `{variables}` and needs values before it can be probed.
        problems: why the remote is suspicious or unprobeable ("not https", "IP literal",
            "private host", "unknown transport type"...).
        headers: declared headers as published (name, isRequired, isSecret, description).
    """

    type: str
    url: str
    canonical_url: str | None
    templated: bool = False
    problems: tuple[str, ...] = ()
    headers: tuple[dict[str, Any], ...] = ()
    variables: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class ServerRecord:
    """One (name, version) row as the registry stores it."""

    name: str
    version: str
    description: str
    title: str | None = None
    website_url: str | None = None
    repository: dict[str, Any] | None = None
    packages: tuple[dict[str, Any], ...] = ()
    remotes: tuple[RemoteRecord, ...] = ()
    publisher_meta: dict[str, Any] | None = None
    status: UpstreamStatus = UpstreamStatus.ACTIVE
    status_message: str | None = None
    status_changed_at: dt.datetime | None = None
    published_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    is_latest: bool = False
    content_hash: str = ""

    @property
    def namespace(self) -> str:
        """The reverse-DNS owner part of the name (`io.github.alice` of `io.github.alice/x`)."""
        return self.name.split("/", 1)[0]


@dataclass(frozen=True, slots=True, kw_only=True)
class Rejection:
    """A row that could not be stored, and why (reported by the sync run, never raised)."""

    name: str | None
    version: str | None
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class UpstreamPage:
    """One page of `/v0.1/servers`: validated rows, rejections, and where to go next.

    Attributes:
        server_date: the upstream `Date` header of this response (the sync's watermark
            source: the upstream clock, not ours).
        next_cursor: the cursor for the next page; None when this was the last.
    """

    records: tuple[ServerRecord, ...]
    rejections: tuple[Rejection, ...]
    next_cursor: str | None
    server_date: dt.datetime | None
    raw_count: int
