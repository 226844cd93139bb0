"""The lexical lookalike facts about one host, small and frozen so a stored one can be re-judged."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from probes.domain.lookalike import LookalikeVerdict


@dataclass(frozen=True, slots=True, kw_only=True)
class LookalikeObservation:
    """The lexical lookalike facts about one host, as the probe judges them."""

    observed_at: dt.datetime
    domain: str | None
    registrable_domain: str | None
    lookalike_of: str | None
    technique: str | None
    engine: str | None
    trusted_count: int

    @classmethod
    def from_verdict(
        cls, verdict: LookalikeVerdict, *, observed_at: dt.datetime, trusted_count: int
    ) -> LookalikeObservation:
        """The observation of a lexical verdict."""
        return cls(
            observed_at=observed_at,
            domain=verdict.domain,
            registrable_domain=verdict.registrable_domain,
            lookalike_of=verdict.lookalike_of,
            technique=verdict.technique,
            engine=verdict.engine,
            trusted_count=trusted_count,
        )
