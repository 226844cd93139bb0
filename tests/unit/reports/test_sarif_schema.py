"""The SARIF export validates against the OASIS SARIF 2.1.0 schema, bundled for offline use.

Every probe's bad finding goes into one log, so every rule, its taxonomies and its
relationships are checked, together with an advisory rule and a finding stored before
editions were recorded (plain-string references, no provenance).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from probes.model import Finding, Outcome, ProbeSpec
from probes.registry import catalogue
from tests.sarif_schema import SCHEMA, errors
from trustsvc.reports.build import build_report, finding_doc_of
from trustsvc.reports.sarif import sarif_log, to_sarif
from trustsvc.scoring.aggregate import score_findings
from trustsvc.store.rows import finding_values

AT = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def bad_finding(spec: ProbeSpec) -> Finding:
    return spec.judged(True, f"{spec.id} is bad.", subject="tool:x")


def every_bad_finding() -> list[Finding]:
    return [bad_finding(spec) for spec in catalogue().values()]


def full_log() -> dict[str, Any]:
    findings = every_bad_finding()
    report = build_report(
        url="https://mcp.example.com/mcp",
        assessed_at=AT,
        attempts=[],
        findings=findings,
        score=score_findings(findings, catalogue()),
    )
    return to_sarif(report, catalogue())


def test_the_bundled_schema_is_the_oasis_sarif_2_1_0_schema() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["id"].endswith("/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")
    assert schema["properties"]["version"]["enum"] == ["2.1.0"]


def test_a_log_of_every_bad_probe_validates_against_the_schema() -> None:
    log = full_log()
    assert errors(log) == []
    (run,) = log["runs"]
    assert len(run["results"]) == len(catalogue())


def test_the_validation_catches_a_broken_log() -> None:
    """The check is not vacuous: a wrong type and an unknown property are refused."""
    log = full_log()
    log["runs"][0]["taxonomies"][0]["taxa"][0]["id"] = 7
    log["runs"][0]["tool"]["driver"]["rulez"] = []
    assert len(errors(log)) >= 2


def test_each_framework_edition_is_one_taxonomy() -> None:
    (run,) = full_log()["runs"]
    pins = [(t["name"], t["version"]) for t in run["taxonomies"]]
    assert pins == [
        ("OWASP-MCP", "2025-beta"),
        ("OWASP-LLM", "2025"),
        ("OWASP-LLM", "2026"),
        ("OWASP-ASI", "2026"),
        ("MITRE-ATLAS", "2026.09"),
        ("CoSAI-MCP", "2.0"),
        ("CWE", "4.16"),
    ]
    assert all(t["organization"] and t["taxa"] for t in run["taxonomies"])
    assert run["tool"]["driver"]["supportedTaxonomies"] == [
        {"name": name, "index": i} for i, (name, _) in enumerate(pins)
    ]


def test_rule_relationships_point_at_their_taxa() -> None:
    (run,) = full_log()["runs"]
    taxonomies = run["taxonomies"]
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    for rule in rules.values():
        for relationship in rule["relationships"]:
            target = relationship["target"]
            taxonomy = taxonomies[target["toolComponent"]["index"]]
            assert taxonomy["name"] == target["toolComponent"]["name"], rule["id"]
            assert taxonomy["taxa"][target["index"]]["id"] == target["id"], rule["id"]
    hidden = rules["tool_capability_is_destructive"]["relationships"]
    pinned = {
        (taxonomies[r["target"]["toolComponent"]["index"]]["version"], r["target"]["id"])
        for r in hidden
    }
    assert {("2025", "LLM06"), ("2026", "LLM03"), ("2026.09", "AML.T0101")} <= pinned


def test_the_cc_by_nc_sa_taxa_carry_ids_only() -> None:
    (run,) = full_log()["runs"]
    mcp = next(t for t in run["taxonomies"] if t["name"] == "OWASP-MCP")
    assert all(set(taxon) == {"id"} for taxon in mcp["taxa"])
    llm = next(t for t in run["taxonomies"] if t["version"] == "2026")
    assert {"id": "LLM01", "shortDescription": {"text": "Prompt Injection"}} in llm["taxa"]


def test_results_and_rules_carry_provenance_and_cwe_tags() -> None:
    (run,) = full_log()["runs"]
    results = {r["ruleId"]: r for r in run["results"]}
    assert results["tls_certificate_expired"]["properties"]["provenance"] == "observed"
    assert results["tool_definition_contains_hidden_instructions"]["properties"]["provenance"] == (
        "inferred"
    )
    rule = next(r for r in run["tool"]["driver"]["rules"] if r["id"] == "tls_certificate_expired")
    assert "external/cwe/cwe-298" in rule["properties"]["tags"]
    assert rule["properties"]["provenance"] == "observed"


def test_advisory_rules_and_old_findings_validate_too() -> None:
    """A rule per advisory id, and a finding from before editions: no spec to lean on."""
    spec = catalogue()["package_has_known_vulnerability"]
    advisory = finding_values(
        spec.judged(True, "weather 1.0 has GHSA-1.", evidence={"advisory_id": "GHSA-1"})
    )
    old = finding_values(bad_finding(catalogue()["tls_certificate_expired"])) | {
        "probe_id": "tls_probe_that_left_the_catalogue",
        "references": ["OWASP-MCP07", "CWE-298", "RFC 5280"],
        "provenance": None,
    }
    docs = [finding_doc_of(advisory), finding_doc_of(old)]
    log = sarif_log(docs, catalogue(), uri="https://mcp.example.com/mcp", properties={})
    assert errors(log) == []
    (run,) = log["runs"]
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert set(rules) == {"GHSA-1", "tls_probe_that_left_the_catalogue"}
    assert rules["GHSA-1"]["relationships"]
    assert "relationships" not in rules["tls_probe_that_left_the_catalogue"]
    assert rules["tls_probe_that_left_the_catalogue"]["properties"]["citations"] == [
        {"framework": "OWASP-MCP", "id": "MCP07"},
        {"framework": "CWE", "id": "CWE-298"},
        {"framework": "RFC", "id": "RFC 5280"},
    ]
    assert [r["properties"]["provenance"] for r in run["results"]] == ["declared", None]


def test_a_log_without_bad_findings_has_no_taxonomies() -> None:
    spec = catalogue()["tls_certificate_expired"]
    good = finding_doc_of(finding_values(spec.judged(False, "valid")))
    assert good.outcome == Outcome.FALSE.value
    log = sarif_log([good], catalogue(), uri="https://mcp.example.com/mcp", properties={})
    assert errors(log) == []
    assert "taxonomies" not in log["runs"][0]
