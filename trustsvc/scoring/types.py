"""The scoring vocabulary: dimensions, grades, verdicts, and the score a policy produces."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from probes.model import Evidence


class Dimension(StrEnum):
    """What a score is made of; each dimension is fed by one probe family (or none yet)."""

    TRANSPORT = "transport"
    IDENTITY = "identity"
    ACCESS = "access"
    CAPABILITIES = "capabilities"
    PROVENANCE = "provenance"
    STABILITY = "stability"


class Verdict(StrEnum):
    """What an agent should do before connecting."""

    ALLOW = "allow"
    WARN = "warn"
    BLOCK = "block"


# Best first. "?" is not on the ladder: it means the evidence does not support any letter.
GRADE_LADDER: tuple[str, ...] = ("A+", "A", "A-", "B", "C", "D", "F")
UNKNOWN_GRADE = "?"


def worse_grade(a: str, b: str) -> str:
    """The lower of two ladder grades."""
    return a if GRADE_LADDER.index(a) >= GRADE_LADDER.index(b) else b


@dataclass(frozen=True, slots=True, kw_only=True)
class DimensionResult:
    """One dimension's judgement; `score` None means inconclusive, never zero.

    Attributes:
        coverage: share of the dimension's applicable probes that gave a conclusive answer.
        cited: the probe ids the reason rests on.
        evidence: figures an operator may want to compare (e.g. the TLS sub-grade).
    """

    name: Dimension
    score: float | None
    weight: float
    coverage: float
    reason: str
    cited: tuple[str, ...] = ()
    evidence: Evidence = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class Gate:
    """A named rule that fired: it caps the grade and may force a verdict, whatever the mean."""

    id: str
    cap: str
    verdict: Verdict | None
    reason: str
    probe_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class TrustScore:
    """The result of scoring one scan's findings under one policy version."""

    policy_version: str
    score: int
    score_measured: int | None
    grade: str
    verdict: Verdict
    confidence: float
    gates: tuple[Gate, ...]
    dimensions: tuple[DimensionResult, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class OpenDrift:
    """An unacknowledged drift event inside the stability window."""

    event_id: int
    severity: str
    kind: str
    subject: str
    summary: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DriftStanding:
    """What scoring needs to know about drift: was there a comparison, what is still open."""

    compared: bool
    open_events: tuple[OpenDrift, ...] = ()
