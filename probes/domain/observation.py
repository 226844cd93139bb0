"""What the domain family observed about one endpoint host, as four independent parts.

Each part is collected and judged on its own, so a registry outage leaves the DNS and
lookalike findings intact; a part that could not be asked carries its reason and its
probes become NOT_AVAILABLE.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from probes.domain.dns_observation import DnsObservation
from probes.domain.lookalike_observation import LookalikeObservation
from probes.domain.registration_observation import RegistrationObservation
from probes.domain.reputation_observation import ReputationObservation


@dataclass(frozen=True, slots=True, kw_only=True)
class DomainObservation:
    """Registration, DNS posture, reputation and lookalike facts about one host."""

    observed_at: dt.datetime
    host: str
    registrable_domain: str | None
    registration: RegistrationObservation
    dns: DnsObservation
    reputation: ReputationObservation
    lookalike: LookalikeObservation
