"""Publisher probes: who lists this endpoint in the registry, and can they be believed?

An endpoint no server lists (a hand-submitted URL) has no publisher facts: every probe is
NOT_AVAILABLE, which lowers confidence without counting against it. The registry does not
check that a remote's host belongs to its namespace, so anyone can list someone else's URL;
these probes check what the registry does not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

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
from probes.publisher.context import RegistryContext
from probes.publisher.namespaces import namespace_domain
from probes.publisher.observation import PublisherObservation
from probes.target import registrable_domain_of

NEW_PUBLISHER_DAYS = 7
CHURN_WINDOW_DAYS = 7
CHURN_VERSIONS = 10
_REFERENCES = ("MCP-registry-namespacing",)

publisher_spec = SpecFactory(Family.PUBLISHER)
# A judge answers bad (True) or good (False), or an inconclusive Outcome with its reason.
Judgement = tuple[bool | Outcome, str, dict[str, EvidenceValue]]
Judge = Callable[[PublisherObservation, RegistryContext], Judgement]


def _probe(spec: ProbeSpec, judge: Judge) -> Probe[PublisherObservation]:
    """Wrap a judge of the registry context with the shared unknown and not-listed cases."""

    def run(observation: PublisherObservation) -> list[Finding]:
        base: dict[str, EvidenceValue] = {"url": observation.url}
        if observation.unavailable_reason is not None:
            message = f"No registry facts: {observation.unavailable_reason}."
            return [spec.finding(Outcome.NOT_AVAILABLE, message, evidence=base)]
        context = observation.context
        if context is None:
            message = "No server in the registry lists this endpoint: no publisher to judge."
            return [spec.finding(Outcome.NOT_AVAILABLE, message, evidence=base)]
        bad, message, evidence = judge(observation, context)
        evidence = base | {"servers": ", ".join(context.server_names)[:600]} | evidence
        if isinstance(bad, Outcome):
            return [spec.finding(bad, message, evidence=evidence)]
        return [spec.judged(bad, message, evidence=evidence)]

    return Probe(spec, run)


HOST_OUTSIDE = publisher_spec(
    "publisher_host_outside_namespace_domain",
    question="Does a domain namespace list this endpoint on a host outside its own domain?",
    rationale=(
        "A domain namespace proves control of that domain, not of the remote's host: the "
        "registry does not check the binding, so `com.acme/x` can point at anyone's server."
    ),
    severity=Severity.HIGH,
    remediation="Serve the endpoint from the namespace's domain, or publish under the host's.",
    references=_REFERENCES,
)


def host_outside_namespace_domain(
    observation: PublisherObservation, context: RegistryContext
) -> Judgement:
    """TRUE when a domain namespace's registrable domain differs from the host's."""
    domains = {
        p.namespace: namespace_domain(p.namespace)
        for p in context.publishers
        if p.namespace in context.claimants and p.kind == "domain"
    }
    owned = {ns: d for ns, d in domains.items() if d is not None}
    if not owned:
        return (
            Outcome.NOT_APPLICABLE,
            "Only GitHub namespaces list this endpoint: they bind no domain.",
            {},
        )
    host = observation.registrable_domain
    outside = sorted(ns for ns, d in owned.items() if registrable_domain_of(d) != host)
    evidence: dict[str, EvidenceValue] = {
        "host": observation.host,
        "namespaces": ", ".join(sorted(owned)),
        "outside": ", ".join(outside) or None,
    }
    if outside:
        return (
            True,
            f"{', '.join(outside)} list {observation.host}, outside their domain.",
            evidence,
        )
    return False, f"{observation.host} is under its namespace's domain.", evidence


PROOF_MISSING = publisher_spec(
    "publisher_domain_proof_missing",
    question="Has a domain namespace listing this endpoint lost its proof of domain control?",
    rationale=(
        "The registry checked the DNS TXT or HTTPS proof once, at publish time; a domain that "
        "lapsed or changed hands since no longer carries it."
    ),
    severity=Severity.MEDIUM,
    remediation="Publish `v=MCPv1; k=...; p=...` at the apex TXT or the well-known URL.",
    references=_REFERENCES,
)


def domain_proof_missing(observation: PublisherObservation, context: RegistryContext) -> Judgement:
    """TRUE when a checked domain namespace has neither proof; unknown when none answered."""
    del context
    checks = [check for check in observation.proofs if check.domain is not None]
    if not checks:
        return Outcome.NOT_APPLICABLE, "No domain namespace lists this endpoint.", {}
    missing = sorted(c.namespace for c in checks if c.proven is False)
    unknown = [c for c in checks if c.proven is None]
    evidence: dict[str, EvidenceValue] = {
        "checked": ", ".join(sorted(c.namespace for c in checks)),
        "missing": ", ".join(missing) or None,
        "problems": "; ".join(p for c in checks for p in c.problems)[:600] or None,
    }
    if missing:
        return True, f"No current proof of domain control for {', '.join(missing)}.", evidence
    if unknown:
        problems = "; ".join(p for c in unknown for p in c.problems) or "not checked"
        message = f"The proof lookups gave no answer: {problems}."[:600]
        return Outcome.NOT_AVAILABLE, message, evidence
    return False, "Every domain namespace still publishes its proof.", evidence


NEW_PUBLISHER = publisher_spec(
    "publisher_first_seen_within_7_days",
    question=(
        f"Did a publisher listing this endpoint first appear under {NEW_PUBLISHER_DAYS} days ago?"
    ),
    rationale=(
        "A namespace with no track record is cheap to create and to abandon; malicious "
        "listings come from new accounts."
    ),
    severity=Severity.MEDIUM,
    remediation="Wait for the publisher to build a record, or verify them out of band.",
    references=_REFERENCES,
)


def first_seen_within_7_days(
    observation: PublisherObservation, context: RegistryContext
) -> Judgement:
    """TRUE when the youngest claimant publisher is known for less than 7 days."""
    claimants = [p for p in context.publishers if p.namespace in context.claimants]
    if not claimants:
        return Outcome.NOT_APPLICABLE, "No publisher record for the listing servers.", {}
    youngest = max(claimants, key=lambda p: p.known_since)
    age = (observation.observed_at - youngest.known_since).total_seconds() / 86400
    evidence: dict[str, EvidenceValue] = {
        "namespace": youngest.namespace,
        "known_since": youngest.known_since.isoformat(),
        "age_days": round(age, 2),
    }
    message = f"{youngest.namespace} is known for {age:.1f} days."
    return age < NEW_PUBLISHER_DAYS, message, evidence


CHURN = publisher_spec(
    "publisher_version_churn",
    question=(
        f"Did a listing server publish {CHURN_VERSIONS}+ versions in {CHURN_WINDOW_DAYS} days?"
    ),
    rationale=(
        "Rapid re-publishing is how a rug pull hides: each version can change tools after "
        "clients approved an earlier one."
    ),
    severity=Severity.LOW,
    remediation="Pin a version and review each change before accepting it.",
    references=_REFERENCES,
)


def version_churn(observation: PublisherObservation, context: RegistryContext) -> Judgement:
    """TRUE when one listing server has many versions published in the window."""
    since = observation.observed_at - dt.timedelta(days=CHURN_WINDOW_DAYS)
    counts = {
        name: sum(
            1
            for v in context.versions
            if v.name == name and v.published_at and v.published_at > since
        )
        for name in context.server_names
    }
    busiest = max(counts, key=lambda name: counts[name])
    evidence: dict[str, EvidenceValue] = {"server": busiest, "recent_versions": counts[busiest]}
    message = (
        f"{busiest} published {counts[busiest]} version(s) in the last {CHURN_WINDOW_DAYS} days."
    )
    return counts[busiest] >= CHURN_VERSIONS, message, evidence


def _status_probe(status: str, severity: Severity, why: str) -> Probe[PublisherObservation]:
    spec = publisher_spec(
        f"publisher_server_{status}",
        question=f"Is the latest version of a server listing this endpoint {status}?",
        rationale=why,
        severity=severity,
        remediation="Stop using the endpoint; find the maintained replacement.",
        references=_REFERENCES,
    )

    def judge(observation: PublisherObservation, context: RegistryContext) -> Judgement:
        del observation
        hit = sorted(f"{v.name}@{v.version}" for v in context.latest() if v.status == status)
        evidence: dict[str, EvidenceValue] = {"versions": ", ".join(hit) or None}
        if hit:
            return True, f"The registry marks {', '.join(hit)} as {status}.", evidence
        return False, f"No listing server is {status}.", evidence

    return _probe(spec, judge)


DELETED = _status_probe(
    "deleted",
    Severity.CRITICAL,
    "The registry deletes servers for malware, spam or illegal content; its docs tell "
    "clients to remove them at once.",
)
DEPRECATED = _status_probe(
    "deprecated",
    Severity.MEDIUM,
    "A deprecated server is no longer maintained by its publisher.",
)

REPOSITORY_CHANGED = publisher_spec(
    "publisher_repository_id_changed",
    question="Did a listing server's source repository id change between versions?",
    rationale=(
        "The forge's repository id survives renames but not re-creation: a new id behind the "
        "same URL is the repository resurrection attack the registry schema warns about."
    ),
    severity=Severity.HIGH,
    remediation="Confirm the new repository belongs to the original publisher.",
    references=(*_REFERENCES, "MCP-server-json-repository-id"),
)


def repository_id_changed(observation: PublisherObservation, context: RegistryContext) -> Judgement:
    """TRUE when one server's versions name more than one repository id."""
    del observation
    changed = {
        name: sorted(
            {v.repository_id for v in context.versions if v.name == name and v.repository_id}
        )
        for name in context.server_names
    }
    moved = {name: ids for name, ids in changed.items() if len(ids) > 1}
    if not any(changed.values()):
        return Outcome.NOT_APPLICABLE, "No listing server declares a repository id.", {}
    evidence: dict[str, EvidenceValue] = {
        "changed": "; ".join(f"{n}: {', '.join(ids)}" for n, ids in moved.items())[:600] or None
    }
    if moved:
        return True, f"Repository id changed for {', '.join(sorted(moved))}.", evidence
    return False, "Each listing server kept one repository id.", evidence


