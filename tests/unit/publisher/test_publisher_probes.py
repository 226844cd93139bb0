"""The publisher probes: polarity, the not-listed and unknown cases, and proof parsing."""

from __future__ import annotations

from dataclasses import replace

import pytest

from probes.model import Outcome
from probes.publisher.advisories import AdvisoryCheck
from probes.publisher.family import PUBLISHER_FAMILY
from probes.publisher.namespaces import namespace_domain
from probes.publisher.observation import PublisherObservation
from probes.publisher.proofs import ProofCheck, is_proof
from probes.runner import judge_observation
from tests.unit.publisher.polarity_cases import (
    MALLORY,
    NOW,
    PACKAGE,
    POLARITY_CASES,
    PROVEN,
    URL,
    advised,
    days_ago,
    observation,
    version,
    vulnerability,
)

IDS = [spec.id for spec in PUBLISHER_FAMILY.specs]


def outcomes(seen: PublisherObservation) -> dict[str, Outcome]:
    return {f.probe_id: f.outcome for f in judge_observation(PUBLISHER_FAMILY, seen)}


@pytest.mark.parametrize(("probe_id", "seen", "expected"), POLARITY_CASES)
def test_polarity(probe_id: str, seen: PublisherObservation, expected: Outcome) -> None:
    assert outcomes(seen)[probe_id] is expected


def test_each_advisory_is_its_own_finding_and_names_the_fix() -> None:
    seen = advised(vulnerability("critical", "1.4.2"), vulnerability("low"))
    found = [
        f
        for f in judge_observation(PUBLISHER_FAMILY, seen)
        if f.probe_id == "package_has_known_vulnerability"
    ]
    assert [f.subject for f in found] == [
        "advisory:GHSA-critical-0000-0000",
        "advisory:GHSA-low-0000-0000",
    ]
    assert found[0].remediation == "Upgrade @acme/mcp-server to 1.4.2."
    assert found[0].evidence["aliases"] == "CVE-2026-0001"


def test_unpinned_or_unanswerable_packages_are_unknown_never_clean() -> None:
    unpinned = replace(PACKAGE, version=None)
    seen = replace(
        observation(),
        advisories=(AdvisoryCheck(package=unpinned, vulnerabilities=None, problem="no version"),),
    )
    found = outcomes(seen)
    assert found["package_has_known_vulnerability"] is Outcome.NOT_AVAILABLE
    assert found["package_has_critical_vulnerability_with_fix"] is Outcome.NOT_AVAILABLE


def test_an_unlisted_endpoint_is_unknown_not_bad() -> None:
    unlisted = PublisherObservation(
        observed_at=NOW, url=URL, host="mcp.acme.com", registrable_domain="acme.com"
    )
    assert set(outcomes(unlisted).values()) == {Outcome.NOT_AVAILABLE}
    off = replace(unlisted, unavailable_reason="no registry is configured in this deployment")
    findings = judge_observation(PUBLISHER_FAMILY, off)
    assert {f.outcome for f in findings} == {Outcome.NOT_AVAILABLE}
    registry_findings = [f for f in findings if f.probe_id.startswith("publisher_")]
    assert all("no registry" in f.message for f in registry_findings)


def test_github_namespaces_bind_no_domain() -> None:
    github = observation(
        version(name="io.github.alice/tools", namespace="io.github.alice"),
        publishers=(replace(MALLORY, namespace="io.github.alice", first_seen_at=days_ago(900)),),
        proofs=(),
    )
    found = outcomes(github)
    assert found["publisher_host_outside_namespace_domain"] is Outcome.NOT_APPLICABLE
    assert found["publisher_domain_proof_missing"] is Outcome.NOT_APPLICABLE
    assert found["publisher_first_seen_within_7_days"] is Outcome.FALSE


def test_proof_lookups_that_did_not_answer_are_unknown() -> None:
    unknown = replace(PROVEN, dns_proof=None, http_proof=None, problems=("TXT acme.com: Timeout",))
    found = judge_observation(PUBLISHER_FAMILY, observation(proofs=(unknown,)))
    (proof,) = [f for f in found if f.probe_id == "publisher_domain_proof_missing"]
    assert proof.outcome is Outcome.NOT_AVAILABLE
    assert "Timeout" in proof.message


def test_a_publisher_new_to_us_but_long_published_upstream_is_not_new() -> None:
    """A fresh install sees every publisher today; upstream publication dates say otherwise."""
    seen_today = replace(MALLORY, first_seen_at=NOW, first_published_at=days_ago(500))
    listing = observation(
        version(name="io.github.mallory/tools", namespace="io.github.mallory"),
        publishers=(seen_today,),
        proofs=(),
    )
    assert outcomes(listing)["publisher_first_seen_within_7_days"] is Outcome.FALSE


@pytest.mark.parametrize(
    ("namespace", "domain"),
    [
        ("com.acme", "acme.com"),
        ("com.acme.api", "api.acme.com"),
        ("io.github.alice", None),
        ("localhost", None),
        ("com", None),
    ],
)
def test_namespace_domains(namespace: str, domain: str | None) -> None:
    assert namespace_domain(namespace) == domain


@pytest.mark.parametrize(
    ("text", "proof"),
    [
        ("v=MCPv1; k=ed25519; p=AAAA", True),
        ("V=mcpv1;k=ecdsap384;p=BBBB", True),
        ("v=MCPv1; k=ed25519", False),
        ("v=spf1 -all", False),
        ("", False),
    ],
)
def test_proof_records(text: str, proof: bool) -> None:  # noqa: FBT001 - parametrized
    assert is_proof(text) is proof


def test_every_probe_has_a_unique_id() -> None:
    assert len(IDS) == len(set(IDS))
    assert isinstance(PROVEN, ProofCheck)
