"""Where a deployment's publisher facts come from; the offline default asks nothing."""

from __future__ import annotations

from dataclasses import dataclass

from probes.domain.dns_client import DnsConfig
from probes.publisher.advisories import AdvisoryLookup
from probes.publisher.context import RegistryLookup


@dataclass(frozen=True, slots=True, kw_only=True)
class PublisherSources:
    """Where publisher facts come from; the defaults ask nothing.

    Attributes:
        registry: trustsvc's registry, read by canonical URL; None: not configured.
        advisories: trustsvc's advisory database; None: known vulnerabilities not checked.
        dns: the resolver for the DNS namespace proof; None: not asked.
        http_proofs: fetch `/.well-known/mcp-registry-auth` from namespace domains.
        server_cards: fetch the endpoint's Server Cards and its origin's catalogs.
        cards_off_origin: also fetch the registrable domain's catalogs, and cards a catalog
            lists on other hosts (a lookup of other names, like `http_proofs`).
    """

    registry: RegistryLookup | None = None
    dns: DnsConfig | None = None
    http_proofs: bool = False
    advisories: AdvisoryLookup | None = None
    server_cards: bool = True
    cards_off_origin: bool = False