SHARED_URL = publisher_spec(
    "publisher_endpoint_claimed_by_several_namespaces",
    question="Do servers of more than one namespace list this same endpoint URL?",
    rationale=(
        "A remote belongs to one operator; several unrelated namespaces listing it means at "
        "least one of them lists someone else's server as their own."
    ),
    severity=Severity.HIGH,
    remediation="Trust only the listing whose namespace owns the endpoint's domain.",
    references=_REFERENCES,
)


def endpoint_claimed_by_several_namespaces(
    observation: PublisherObservation, context: RegistryContext
) -> Judgement:
    """TRUE for two or more claimant namespaces."""
    del observation
    claimants = context.claimants
    evidence: dict[str, EvidenceValue] = {"claimants": ", ".join(claimants)}
    if len(claimants) > 1:
        return True, f"Listed by {len(claimants)} namespaces: {', '.join(claimants)}.", evidence
    return False, f"Listed by one namespace ({claimants[0]}).", evidence


BLOCKED_ELSEWHERE = publisher_spec(
    "publisher_other_endpoints_blocked",
    question="Are other endpoints of this endpoint's publishers judged `block`?",
    rationale="A publisher whose other servers were blocked has a record of serving bad ones.",
    severity=Severity.HIGH,
    remediation="Review the publisher's other servers before trusting this one.",
    references=_REFERENCES,
)


def other_endpoints_blocked(
    observation: PublisherObservation, context: RegistryContext
) -> Judgement:
    """TRUE when the registry context names blocked endpoints of the same publishers."""
    del observation
    blocked = context.blocked_elsewhere
    evidence: dict[str, EvidenceValue] = {"blocked": ", ".join(blocked)[:600] or None}
    if blocked:
        return True, f"{len(blocked)} other endpoint(s) of these publishers block.", evidence
    return False, "None of the publishers' other endpoints is blocked.", evidence


PUBLISHER_PROBES: tuple[Probe[PublisherObservation], ...] = (
    _probe(HOST_OUTSIDE, host_outside_namespace_domain),
    _probe(PROOF_MISSING, domain_proof_missing),
    _probe(NEW_PUBLISHER, first_seen_within_7_days),
    _probe(CHURN, version_churn),
    DELETED,
    DEPRECATED,
    _probe(REPOSITORY_CHANGED, repository_id_changed),
    _probe(SHARED_URL, endpoint_claimed_by_several_namespaces),
    _probe(BLOCKED_ELSEWHERE, other_endpoints_blocked),
)
