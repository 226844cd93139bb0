"""Registry hygiene facts: namespace farms, duplicate catalogues and what a remote answered.

trustsvc computes the registry-wide facts from its database (how many servers one domain's
proof grants, which other endpoints serve a byte-identical tool set, what stored scans say
about remotes) and hands them over in `RegistryContext.hygiene`; the publisher collector
adds what this scan's handshake saw (`RemoteAnswer`). Frozen and JSON-friendly, like the
rest of the context, so a stored observation can be judged again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from probes.publisher.namespaces import namespace_domain
from probes.target import registrable_domain_of

DEFAULT_FARM_SERVERS = 20
"""A domain whose proof grants more servers than this is a candidate namespace farm."""
HTML = "text/html"


def proof_domain(namespace: str) -> str | None:
    """The registrable domain whose one apex TXT proof grants `namespace` (None for GitHub).

    `com.acme`, `com.acme.api` and `com.acme.eu.tools` are all granted by `acme.com`'s proof.
    """
    domain = namespace_domain(namespace)
    return None if domain is None else registrable_domain_of(domain)


@dataclass(frozen=True, slots=True, kw_only=True)
class DomainFarm:
    """What the registry holds under one proof domain of a namespace listing the endpoint.

    Attributes:
        domain: the registrable domain (`clauxel.com`).
        servers: distinct servers (latest versions) in every namespace under it.
        threshold: more servers than this makes a farm candidate (the deployment's setting).
        remotes: distinct remote URLs of those servers that were looked at (bounded sample).
        speaking: of those, remotes whose latest stored scan saw an MCP handshake.
        not_speaking: remotes whose latest stored scan saw no MCP (HTML, or nothing MCP).
        sample_limit: the bound on `remotes`.
    """

    domain: str
    servers: int
    threshold: int
    remotes: int
    speaking: int
    not_speaking: int
    sample_limit: int

    @property
    def known(self) -> int:
        """Remotes a stored scan has an answer for."""
        return self.speaking + self.not_speaking


@dataclass(frozen=True, slots=True, kw_only=True)
class CatalogueTwin:
    """Another endpoint whose latest stored tool set has the same set digest."""

    url: str
    host: str
    servers: tuple[str, ...]
    """Registry servers listing that endpoint (empty: listed by none)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolSetFact:
    """This endpoint's latest stored tool set and the other endpoints serving the same one.

    Attributes:
        digest: `probes.tools.fingerprint.set_fingerprint` of the complete listing.
        definitions: how many definitions it holds.
        taken_at: when the scan that stored it completed.
        twins: other endpoints whose latest stored set has this digest (bounded).
    """

    digest: str
    definitions: int
    taken_at: dt.datetime
    twins: tuple[CatalogueTwin, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class HygieneFacts:
    """The registry-wide facts about the servers listing one endpoint.

    `tool_set` is None when no complete, non-empty listing of this endpoint is stored yet.
    """

    farms: tuple[DomainFarm, ...] = ()
    tool_set: ToolSetFact | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RemoteAnswer:
    """What the endpoint answered this scan's MCP handshake.

    Attributes:
        speaks_mcp: True when a generation completed, False when none did and nothing asked
            for credentials, None when it could not be told (refused, unreachable).
        status / content_type: of the reply to the first MCP request (initialize or
            server/discover); content_type is the bare media type, lowercased.
        problem: why there is no answer (unreachable, timed out), if so.
    """

    speaks_mcp: bool | None
    status: int | None = None
    content_type: str | None = None
    problem: str | None = None

    @property
    def html(self) -> bool:
        """Whether the reply was a web page rather than MCP."""
        return self.speaks_mcp is False and self.content_type == HTML
