"""What a scan runs with: the families over a deployment's sources, and the probe context.

`probes.registry` lists the offline defaults; a deployment swaps in its domain and publisher
families, built from settings and the lookups its database offers.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from probes.children import ChildPool
from probes.context import ProbeContext
from probes.domain.family import domain_family
from probes.family import FamilySpec
from probes.model import Family
from probes.netpolicy import Resolver, system_resolver
from probes.publisher.advisories import AdvisoryLookup
from probes.publisher.context import RegistryLookup
from probes.publisher.family import publisher_family
from probes.publisher.sources import PublisherSources
from probes.registry import FAMILIES
from probes.tools.family import tools_family
from trustsvc.config.domain import domain_sources
from trustsvc.config.settings import Settings


def probe_families(
    settings: Settings,
    resolver: Resolver = system_resolver,
    *,
    registry: RegistryLookup | None = None,
    advisories: AdvisoryLookup | None = None,
) -> tuple[FamilySpec[Any], ...]:
    """The registered families, with domain and publisher families over this deployment.

    `registry` and `advisories` None mean no database: publisher facts and known
    vulnerabilities are then not available.

    Raises:
        DomainSettingsError: a configured file (feed, bootstrap, trusted list) is unusable.
    """
    sources = domain_sources(settings.domain)
    configured: dict[Family, FamilySpec[Any]] = {
        Family.DOMAIN: domain_family(sources, resolver=resolver),
        Family.TOOLS: tools_family(settings.probes.client_identities),
        Family.PUBLISHER: publisher_family(
            PublisherSources(
                registry=registry,
                dns=sources.dns,
                http_proofs=settings.domain.lookups,
                advisories=advisories,
                cards_off_origin=settings.domain.lookups,
            ),
            resolver=resolver,
        ),
    }
    return tuple(configured.get(family.family, family) for family in FAMILIES)


def probe_context(settings: Settings) -> ProbeContext:
    """The per-process probe resources for these settings."""
    return ProbeContext(
        policy=settings.probes.policy,
        limits=settings.probes.limits,
        ca_file=settings.probes.ca_file,
        extra_headers=settings.probes.extra_headers,
        user_agent=settings.courtesy.user_agent,
        executor=ThreadPoolExecutor(
            max_workers=settings.probes.blocking_threads, thread_name_prefix="probe"
        ),
        children=ChildPool(size=settings.probes.tls_children),
    )
