"""Both outcomes of the lookalike probe: (probe id, lookalike observation, expected outcome).

tests/unit/domain/polarity_cases.py wraps them into whole domain observations.
"""

from __future__ import annotations

import datetime as dt

from probes.domain.lookalike import detect_lookalike
from probes.domain.lookalike_observation import LookalikeObservation
from probes.domain.lookalike_probes import LOOKALIKE
from probes.domain.trusted import default_trusted
from probes.model import Outcome

OBSERVED_AT = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)


def observe(host: str) -> LookalikeObservation:
    trusted = default_trusted()
    return LookalikeObservation.from_verdict(
        detect_lookalike(host, trusted), observed_at=OBSERVED_AT, trusted_count=len(trusted.domains)
    )


LOOKALIKE_CASES: list[tuple[str, LookalikeObservation, Outcome]] = [
    (LOOKALIKE.id, observe("npnjs.com"), Outcome.TRUE),
    (LOOKALIKE.id, observe("github.com.evil.io"), Outcome.TRUE),
    (LOOKALIKE.id, observe("api.github.com"), Outcome.FALSE),
    (LOOKALIKE.id, observe("example.com"), Outcome.FALSE),
    (LOOKALIKE.id, observe("127.0.0.1"), Outcome.NOT_APPLICABLE),
]
