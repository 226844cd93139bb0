"""The registry hygiene probes' inconclusive cases, evidence, and the helpers they rest on."""

from __future__ import annotations

from dataclasses import replace

import pytest

from probes.model import Finding, Outcome
from probes.publisher.family import PUBLISHER_FAMILY
from probes.publisher.hygiene import HygieneFacts, RemoteAnswer, proof_domain
from probes.publisher.observation import PublisherObservation
from probes.publisher.registry_hygiene_probes import github_owner
from probes.runner import judge_observation
from tests.unit.publisher.hygiene_cases import (
    COPY_ELSEWHERE,
    FARM,
    SAME_SERVER_OTHER_PATH,
    listing,
    seen,
    tool_set,
)


def finding(probe_id: str, observation: PublisherObservation) -> Finding:
    found = judge_observation(PUBLISHER_FAMILY, observation)
    return next(f for f in found if f.probe_id == probe_id)


def test_without_registry_wide_facts_farms_and_duplicates_are_not_available() -> None:
    bare = seen()
    assert bare.context is not None
    bare = replace(bare, context=replace(bare.context, hygiene=None), remote_answer=None)
    for probe_id in (
        "publisher_namespace_farm",
        "publisher_duplicate_catalogue",
        "publisher_remote_serves_html",
    ):
        assert finding(probe_id, bare).outcome is Outcome.NOT_AVAILABLE, probe_id
    stored_none = seen(hygiene=HygieneFacts())
    assert finding("publisher_duplicate_catalogue", stored_none).outcome is Outcome.NOT_AVAILABLE


def test_a_large_domain_with_no_scanned_remote_is_not_judged_a_farm() -> None:
    unknown = replace(FARM, speaking=0, not_speaking=0)
    result = finding("publisher_namespace_farm", seen(hygiene=HygieneFacts(farms=(unknown,))))
    assert result.outcome is Outcome.NOT_AVAILABLE
    assert result.evidence["domain_servers"] == 75
    github_only = seen(listing("io.github.alice", "io.github.alice/x"), hygiene=HygieneFacts())
    assert finding("publisher_namespace_farm", github_only).outcome is Outcome.NOT_APPLICABLE


def test_a_farm_finding_says_how_many_servers_and_answers() -> None:
    result = finding("publisher_namespace_farm", seen(hygiene=HygieneFacts(farms=(FARM,))))
    assert result.outcome is Outcome.TRUE
    assert result.evidence["farm_threshold"] == 20
    assert (result.evidence["remotes_not_speaking_mcp"], result.evidence["remotes_sampled"]) == (
        62,
        75,
    )
    assert "62 of 75" in result.message


def test_a_duplicate_lists_every_other_copy_but_not_the_same_server() -> None:
    facts = tool_set(COPY_ELSEWHERE, SAME_SERVER_OTHER_PATH)
    result = finding("publisher_duplicate_catalogue", seen(hygiene=facts))
    assert result.outcome is Outcome.TRUE
    assert result.evidence["duplicates"] == 1
    assert result.evidence["duplicated_by"] == (
        "https://mcp.copycat.io/mcp (io.github.copycat/tools)"
    )
    unlisted = replace(COPY_ELSEWHERE, servers=())
    result = finding("publisher_duplicate_catalogue", seen(hygiene=tool_set(unlisted)))
    assert "not listed" in str(result.evidence["duplicated_by"])


def test_an_unknown_answer_is_not_available_and_records_why() -> None:
    refused = RemoteAnswer(speaks_mcp=None, status=401, problem="the endpoint asks for credentials")
    result = finding("publisher_remote_serves_html", seen(answer=refused))
    assert result.outcome is Outcome.NOT_AVAILABLE
    assert "credentials" in result.message
    assert result.evidence["speaks_mcp"] is None


def test_github_checks_need_a_github_namespace_and_repository() -> None:
    domain = seen(listing(repository_url="https://github.com/someone/tools"))
    outcome = finding("publisher_github_repository_owner_changed", domain).outcome
    assert outcome is Outcome.NOT_APPLICABLE
    gitlab = seen(listing("io.github.alice", "io.github.alice/t", "https://gitlab.com/bob/t"))
    outcome = finding("publisher_github_repository_owner_changed", gitlab).outcome
    assert outcome is Outcome.NOT_APPLICABLE


@pytest.mark.parametrize(
    ("url", "owner"),
    [
        ("https://github.com/Alice/tools", "alice"),
        ("https://www.github.com/alice/tools.git", "alice"),
        ("http://github.com/alice", "alice"),
        ("https://github.com/", None),
        ("https://gitlab.com/alice/tools", None),
        ("https://github.com.evil.io/alice/tools", None),
        ("not a url \x00\u202e", None),
        ("https://[::1/alice", None),
        (None, None),
    ],
)
def test_github_owner(url: str | None, owner: str | None) -> None:
    assert github_owner(url) == owner


@pytest.mark.parametrize(
    ("namespace", "domain"),
    [
        ("com.clauxel", "clauxel.com"),
        ("com.clauxel.api", "clauxel.com"),
        ("uk.co.acme.eu", "acme.co.uk"),
        ("io.github.alice", None),
        ("com", None),
    ],
)
def test_one_proof_domain_grants_every_subnamespace(namespace: str, domain: str | None) -> None:
    assert proof_domain(namespace) == domain
