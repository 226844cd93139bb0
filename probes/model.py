"""The probe vocabulary: outcomes, specs, findings and attempts.

Collectors produce observations, probes turn one observation into findings, and scoring
weighs findings. These types are the contract between those stages, so they are frozen and
carry only JSON-friendly values: a stored finding can be re-scored without probing again.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Generic, TypeAlias, TypeVar

from probes.frameworks import Provenance, Reference, provenance_for, references_for

__all__ = [
    "Attempt",
    "AttemptStatus",
    "ErrorReason",
    "Evidence",
    "EvidenceValue",
    "Family",
    "Finding",
    "Lifecycle",
    "Outcome",
    "Probe",
    "ProbeSpec",
    "Provenance",
    "Reference",
    "Severity",
    "SpecFactory",
]
EvidenceValue: TypeAlias = str | int | float | bool | None
Evidence: TypeAlias = Mapping[str, EvidenceValue]

_PROBE_ID = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")


class Outcome(StrEnum):
    """The answer a probe gives to its question; only TRUE and FALSE are conclusive."""

    TRUE = "true"
    FALSE = "false"
    NOT_APPLICABLE = "not_applicable"
    NOT_AVAILABLE = "not_available"
    ERROR = "error"

    @property
    def conclusive(self) -> bool:
        """Whether the outcome answers the question (unknown is neither bad nor safe)."""
        return self in (Outcome.TRUE, Outcome.FALSE)


class Severity(StrEnum):
    """How much a bad outcome matters, in the vocabulary security tools share."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for the most severe: sorts findings worst first (declaration order above)."""
        return list(Severity).index(self)


class Lifecycle(StrEnum):
    """Whether a probe's judgement is settled (add a value when a probe first needs one)."""

    STABLE = "stable"


class Family(StrEnum):
    """A group of probes sharing one collector (one set of network exchanges)."""

    TLS = "tls"
    DOMAIN = "domain"
    AUTH = "auth"
    TOOLS = "tools"
    PUBLISHER = "publisher"


class AttemptStatus(StrEnum):
    """How a family's collection ended."""

    COMPLETED = "completed"
    ERROR = "error"
    SKIPPED = "skipped"


class ErrorReason(StrEnum):
    """Why a family did not complete; a closed set so reports and metrics can group on it."""

    TIMEOUT = "timeout"
    UNREACHABLE = "unreachable"
    REFUSED_BY_POLICY = "refused_by_policy"
    TLS_HANDSHAKE_FAILED = "tls_handshake_failed"
    PROTOCOL_ERROR = "protocol_error"
    RESPONSE_TOO_LARGE = "response_too_large"
    SOURCE_UNAVAILABLE = "source_unavailable"
    BUG = "bug"


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """One probe's answer about one subject, with the evidence that supports it.

    `family`, `severity` and `references` are copied from the spec so a stored finding is
    self-describing even after the spec changes. `provenance` says what kind of evidence
    backs it: the spec's default, unless the probe knows better for this finding (a tier
    read from the tool's own annotations is declared, one read from its name inferred).
    """

    probe_id: str
    family: Family
    outcome: Outcome
    severity: Severity
    message: str
    subject: str | None = None
    evidence: Evidence = field(default_factory=dict)
    remediation: str | None = None
    references: tuple[Reference, ...] = ()
    provenance: Provenance | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ProbeSpec:
    """What a probe asks and why; the catalogue, the docs and SARIF rules come from these.

    `bad_outcome` states the polarity once, so nobody has to guess whether TRUE is good.
    `citations` are the standards the probe checks against (RFCs, CVEs, SAFE-MCP ids),
    declared with its code; its framework ids (OWASP, ATLAS, CoSAI, CWE, each with an
    edition) and its provenance live in the mapping table (`probes/frameworks/data`).
    """

    id: str
    family: Family
    question: str
    rationale: str
    bad_outcome: Outcome
    severity: Severity
    remediation: str
    citations: tuple[str, ...] = ()
    lifecycle: Lifecycle = Lifecycle.STABLE

    def __post_init__(self) -> None:
        if not _PROBE_ID.fullmatch(self.id):
            raise ValueError(f"probe id {self.id!r} is not a snake_case predicate")
        if self.bad_outcome not in (Outcome.TRUE, Outcome.FALSE):
            raise ValueError(f"probe {self.id}: bad_outcome must be TRUE or FALSE")

    @property
    def references(self) -> tuple[Reference, ...]:
        """The framework references of the mapping table, then the citations."""
        return references_for(self.id, self.citations)

    @property
    def provenance(self) -> Provenance | None:
        """The default provenance of this probe's findings (None until the table maps it)."""
        return provenance_for(self.id)

    @property
    def good_outcome(self) -> Outcome:
        """The conclusive outcome that is not the bad one."""
        return Outcome.FALSE if self.bad_outcome is Outcome.TRUE else Outcome.TRUE

    def finding(
        self,
        outcome: Outcome,
        message: str,
        *,
        subject: str | None = None,
        evidence: Evidence | None = None,
        provenance: Provenance | None = None,
    ) -> Finding:
        """Build a finding for this spec; remediation is attached only to the bad outcome."""
        return Finding(
            probe_id=self.id,
            family=self.family,
            outcome=outcome,
            severity=self.severity,
            message=message,
            subject=subject,
            evidence=dict(evidence or {}),
            remediation=self.remediation if outcome is self.bad_outcome else None,
            references=self.references,
            provenance=provenance or self.provenance,
        )

    def judged(
        self,
        is_bad: bool,  # noqa: FBT001 - the one argument a judgement needs
        message: str,
        *,
        subject: str | None = None,
        evidence: Evidence | None = None,
        provenance: Provenance | None = None,
    ) -> Finding:
        """Build a conclusive finding from whether the bad condition holds."""
        outcome = self.bad_outcome if is_bad else self.good_outcome
        return self.finding(
            outcome, message, subject=subject, evidence=evidence, provenance=provenance
        )


@dataclass(frozen=True, slots=True)
class SpecFactory:
    """Declares the specs of one family, so each family's modules need not repeat it."""

    family: Family

    def __call__(
        self,
        probe_id: str,
        *,
        question: str,
        rationale: str,
        severity: Severity,
        remediation: str,
        references: tuple[str, ...] = (),
        bad: Outcome = Outcome.TRUE,
    ) -> ProbeSpec:
        """A ProbeSpec of this factory's family; `references` are its citations.

        Framework ids (OWASP, ATLAS, CoSAI, CWE) go in the mapping table with their edition,
        not here: tests/unit/test_frameworks.py names any that slip in.
        """
        return ProbeSpec(
            id=probe_id,
            family=self.family,
            question=question,
            rationale=rationale,
            bad_outcome=bad,
            severity=severity,
            remediation=remediation,
            citations=references,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Attempt:
    """How one family's collection ended (sslyze's completed-or-error-with-reason envelope)."""

    family: Family
    status: AttemptStatus
    reason: ErrorReason | None
    detail: str
    elapsed_ms: int


ObsT = TypeVar("ObsT")


@dataclass(frozen=True, slots=True)
class Probe(Generic[ObsT]):
    """A spec and the pure function that answers it (observation in, findings out)."""

    spec: ProbeSpec
    judge: Callable[[ObsT], Sequence[Finding]]
