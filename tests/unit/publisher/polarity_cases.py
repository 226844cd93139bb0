"""Both outcomes for every publisher probe: (probe id, observation, expected outcome)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from probes.model import Outcome
from probes.publisher.advisories import AdvisoryCheck, KnownVulnerability, PackageRef
from probes.publisher.context import PublisherFact, RegistryContext, VersionFact
from probes.publisher.observation import PublisherObservation
from probes.publisher.proofs import ProofCheck

NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)
URL = "https://mcp.acme.com/mcp"
T, F = Outcome.TRUE, Outcome.FALSE


def days_ago(days: float) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


def version(**changes: object) -> VersionFact:
    base = VersionFact(
        name="com.acme/tools",
        namespace="com.acme",
        version="1.0.0",
        status="active",
        published_at=days_ago(400),
        repository_id="12345",
        lists_endpoint=True,
        is_latest=True,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


ACME = PublisherFact(namespace="com.acme", kind="domain", first_seen_at=days_ago(300))
PROVEN = ProofCheck(namespace="com.acme", domain="acme.com", dns_proof=True, http_proof=None)


def observation(
    *versions: VersionFact,
    publishers: tuple[PublisherFact, ...] = (ACME,),
    proofs: tuple[ProofCheck, ...] = (PROVEN,),
    blocked: tuple[str, ...] = (),
    host: str = "mcp.acme.com",
) -> PublisherObservation:
    """A healthy listing by an established, proven domain publisher; arguments change it."""
    context = RegistryContext(
        url=f"https://{host}/mcp",
        versions=versions or (version(),),
        publishers=publishers,
        blocked_elsewhere=blocked,
    )
    registrable = ".".join(host.split(".")[-2:])
    return PublisherObservation(
        observed_at=NOW,
        url=context.url,
        host=host,
        registrable_domain=registrable,
        context=context,
        proofs=proofs,
    )


MALLORY = PublisherFact(namespace="io.github.mallory", kind="github", first_seen_at=days_ago(2))
CHURNING = tuple(
    version(version=f"1.0.{i}", published_at=days_ago(i / 4), is_latest=i == 0) for i in range(12)
)

POLARITY_CASES: list[tuple[str, PublisherObservation, Outcome]] = [
    ("publisher_host_outside_namespace_domain", observation(host="mcp.evil.io"), T),
    ("publisher_host_outside_namespace_domain", observation(), F),
    (
        "publisher_domain_proof_missing",
        observation(proofs=(replace(PROVEN, dns_proof=False, http_proof=False),)),
        T,
    ),
    ("publisher_domain_proof_missing", observation(), F),
    (
        "publisher_first_seen_within_7_days",
        observation(
            version(namespace="io.github.mallory", name="io.github.mallory/tools"),
            publishers=(MALLORY,),
            proofs=(),
        ),
        T,
    ),
    ("publisher_first_seen_within_7_days", observation(), F),
    ("publisher_version_churn", observation(*CHURNING), T),
    ("publisher_version_churn", observation(), F),
    ("publisher_server_deleted", observation(version(status="deleted")), T),
    ("publisher_server_deleted", observation(), F),
    ("publisher_server_deprecated", observation(version(status="deprecated")), T),
    ("publisher_server_deprecated", observation(), F),
    (
        "publisher_repository_id_changed",
        observation(
            version(version="1.0.0", is_latest=False, published_at=days_ago(100)),
            version(version="1.1.0", repository_id="99999", published_at=days_ago(5)),
        ),
        T,
    ),
    ("publisher_repository_id_changed", observation(), F),
    (
        "publisher_endpoint_claimed_by_several_namespaces",
        observation(
            version(),
            version(name="io.github.mallory/tools", namespace="io.github.mallory"),
            publishers=(ACME, replace(MALLORY, first_seen_at=days_ago(400))),
        ),
        T,
    ),
    ("publisher_endpoint_claimed_by_several_namespaces", observation(), F),
    ("publisher_other_endpoints_blocked", observation(blocked=("https://bad.acme.com/mcp",)), T),
    ("publisher_other_endpoints_blocked", observation(), F),
]


PACKAGE = PackageRef(ecosystem="npm", name="@acme/mcp-server", version="1.4.1", source="registry")


def vulnerability(label: str, *fixed: str) -> KnownVulnerability:
    return KnownVulnerability(
        id=f"GHSA-{label}-0000-0000",
        ids=(f"GHSA-{label}-0000-0000", "CVE-2026-0001"),
        summary="Command injection",
        severity_label=label,
        severity_score=9.8 if label == "critical" else 5.0,
        fixed=fixed,
        references=("https://example.com/advisory",),
    )


def advised(*found: KnownVulnerability) -> PublisherObservation:
    """The healthy listing whose package has exactly these advisories."""
    return replace(
        observation(), advisories=(AdvisoryCheck(package=PACKAGE, vulnerabilities=found),)
    )


POLARITY_CASES += [
    ("package_has_known_vulnerability", advised(vulnerability("medium")), T),
    ("package_has_known_vulnerability", advised(), F),
    ("package_has_critical_vulnerability_with_fix", advised(vulnerability("critical", "1.4.2")), T),
    ("package_has_critical_vulnerability_with_fix", advised(vulnerability("critical")), F),
]

# The registry hygiene probes (issue 18) keep their cases in a module of their own.
from tests.unit.publisher.hygiene_cases import HYGIENE_CASES  # noqa: E402

POLARITY_CASES += HYGIENE_CASES

from tests.unit.publisher.card_cases import CARD_CASES  # noqa: E402 - appended cases

POLARITY_CASES += CARD_CASES
