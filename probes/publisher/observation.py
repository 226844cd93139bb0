"""What the publisher family observed: registry context, namespace proofs, advisories, cards."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from probes.publisher.advisories import AdvisoryCheck
from probes.publisher.cards import CardObservation
from probes.publisher.context import RegistryContext
from probes.publisher.hygiene import RemoteAnswer
from probes.publisher.proofs import ProofCheck


@dataclass(frozen=True, slots=True, kw_only=True)
class PublisherObservation:
    """The registry context of one endpoint and the proofs of its domain namespaces."""

    observed_at: dt.datetime
    url: str
    host: str
    registrable_domain: str | None
    context: RegistryContext | None = None
    proofs: tuple[ProofCheck, ...] = ()
    unavailable_reason: str | None = None
    advisories: tuple[AdvisoryCheck, ...] = ()
    advisories_reason: str | None = None
    remote_answer: RemoteAnswer | None = None
    """What the endpoint answered the scan's MCP handshake; None when not asked (not listed)."""
    cards: CardObservation | None = None
    """Server Cards and AI Catalogs (None: card discovery is off)."""
