"""What the registry knows about an endpoint, as plain data the publisher probes judge.

`probes` cannot read the registry database (trustsvc owns it), so trustsvc hands the
collector a `RegistryLookup`: canonical URL in, `RegistryContext` out (None when no server
lists the URL). Everything here is frozen and JSON-friendly, so a stored observation can be
judged again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from probes.publisher.hygiene import HygieneFacts


@dataclass(frozen=True, slots=True, kw_only=True)
class VersionFact:
    """One version of a server that lists the endpoint (any of its versions)."""

    name: str
    namespace: str
    version: str
    status: str
    published_at: dt.datetime | None
    repository_id: str | None
    lists_endpoint: bool
    is_latest: bool
    packages: tuple[tuple[str, str, str | None], ...] = ()
    """(ecosystem, identifier, version) of the npm and PyPI packages the entry names."""
    remotes: tuple[str, ...] = ()
    """The canonical URLs of the version's remotes (templated ones have none)."""
    repository_url: str | None = None
    """The entry's `repository.url`, as declared."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PublisherFact:
    """A namespace owner: `github` (GitHub login) or `domain` (reverse-DNS, domain-proven)."""

    namespace: str
    kind: str
    first_seen_at: dt.datetime
    first_published_at: dt.datetime | None = None

    @property
    def known_since(self) -> dt.datetime:
        """The earliest sign of the publisher: upstream publication or our first sight.

        Our first sight alone would make every publisher "new" on a fresh install.
        """
        dates = [self.first_seen_at, self.first_published_at]
        return min(d for d in dates if d is not None)


@dataclass(frozen=True, slots=True, kw_only=True)
class RegistryContext:
    """The servers listing one endpoint URL, their publishers and their track record.

    Attributes:
        versions: every version of every server that lists the URL in any version.
        publishers: the namespaces of those servers.
        blocked_elsewhere: the same publishers' other endpoints whose latest verdict blocks.
        hygiene: registry-wide facts (namespace farms, duplicate catalogues); None: not asked.
    """

    url: str
    versions: tuple[VersionFact, ...]
    publishers: tuple[PublisherFact, ...]
    blocked_elsewhere: tuple[str, ...] = ()
    hygiene: HygieneFacts | None = None

    @property
    def claimants(self) -> tuple[str, ...]:
        """Namespaces whose servers list this URL, sorted."""
        return tuple(sorted({v.namespace for v in self.versions if v.lists_endpoint}))

    @property
    def server_names(self) -> tuple[str, ...]:
        """The servers listing this URL, sorted."""
        return tuple(sorted({v.name for v in self.versions if v.lists_endpoint}))

    def latest(self) -> tuple[VersionFact, ...]:
        """The latest version of each server listing the URL."""
        return tuple(v for v in self.versions if v.is_latest and v.name in self.server_names)


RegistryLookup = Callable[[str], Awaitable[RegistryContext | None]]
