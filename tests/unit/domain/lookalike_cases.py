"""Both outcomes for every domain probe written so far: (probe id, observation, expected outcome).

The guard test (tests/test_architecture.py) will require this once the domain family is
registered; test_lookalike_probes.py runs every case now.
"""

from __future__ import annotations

import datetime as dt

from probes.domain.lookalike import detect_lookalike
from probes.domain.lookalike_probes import LOOKALIKE, LookalikeObservation
from probes.domain.trusted import default_trusted
from probes.model import Outcome

OBSERVED_AT = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)


def observe(host: str) -> LookalikeObservation:
    trusted = default_trusted()
    return LookalikeObservation.from_verdict(
        detect_lookalike(host, trusted), observed_at=OBSERVED_AT, trusted_count=len(trusted.domains)
    )


POLARITY_CASES: list[tuple[str, object, Outcome]] = [
    (LOOKALIKE.id, observe("npnjs.com"), Outcome.TRUE),
    (LOOKALIKE.id, observe("github.com.evil.io"), Outcome.TRUE),
    (LOOKALIKE.id, observe("api.github.com"), Outcome.FALSE),
    (LOOKALIKE.id, observe("example.com"), Outcome.FALSE),
    (LOOKALIKE.id, observe("127.0.0.1"), Outcome.NOT_APPLICABLE),
]
