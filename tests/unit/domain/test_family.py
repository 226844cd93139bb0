"""The assembled domain family: every part's probes judge their own part of the observation."""

from __future__ import annotations

from collections import Counter

import pytest

from probes.domain.family import DOMAIN_FAMILY, DOMAIN_PROBES
from probes.domain.observation import DomainObservation
from probes.model import Family, Outcome
from probes.registry import FAMILIES, catalogue
from probes.runner import judge_observation
from tests.unit.domain.polarity_cases import POLARITY_CASES


def test_the_family_is_registered_with_every_part() -> None:
    assert DOMAIN_FAMILY in FAMILIES
    ids = [spec.id for spec in DOMAIN_FAMILY.specs]
    assert len(ids) == len(set(ids)) == len(DOMAIN_PROBES) == 13
    assert all(spec.family is Family.DOMAIN for spec in DOMAIN_FAMILY.specs)
    assert set(ids) <= set(catalogue())
    assert {
        "domain_registered_within_7_days",
        "domain_lacks_dnssec",
        "domain_listed_as_malicious",
        "domain_is_lookalike_of_trusted_domain",
    } <= set(ids)


@pytest.mark.parametrize(("probe_id", "observation", "expected"), POLARITY_CASES)
def test_polarity_cases_through_the_family(
    probe_id: str, observation: DomainObservation, expected: Outcome
) -> None:
    findings = judge_observation(DOMAIN_FAMILY, observation)
    mine = [finding for finding in findings if finding.probe_id == probe_id]
    assert mine, probe_id
    assert {finding.outcome for finding in mine} == {expected}
    # One finding (or more) for every spec, and no probe failed on a part it does not read.
    assert set(Counter(f.probe_id for f in findings)) == {s.id for s in DOMAIN_FAMILY.specs}
    assert Outcome.ERROR not in {finding.outcome for finding in findings}
