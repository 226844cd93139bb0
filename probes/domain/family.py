"""The domain family: registration, DNS posture, reputation and lookalike probes as one.

Each part's probes judge their own part of the DomainObservation, so the four modules stay
independent and their polarity cases stay small. `domain_family(sources)` builds the family
for a deployment's sources; `probes.registry` lists the offline default `DOMAIN_FAMILY`, which
has the same catalogue.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from probes.domain import lookalike_probes
from probes.domain.collect import DomainCollector
from probes.domain.dns_probes import DNS_PROBES
from probes.domain.observation import DomainObservation
from probes.domain.registration_probes import REGISTRATION_PROBES
from probes.domain.reputation_probes import REPUTATION_PROBES
from probes.domain.sources import DomainSources
from probes.family import FamilySpec
from probes.model import Family, Finding, Probe
from probes.netpolicy import Resolver, system_resolver

PartT = TypeVar("PartT")


def _on_part(
    probe: Probe[PartT], part: Callable[[DomainObservation], PartT]
) -> Probe[DomainObservation]:
    def judge(observation: DomainObservation) -> Sequence[Finding]:
        return probe.judge(part(observation))

    return Probe(probe.spec, judge)


DOMAIN_PROBES: tuple[Probe[DomainObservation], ...] = (
    *(_on_part(p, lambda o: o.registration) for p in REGISTRATION_PROBES),
    *(_on_part(p, lambda o: o.dns) for p in DNS_PROBES),
    *(_on_part(p, lambda o: o.reputation) for p in REPUTATION_PROBES),
    _on_part(
        Probe(lookalike_probes.LOOKALIKE, lookalike_probes.domain_is_lookalike_of_trusted_domain),
        lambda o: o.lookalike,
    ),
)


def domain_family(
    sources: DomainSources | None = None, *, resolver: Resolver = system_resolver
) -> FamilySpec[DomainObservation]:
    """The family over these sources; one per process, since its collector holds the cache."""
    collector = DomainCollector(sources or DomainSources(), resolver=resolver)
    return FamilySpec(Family.DOMAIN, collector, DOMAIN_PROBES)


DOMAIN_FAMILY = domain_family()
"""The offline default (lexical lookalike only); deployments build theirs from settings."""
