"""Evaluate the assurance profile over a scan's findings (pure: findings in, verdict out).

A finding is bad when it carries a remediation, which probes set only on their bad
outcome: the polarity as judged when the scan ran, so an old scan's verdict does not move
when a spec changes later.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Protocol

from trustsvc.assurance.model import AssuranceDoc, LevelDoc, RequirementDoc
from trustsvc.assurance.profile import (
    LEVELS,
    PROFILE,
    PROFILE_VERSION,
    REQUIREMENTS,
    Check,
    Requirement,
)

_UNMEASURED = {"not_available", "error"}


class JudgedFinding(Protocol):
    """What the evaluation reads of a finding (a report's finding document)."""

    @property
    def probe_id(self) -> str:
        """The probe that answered."""
        ...

    @property
    def outcome(self) -> str:
        """true, false, not_applicable, not_available or error."""
        ...

    @property
    def remediation(self) -> str | None:
        """Set exactly when the outcome was the probe's bad one."""
        ...


def assurance_of(findings: Iterable[JudgedFinding]) -> AssuranceDoc:
    """The highest level every requirement up to which is met, and what each level lacks."""
    by_probe: dict[str, list[JudgedFinding]] = defaultdict(list)
    for finding in findings:
        by_probe[finding.probe_id].append(finding)
    levels = []
    served: int | None = None
    cumulative = True  # every level below was met too
    for level, alias in LEVELS.items():
        results = [_requirement(r, by_probe) for r in REQUIREMENTS if r.level == level]
        unmet = [r for r in results if r.status != "met"]
        cumulative = cumulative and not unmet
        if cumulative:
            served = level
        levels.append(LevelDoc(level=f"L{level}", alias=alias, met=not unmet, unmet=unmet))
    return AssuranceDoc(
        profile=PROFILE,
        profile_version=PROFILE_VERSION,
        level=None if served is None else f"L{served}",
        levels=levels,
    )


def _requirement(
    requirement: Requirement, by_probe: dict[str, list[JudgedFinding]]
) -> RequirementDoc:
    doc = RequirementDoc(
        id=requirement.id,
        control=requirement.control,
        basis=requirement.basis,
        status="met",
        reason="",
        probe_ids=[c.probe_id for c in requirement.checks],
    )
    if not requirement.checks:
        doc.status, doc.reason = "not_measured", "trustsvc has no probe for this control yet"
        return doc
    failed = [c.probe_id for c in requirement.checks if _bad(by_probe.get(c.probe_id, []))]
    if failed:
        doc.status, doc.reason = "unmet", f"bad outcome of {', '.join(failed)}"
        return doc
    unknown = [c.probe_id for c in requirement.checks if not _good(c, by_probe.get(c.probe_id))]
    if unknown:
        doc.status = "not_measured"
        doc.reason = f"not established by {', '.join(unknown)}"
    return doc


def _bad(findings: Sequence[JudgedFinding]) -> bool:
    return any(f.remediation is not None for f in findings)


def _good(check: Check, findings: Sequence[JudgedFinding] | None) -> bool:
    """Measured and not bad: every finding conclusive (or N/A where that is enough).

    A check that only a confirmed bad fact fails is good unmeasured too.
    """
    if check.unmeasured_ok:
        return True
    if not findings:
        return False
    allowed = {"true", "false"} | ({"not_applicable"} if check.not_applicable_ok else set())
    return all(f.outcome in allowed for f in findings)
