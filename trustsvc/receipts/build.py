"""The receipt of one stored scan: what was scanned, when, under which rules, and the result.

The top-level fields are those of the registry's security-scan receipt proposal
(modelcontextprotocol/registry#1273, PR #1404), so a registry can attach the document as
is; what is ours sits under `trustsvc`. The receipt binds the verdict to digests of what
was observed (the tool set, the leaf certificate, the auth metadata) and of every finding
(probe, subject, outcome), so "clean" always means clean for those exact bytes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from probes.model import AttemptStatus, Family, ProbeSpec
from probes.tls.judging import FINGERPRINT
from probes.tools.judging import SET_FINGERPRINT
from trustsvc import __version__
from trustsvc.drift.types import Snapshot, Surface
from trustsvc.receipts.canonical import digest
from trustsvc.reports.schema import ScanReport
from trustsvc.schedule.freshness import FreshnessPolicy

RECEIPT_VERSION = 1
SCANNER = "trustsvc"
# The proposal's verdicts are `clean` and `inconclusive` (with a reason); a scan that is not
# clean keeps our own verdict word, warn or block.
CLEAN = "clean"
INCONCLUSIVE = "inconclusive"


@dataclass(frozen=True, slots=True, kw_only=True)
class ReceiptInput:
    """What a receipt is built from: the stored report and its drift snapshot."""

    report: ScanReport
    snapshot: Snapshot | None
    catalogue: Mapping[str, ProbeSpec]
    issued_at: datetime
    public_url: str | None = None


def rfc3339(when: datetime) -> str:
    """UTC, `Z`-suffixed (the form the proposal's examples use)."""
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


def receipt_body(source: ReceiptInput) -> dict[str, Any]:
    """The unsigned receipt (everything but `attestation`)."""
    report = source.report
    digests = observed_digests(report, source.snapshot)
    scope = completed_families(report)
    body: dict[str, Any] = {
        "scanner": SCANNER,
        "scanner_version": __version__,
        "rule_set_ref": rule_set_ref(source.catalogue),
        "policy_profile": f"trustsvc-policy@{report.policy_version}",
        "scanned_artifact_ref": report.url,
        "scanned_artifact_digest": digest(digests),
        "scan_scope": [f"remote-endpoint:{family}" for family in scope],
        "verdict": verdict(report, scope),
        "scanned_at": rfc3339(report.assessed_at),
        "freshness_expires_at": rfc3339(fresh_until(report.assessed_at, scope)),
        "evidence_ref": evidence_ref(report, source.public_url),
        "evidence_digest": findings_digest(report),
        "trustsvc": {
            "receipt_version": RECEIPT_VERSION,
            "scan_id": report.scan_id,
            "endpoint_id": report.endpoint_id,
            "issued_at": rfc3339(source.issued_at),
            "url": report.url,
            "score": report.score,
            "grade": report.grade,
            "verdict": report.verdict,
            "confidence": report.confidence,
            "policy_version": report.policy_version,
            "assurance_level": report.assurance.level if report.assurance else None,
            "digests": digests,
            "findings": finding_outcomes(report),
        },
    }
    if body["verdict"] == INCONCLUSIVE:
        body["inconclusive_reason"] = "evidence_unavailable"
    return body


def verdict(report: ScanReport, scope: Sequence[str]) -> str:
    """clean, warn, block, or inconclusive when too little was measured to say."""
    if report.grade == "?" or not scope:
        return INCONCLUSIVE
    return CLEAN if report.verdict == "allow" else report.verdict


def completed_families(report: ScanReport) -> list[str]:
    """The families whose collection completed: what the receipt vouches for."""
    return sorted(a.family for a in report.attempts if a.status == AttemptStatus.COMPLETED)


def fresh_until(assessed_at: datetime, scope: Sequence[str]) -> datetime:
    """When the stalest measured family is due again (the re-probe schedule's TTLs)."""
    ttls = FreshnessPolicy().family_ttl_s
    seconds = min((ttls[Family(family)] for family in scope), default=0.0)
    return assessed_at + timedelta(seconds=seconds)


def observed_digests(report: ScanReport, snapshot: Snapshot | None) -> dict[str, str | None]:
    """SHA-256 of the tool set, the leaf certificate and the auth metadata seen (or null).

    The tool set digest is the tools family's set fingerprint, which anyone can recompute
    from a `tools/list` answer (probes/tools/fingerprint.py); the certificate's is its
    SHA-256 fingerprint; the auth metadata's is the drift snapshot's digest of the
    normalised protected-resource and authorization-server documents.
    """
    tool_set = _evidence(report, "tool_listing_is_incomplete", SET_FINGERPRINT)
    certificate = next(
        (
            value
            for f in report.findings
            if f.family == "tls" and isinstance(value := f.evidence.get(FINGERPRINT), str)
        ),
        None,
    )
    auth = None
    if snapshot is not None:
        item = (snapshot.items(Surface.AUTH) or {}).get("auth:metadata")
        auth = None if item is None else item.digest
    return {
        "tool_set": _sha256(tool_set),
        "certificate": _sha256(certificate.replace(":", "").lower() if certificate else None),
        "auth_metadata": _sha256(auth),
    }


def _evidence(report: ScanReport, probe_id: str, key: str) -> str | None:
    for finding in report.findings:
        value = finding.evidence.get(key)
        if finding.probe_id == probe_id and isinstance(value, str):
            return value
    return None


def _sha256(hex_digest: str | None) -> str | None:
    return None if hex_digest is None else f"sha256:{hex_digest}"


def finding_outcomes(report: ScanReport) -> list[dict[str, Any]]:
    """Each probe's outcomes with how many subjects had each: small however many tools."""
    counts = Counter((f.probe_id, f.outcome) for f in report.findings)
    return [
        {"probe_id": probe_id, "outcome": outcome, "count": count}
        for (probe_id, outcome), count in sorted(counts.items())
    ]


def findings_digest(report: ScanReport) -> str:
    """A digest binding every finding (probe, subject, outcome) in a stable order."""
    rows = sorted([f.probe_id, f.subject or "", f.outcome] for f in report.findings)
    return digest(rows)


def rule_set_ref(catalogue: Mapping[str, ProbeSpec]) -> str:
    """The probe set that judged: version and a digest of every probe id and polarity."""
    rules = sorted([spec.id, spec.bad_outcome.value] for spec in catalogue.values())
    return f"trustsvc@{__version__}/probes@{digest(rules)}"


def evidence_ref(report: ScanReport, public_url: str | None) -> str:
    """Where the full report is: the API route when the public URL is known."""
    if public_url:
        return f"{public_url.rstrip('/')}/v1/scans/{report.scan_id}"
    return f"urn:trustsvc:scan:{report.scan_id}"
