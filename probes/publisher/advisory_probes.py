"""Known-vulnerability probes: one finding per advisory affecting what the endpoint runs."""

from __future__ import annotations

from dataclasses import replace

from probes.model import (
    EvidenceValue,
    Family,
    Finding,
    Outcome,
    Probe,
    ProbeSpec,
    Severity,
    SpecFactory,
)
from probes.publisher.advisories import AdvisoryCheck, KnownVulnerability
from probes.publisher.observation import PublisherObservation

publisher_spec = SpecFactory(Family.PUBLISHER)
_REFERENCES = ("OWASP-A06:2021",)

KNOWN_VULNERABILITY = publisher_spec(
    "package_has_known_vulnerability",
    question="Does a package the endpoint is built from have a published advisory?",
    rationale=(
        "The registry entry and serverInfo name the software the endpoint runs; a version "
        "with a public advisory is an exploit an attacker does not have to find."
    ),
    severity=Severity.HIGH,
    remediation="Upgrade the package to a fixed version, or ask the publisher to.",
    references=_REFERENCES,
)
CRITICAL_WITH_FIX = publisher_spec(
    "package_has_critical_vulnerability_with_fix",
    question="Does a package the endpoint runs have a critical advisory that a release fixes?",
    rationale=(
        "A critical flaw with a fix available means the operator has not patched what the "
        "publisher already has: the most exploited kind of vulnerability."
    ),
    severity=Severity.CRITICAL,
    remediation="Upgrade the package to the fixed version now.",
    references=_REFERENCES,
)


def _unknown(spec: ProbeSpec, observation: PublisherObservation) -> Finding | None:
    if observation.advisories_reason is not None:
        message = f"Not checked: {observation.advisories_reason}."
        return spec.finding(Outcome.NOT_AVAILABLE, message)
    if not observation.advisories:
        return spec.finding(Outcome.NOT_AVAILABLE, "Not checked: no package was looked up.")
    if all(check.vulnerabilities is None for check in observation.advisories):
        problems = "; ".join(
            f"{c.package.name} {c.package.version or '(unpinned)'}: {c.problem}"
            for c in observation.advisories
        )
        return spec.finding(Outcome.NOT_AVAILABLE, f"No answer: {problems}."[:600])
    return None


def _checked(observation: PublisherObservation) -> str:
    answered = [c for c in observation.advisories if c.vulnerabilities is not None]
    return ", ".join(
        sorted({f"{c.package.ecosystem}:{c.package.name}@{c.package.version}" for c in answered})
    )[:600]


def _finding(spec: ProbeSpec, check: AdvisoryCheck, found: KnownVulnerability) -> Finding:
    package = check.package
    fix = f"upgrade {package.name} to {' or '.join(found.fixed)}" if found.fixed else "no fix yet"
    evidence: dict[str, EvidenceValue] = {
        "advisory_id": found.id,
        "aliases": ", ".join(i for i in found.ids if i != found.id)[:600] or None,
        "severity": found.severity_label,
        "cvss_score": found.severity_score,
        "fixed_versions": ", ".join(found.fixed)[:600] or None,
        "ecosystem": package.ecosystem,
        "package": package.name,
        "version": package.version,
        "source": package.source,
        "references": ", ".join(found.references[:3])[:600] or None,
    }
    message = (
        f"{package.name} {package.version} ({package.ecosystem}, from {package.source}) is "
        f"affected by {found.id} ({found.severity_label or 'unrated'}): "
        f"{found.summary or 'no summary'}; {fix}."
    )[:1000]
    finding = spec.judged(True, message, subject=f"advisory:{found.id}", evidence=evidence)  # noqa: FBT003
    if found.fixed:
        finding = replace(
            finding, remediation=f"Upgrade {package.name} to {' or '.join(found.fixed)}."
        )
    return finding


def _vulnerabilities(
    observation: PublisherObservation,
) -> list[tuple[AdvisoryCheck, KnownVulnerability]]:
    seen: set[str] = set()
    pairs = []
    for check in observation.advisories:
        for found in check.vulnerabilities or ():
            if found.id not in seen:
                seen.add(found.id)
                pairs.append((check, found))
    return pairs


def has_known_vulnerability(observation: PublisherObservation) -> list[Finding]:
    """TRUE once per advisory affecting a named package version; FALSE when none does."""
    unknown = _unknown(KNOWN_VULNERABILITY, observation)
    if unknown is not None:
        return [unknown]
    pairs = _vulnerabilities(observation)
    if pairs:
        return [_finding(KNOWN_VULNERABILITY, check, found) for check, found in pairs]
    message = f"No advisory affects {_checked(observation)}."
    return [KNOWN_VULNERABILITY.judged(False, message, evidence={"checked": _checked(observation)})]  # noqa: FBT003


def has_critical_vulnerability_with_fix(observation: PublisherObservation) -> list[Finding]:
    """TRUE for each critical advisory that has a fixed version."""
    unknown = _unknown(CRITICAL_WITH_FIX, observation)
    if unknown is not None:
        return [unknown]
    pairs = [
        (check, found)
        for check, found in _vulnerabilities(observation)
        if found.severity_label == "critical" and found.fixed
    ]
    if pairs:
        return [_finding(CRITICAL_WITH_FIX, check, found) for check, found in pairs]
    message = f"No critical advisory with a fix affects {_checked(observation)}."
    return [CRITICAL_WITH_FIX.judged(False, message, evidence={"checked": _checked(observation)})]  # noqa: FBT003


ADVISORY_PROBES: tuple[Probe[PublisherObservation], ...] = (
    Probe(KNOWN_VULNERABILITY, has_known_vulnerability),
    Probe(CRITICAL_WITH_FIX, has_critical_vulnerability_with_fix),
)
