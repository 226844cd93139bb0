"""The lookalike probe judges its observation with the declared polarity."""

from __future__ import annotations

import pytest

from probes.domain.lookalike_observation import LookalikeObservation
from probes.domain.lookalike_probes import (
    LOOKALIKE,
    LOOKALIKE_OF,
    TECHNIQUE,
    domain_is_lookalike_of_trusted_domain,
)
from probes.model import Family, Outcome, Severity
from tests.unit.domain.lookalike_cases import LOOKALIKE_CASES, observe


@pytest.mark.parametrize(("probe_id", "observation", "expected"), LOOKALIKE_CASES)
def test_polarity_cases(probe_id: str, observation: object, expected: Outcome) -> None:
    assert probe_id == LOOKALIKE.id
    assert isinstance(observation, LookalikeObservation)
    [finding] = domain_is_lookalike_of_trusted_domain(observation)
    assert finding.outcome is expected
    assert (finding.remediation is not None) == (expected is LOOKALIKE.bad_outcome)


def test_spec_declares_family_polarity_and_severity() -> None:
    assert (LOOKALIKE.family, LOOKALIKE.bad_outcome) == (Family.DOMAIN, Outcome.TRUE)
    assert LOOKALIKE.severity is Severity.HIGH
    assert LOOKALIKE.question.endswith("?")


def test_bad_finding_carries_the_match_as_evidence() -> None:
    [finding] = domain_is_lookalike_of_trusted_domain(observe("anthropic-mcp.com"))
    assert finding.subject == "domain:anthropic-mcp.com"
    assert finding.evidence[LOOKALIKE_OF] == "anthropic.com"
    assert finding.evidence[TECHNIQUE] == "dictionary"


def test_a_trick_under_an_unknown_suffix_is_judged_true() -> None:
    # claude.ai.zzz has no registrable domain (zzz is not in the public suffix list).
    [finding] = domain_is_lookalike_of_trusted_domain(observe("claude.ai.zzz"))
    assert finding.outcome is Outcome.TRUE
    assert finding.subject == "domain:claude.ai.zzz"
    assert finding.evidence[LOOKALIKE_OF] == "claude.ai"


def test_an_unknown_suffix_without_a_trusted_name_stays_not_applicable() -> None:
    [finding] = domain_is_lookalike_of_trusted_domain(observe("mcp.internal.zzz"))
    assert finding.outcome is Outcome.NOT_APPLICABLE
