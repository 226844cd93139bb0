"""The publisher family over a deployment's sources; the default asks only the endpoint.

Without sources it reads the endpoint's own Server Cards and nothing else: no registry, no
advisories, no DNS, no other host.
"""

from __future__ import annotations

from probes.family import FamilySpec
from probes.model import Family
from probes.netpolicy import Resolver, system_resolver
from probes.publisher.advisory_probes import ADVISORY_PROBES
from probes.publisher.card_probes import CARD_PROBES
from probes.publisher.collect import PublisherCollector
from probes.publisher.observation import PublisherObservation
from probes.publisher.registry_hygiene_probes import REGISTRY_HYGIENE_PROBES
from probes.publisher.registry_probes import PUBLISHER_PROBES
from probes.publisher.sources import PublisherSources


def publisher_family(
    sources: PublisherSources | None = None, *, resolver: Resolver = system_resolver
) -> FamilySpec[PublisherObservation]:
    """The family reading `sources` (the registry, and proof lookups when configured)."""
    collector = PublisherCollector(sources or PublisherSources(), resolver=resolver)
    return FamilySpec(
        Family.PUBLISHER,
        collector,
        (*PUBLISHER_PROBES, *ADVISORY_PROBES, *REGISTRY_HYGIENE_PROBES, *CARD_PROBES),
    )


PUBLISHER_FAMILY = publisher_family()
"""No registry configured: its probes NOT_AVAILABLE, cards read; trustsvc swaps in its own."""
