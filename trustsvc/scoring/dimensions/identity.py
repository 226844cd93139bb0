"""Identity (the endpoint's domain): a base by registration age, then modifiers.

scoring.md 8.2.3: the base is 10 / 35 / 60 / 80 / 100 for a domain younger than 7 / 30 / 90 /
365 days or older, where a recent transfer or reregistration resets the age (newly
registered domain lists count ownership changes). Bad facts then cost fixed points, and the
small hygiene signals (DNSSEC, CAA) add points only to a domain that already scores 90, so
they can polish a good name but never rescue a young one. SPF and DMARC count +-2, and only
where the domain receives mail. A domain whose age is unknown starts at 100 and relies on
coverage: its unmeasured share is pulled toward the neutral prior, never toward 100.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from probes.domain.registration_probes import AGE_DAYS, DAYS_SINCE_TRANSFER
from probes.model import Finding, Outcome
from trustsvc.scoring.dimensions.common import DimensionInput, check_expected, coverage, is_bad
from trustsvc.scoring.dimensions.generic import evaluate_by_deduction
from trustsvc.scoring.types import DimensionResult

AGE_PROBE = "domain_registered_within_90_days"
TRANSFER_PROBE = "domain_recently_transferred"
FULL = 100.0
AGE_BANDS: Final[tuple[tuple[float, float], ...]] = ((7, 10.0), (30, 35.0), (90, 60.0), (365, 80.0))
DEDUCTIONS: Final[Mapping[str, float]] = MappingProxyType(
    {
        "domain_listed_as_malicious": 100.0,
        "domain_resolves_to_non_public_address": 100.0,
        "domain_on_registry_hold_or_pending_delete": 40.0,
        "domain_is_lookalike_of_trusted_domain": 40.0,
        "domain_listed_as_low_reputation": 40.0,
        "domain_expires_within_30_days": 10.0,
    }
)
# Hygiene: points added when the probe gives its good outcome, only to a score of 90 or more.
BONUSES: Final[Mapping[str, float]] = MappingProxyType(
    {"domain_lacks_dnssec": 5.0, "domain_lacks_caa": 5.0}
)
BONUS_FLOOR = 90.0
MAIL_PROBE = "domain_mail_lacks_spf_or_dmarc"
MAIL_POINTS = 2.0


def _number(findings: tuple[Finding, ...], probe_id: str, key: str) -> float | None:
    for finding in findings:
        value = finding.evidence.get(key)
        if finding.probe_id == probe_id and isinstance(value, int | float):
            return float(value)
    return None


def _transfer_days(findings: tuple[Finding, ...]) -> float | None:
    found = _number(findings, AGE_PROBE, DAYS_SINCE_TRANSFER)
    return found if found is not None else _number(findings, TRANSFER_PROBE, DAYS_SINCE_TRANSFER)


def effective_age(findings: tuple[Finding, ...]) -> float | None:
    """Days since registration or the last ownership change, whichever is later.

    A transfer alone (RDAP can list one without a registration date) still dates the name:
    to its new owner it is that old, and unknown must not read as old.
    """
    known = [
        days
        for days in (_number(findings, AGE_PROBE, AGE_DAYS), _transfer_days(findings))
        if days is not None
    ]
    return min(known) if known else None


def age_base(age_days: float) -> float:
    """The base score of a domain this many days old."""
    return next((score for days, score in AGE_BANDS if age_days < days), FULL)


def _outcome(findings: tuple[Finding, ...], probe_id: str) -> Outcome | None:
    return next((f.outcome for f in findings if f.probe_id == probe_id), None)


def _age_cited(findings: tuple[Finding, ...], age: float | None, base: float) -> list[str]:
    """The probes a lowered base rests on: the age, and the transfer when it set the age."""
    if base >= FULL:
        return []
    if age == _transfer_days(findings):
        return [AGE_PROBE, TRANSFER_PROBE]
    return [AGE_PROBE]


def evaluate_identity(data: DimensionInput) -> DimensionResult:
    """Score the domain: age base, deductions for bad facts, hygiene bonuses."""
    check_expected(data)
    if not data.specs:
        return evaluate_by_deduction(data)
    covered = coverage(data)
    if covered == 0.0:
        return evaluate_by_deduction(data)  # "none of the identity probes gave an answer"
    age = effective_age(data.findings)
    base = FULL if age is None else age_base(age)
    steps = ["age unknown: base 100" if age is None else f"age {age:g} d: base {base:g}"]
    cited = _age_cited(data.findings, age, base)
    score = base
    for finding in data.findings:
        points = DEDUCTIONS.get(finding.probe_id)
        if points is None or not is_bad(finding, data.specs) or finding.probe_id in cited:
            continue
        score -= points
        steps.append(f"-{points:g} {finding.probe_id}")
        cited.append(finding.probe_id)
    mail = _outcome(data.findings, MAIL_PROBE)
    if mail is not None and mail.conclusive:
        sign = -1.0 if mail is data.specs[MAIL_PROBE].bad_outcome else 1.0
        score += sign * MAIL_POINTS
        steps.append(f"{'-' if sign < 0 else '+'}{MAIL_POINTS:g} {MAIL_PROBE}")
        if sign < 0:
            cited.append(MAIL_PROBE)
    if score >= BONUS_FLOOR:
        for probe_id, points in BONUSES.items():
            outcome = _outcome(data.findings, probe_id)
            if outcome is not None and outcome is data.specs[probe_id].good_outcome:
                score += points
                steps.append(f"+{points:g} {probe_id} (good)")
    score = min(FULL, max(0.0, score))
    return DimensionResult(
        name=data.dimension,
        score=score,
        weight=data.weight,
        coverage=covered,
        reason=f"Domain identity: {'; '.join(steps)}: {score:g}.",
        cited=tuple(dict.fromkeys(cited)),
        evidence={"age_days": age, "base": base},
    )
