"""The CoSAI assurance verdict: cumulative levels, unmet requirements named, never assumed."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from probes.model import Finding, Outcome
from probes.registry import catalogue
from trustsvc.assurance.evaluate import assurance_of
from trustsvc.assurance.model import AssuranceDoc
from trustsvc.assurance.profile import REQUIREMENTS
from trustsvc.reports.build import finding_doc
from trustsvc.reports.schema import FindingDoc


def posture(bad: Iterable[str] = (), outcomes: dict[str, Outcome] | None = None) -> AssuranceDoc:
    """Every probe answered with its good outcome, except the bad ones and forced outcomes."""
    bad, outcomes = set(bad), outcomes or {}
    findings: list[Finding] = []
    for spec in catalogue().values():
        if spec.id in outcomes:
            findings.append(spec.finding(outcomes[spec.id], "forced"))
        else:
            findings.append(spec.judged(spec.id in bad, "judged"))
    docs: list[FindingDoc] = [finding_doc(f) for f in findings]
    return assurance_of(docs)


def unmet(doc: AssuranceDoc, level: str) -> dict[str, str]:
    found = next(lv for lv in doc.levels if lv.level == level)
    return {r.id: r.status for r in found.unmet}


def test_every_requirement_names_real_probes() -> None:
    specs = catalogue()
    for requirement in REQUIREMENTS:
        missing = {c.probe_id for c in requirement.checks} - set(specs)
        assert not missing, f"{requirement.id} names probes that do not exist: {missing}"


def test_a_clean_oauth_endpoint_serves_l2_and_l3_waits_for_unmeasured_controls() -> None:
    doc = posture()
    assert doc.level == "L2"
    assert unmet(doc, "L3") == {
        "L3.server-discover": "not_measured",
        "L3.sender-constrained-tokens": "not_measured",
    }
    assert set(unmet(doc, "L4")) == {"L4.mtls-workload-identity", "L4.signed-tool-definitions"}


def test_rfc_9207_iss_is_measured_from_metadata() -> None:
    doc = posture(bad={"auth_issuer_parameter_not_advertised"})
    assert unmet(doc, "L3")["L3.iss-in-authorization-response"] == "unmet"
    no_oauth = posture(outcomes={"auth_issuer_parameter_not_advertised": Outcome.NOT_APPLICABLE})
    assert unmet(no_oauth, "L3")["L3.iss-in-authorization-response"] != "met"


def test_a_poisoned_tool_serves_no_level_and_says_why() -> None:
    doc = posture(bad={"tool_definition_contains_hidden_instructions"})
    assert doc.level is None
    [requirement] = next(lv for lv in doc.levels if lv.level == "L1").unmet
    assert requirement.id == "L1.tool-definitions-reviewed"
    assert requirement.status == "unmet"
    assert "tool_definition_contains_hidden_instructions" in requirement.reason


def test_an_open_endpoint_serves_a_sandbox_only() -> None:
    doc = posture(
        bad={"auth_endpoint_open_without_credentials"},
        outcomes={"auth_pkce_s256_supported": Outcome.NOT_APPLICABLE},
    )
    assert doc.level == "L1"
    assert unmet(doc, "L2") == {"L2.oauth-with-pkce": "unmet"}


def test_a_declared_key_endpoint_does_not_meet_oauth_with_pkce() -> None:
    """No OAuth means PKCE is not applicable, which is not the same as in place."""
    doc = posture(outcomes={"auth_pkce_s256_supported": Outcome.NOT_APPLICABLE})
    assert doc.level == "L1"
    assert unmet(doc, "L2") == {"L2.oauth-with-pkce": "not_measured"}


def test_an_unmeasured_family_is_not_assumed_good() -> None:
    doc = posture(outcomes={"tls_endpoint_uses_plaintext_http": Outcome.NOT_AVAILABLE})
    assert doc.level == "L1"
    assert unmet(doc, "L2")["L2.tls-for-remote-connections"] == "not_measured"


def test_levels_are_cumulative() -> None:
    """An L3 control met does not lift a posture whose L2 fails."""
    doc = posture(bad={"auth_bogus_origin_accepted"})
    assert doc.level == "L1"
    assert next(lv for lv in doc.levels if lv.level == "L2").met is False


@pytest.mark.parametrize("probe_id", ["tls_1_0_offered", "package_has_known_vulnerability"])
def test_an_l3_failure_leaves_l2(probe_id: str) -> None:
    doc = posture(bad={probe_id})
    assert doc.level == "L2"
    assert (
        unmet(doc, "L3")[
            next(
                r.id
                for r in REQUIREMENTS
                if r.level == 3 and any(c.probe_id == probe_id for c in r.checks)
            )
        ]
        == "unmet"
    )


def test_an_unasked_blocklist_does_not_cost_the_sandbox_level() -> None:
    """Only a confirmed listing makes a server known-malicious; not asking is not a listing."""
    doc = posture(
        outcomes={
            "domain_listed_as_malicious": Outcome.NOT_AVAILABLE,
            "publisher_server_deleted": Outcome.NOT_AVAILABLE,
        }
    )
    assert doc.level == "L2"
    listed = posture(bad={"domain_listed_as_malicious"})
    assert listed.level is None
    assert unmet(listed, "L1") == {"L1.server-not-known-malicious": "unmet"}
