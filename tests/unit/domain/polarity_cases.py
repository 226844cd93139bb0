"""Both outcomes for every domain probe, as whole DomainObservations.

Each part keeps its own small case list beside its tests; this module wraps every case's
part into a whole observation whose other parts could not be asked, so the family's guard
(tests/test_architecture.py) and the family test judge exactly what the family judges.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from probes.domain.dns_observation import DnsObservation
from probes.domain.lookalike_observation import LookalikeObservation
from probes.domain.observation import DomainObservation
from probes.domain.registration_observation import RegistrationObservation
from probes.domain.reputation_observation import ReputationObservation
from probes.model import Outcome
from tests.unit.domain.lookalike_cases import LOOKALIKE_CASES
from tests.unit.domain_dns.dns_cases import DNS_CASES
from tests.unit.domain_registration.registration_cases import REGISTRATION_CASES
from tests.unit.domain_reputation.reputation_cases import REPUTATION_CASES

Part = RegistrationObservation | DnsObservation | ReputationObservation | LookalikeObservation


def whole(part: Part) -> DomainObservation:
    """A DomainObservation carrying `part`; every other part reports it was not asked."""
    host = part.domain if isinstance(part, LookalikeObservation) else part.host
    host = host or "unknown.invalid"
    domain = part.registrable_domain
    reason = "not asked in this case"
    base = DomainObservation(
        observed_at=part.observed_at,
        host=host,
        registrable_domain=domain,
        registration=RegistrationObservation(
            observed_at=part.observed_at,
            host=host,
            registrable_domain=domain,
            unavailable_reason=reason,
        ),
        dns=DnsObservation.unavailable(
            observed_at=part.observed_at, host=host, registrable_domain=domain, reason=reason
        ),
        reputation=ReputationObservation.unavailable(
            observed_at=part.observed_at, host=host, registrable_domain=domain, reason=reason
        ),
        lookalike=LookalikeObservation(
            observed_at=part.observed_at,
            domain=host,
            registrable_domain=domain,
            lookalike_of=None,
            technique=None,
            engine=None,
            trusted_count=0,
        ),
    )
    if isinstance(part, RegistrationObservation):
        return replace(base, registration=part)
    if isinstance(part, DnsObservation):
        return replace(base, dns=part)
    if isinstance(part, ReputationObservation):
        return replace(base, reputation=part)
    return replace(base, lookalike=part)


def _wrapped(
    cases: Sequence[tuple[str, Part, Outcome]],
) -> list[tuple[str, DomainObservation, Outcome]]:
    return [(probe_id, whole(part), outcome) for probe_id, part, outcome in cases]


POLARITY_CASES: list[tuple[str, DomainObservation, Outcome]] = [
    *_wrapped(REGISTRATION_CASES),
    *_wrapped(DNS_CASES),
    *_wrapped(REPUTATION_CASES),
    *_wrapped(LOOKALIKE_CASES),
]
