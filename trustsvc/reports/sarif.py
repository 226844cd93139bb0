"""SARIF 2.1.0 export: one result per bad finding, rules from the probe specs.

SARIF lets code-scanning tools (GitHub, GitLab, IDEs) show an endpoint assessment next to a
project's other findings; `security-severity` is the numeric field GitHub sorts on. Each
framework edition a rule maps to is one of `runs[].taxonomies` (OWASP LLM 2025 and 2026 are
two), and each rule's `relationships` point at its taxa there (SARIF 2.1.0 section 3.19.3).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from probes.frameworks import Reference
from probes.hostile_text import visible_json
from probes.model import ProbeSpec
from trustsvc import __version__
from trustsvc.reports.findings import is_bad
from trustsvc.reports.schema import FindingDoc, ScanReport
from trustsvc.reports.taxonomies import Taxonomies

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
_SECURITY_SEVERITY = {
    "critical": "9.5",
    "high": "7.5",
    "medium": "5.0",
    "low": "2.5",
    "info": "0.0",
}


def to_sarif(report: ScanReport, catalogue: Mapping[str, ProbeSpec]) -> dict[str, Any]:
    """The SARIF log of one scan report."""
    properties: dict[str, Any] = {
        "url": report.url,
        "assessed_at": report.assessed_at.isoformat(),
        "score": report.score,
        "grade": report.grade,
        "verdict": report.verdict,
        "confidence": report.confidence,
        "policy_version": report.policy_version,
    }
    if report.assurance is not None:
        properties["assurance_level"] = report.assurance.level
        properties["assurance_profile"] = report.assurance.profile
    return sarif_log(report.findings, catalogue, uri=report.url, properties=properties)


def sarif_log(
    findings: Sequence[FindingDoc],
    catalogue: Mapping[str, ProbeSpec],
    *,
    uri: str,
    properties: Mapping[str, Any],
) -> dict[str, Any]:
    """A SARIF log of the bad findings about one artefact (`uri`): an endpoint or a tool list."""
    bad = [f for f in findings if is_bad(f, catalogue)]
    rule_ids = sorted({_rule_id(f) for f in bad})
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    taxonomies = Taxonomies()
    rules = [_rule(rid, catalogue.get(rid), bad, taxonomies) for rid in rule_ids]
    driver: dict[str, Any] = {
        "name": "trustsvc",
        "version": __version__,
        "rules": rules,
    }
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "results": [_result(f, index[_rule_id(f)], uri) for f in bad],
        "properties": dict(properties),
    }
    if taxonomies:
        taxonomies.resolve(rules)
        driver["supportedTaxonomies"] = taxonomies.references()
        run["taxonomies"] = taxonomies.components()
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    # Findings text is escaped at collection; a log built from other documents may not be.
    escaped: dict[str, Any] = visible_json(log)  # type: ignore[assignment]
    return escaped


def _rule_id(finding: FindingDoc) -> str:
    """The rule of a finding: its advisory id for known vulnerabilities, else its probe.

    One rule per advisory (GHSA-..., PYSEC-...) lets code-scanning dashboards track each
    vulnerability on its own.
    """
    advisory = finding.evidence.get("advisory_id")
    return advisory if isinstance(advisory, str) and advisory else finding.probe_id


def _references(spec: ProbeSpec | None, sample: FindingDoc) -> tuple[Reference, ...]:
    """The catalogue's references for a current probe, else those stored with the finding."""
    if spec is not None:
        return spec.references
    return tuple(Reference(r.framework, r.id, r.edition) for r in sample.references)


def _rule(
    rule_id: str, spec: ProbeSpec | None, bad: list[FindingDoc], taxonomies: Taxonomies
) -> dict[str, Any]:
    sample = next(f for f in bad if _rule_id(f) == rule_id)
    probe_spec = spec if rule_id == sample.probe_id else None
    question = probe_spec.question if probe_spec else sample.message
    score = sample.evidence.get("cvss_score")
    severity = (
        f"{score:.1f}" if isinstance(score, int | float) else _SECURITY_SEVERITY[sample.severity]
    )
    references = _references(spec, sample)
    cwe_tags = [f"external/cwe/{r.id.lower()}" for r in references if r.framework == "CWE"]
    rule: dict[str, Any] = {
        "id": rule_id,
        "name": "".join(part.capitalize() for part in rule_id.split("_"))
        if probe_spec
        else rule_id,
        "shortDescription": {"text": question},
        "fullDescription": {"text": probe_spec.rationale if probe_spec else question},
        "help": {
            "text": (probe_spec.remediation if probe_spec else sample.remediation) or question
        },
        "defaultConfiguration": {"level": _LEVEL[sample.severity]},
        "properties": {
            "tags": ["security", sample.family, *dict.fromkeys(cwe_tags)],
            "security-severity": severity,
            "provenance": _default_provenance(spec, sample),
            "citations": [
                {"framework": r.framework, "id": r.id} for r in references if r.edition is None
            ],
        },
    }
    relationships = taxonomies.relationships(references)
    if relationships:
        rule["relationships"] = relationships
    return rule


def _default_provenance(spec: ProbeSpec | None, sample: FindingDoc) -> str | None:
    if spec is not None and spec.provenance is not None:
        return spec.provenance.value
    return sample.provenance


def _result(finding: FindingDoc, rule_index: int, url: str) -> dict[str, Any]:
    return {
        "ruleId": _rule_id(finding),
        "ruleIndex": rule_index,
        "level": _LEVEL[finding.severity],
        "message": {"text": finding.message},
        "locations": [
            {
                "physicalLocation": {"artifactLocation": {"uri": url}},
                "logicalLocations": [{"name": finding.subject or finding.family, "kind": "module"}],
            }
        ],
        "properties": {
            "severity": finding.severity,
            "provenance": finding.provenance,
            "evidence": finding.evidence,
        },
    }
