"""The stable JSON shape of a scan report; later families add findings, never new shapes.

These msgspec Structs are the wire format of `GET /v1/scans/{id}` and `trustsvc assess
--format json`, and they generate the OpenAPI schema, so the README's description, the CLI and
the API cannot disagree.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec

from trustsvc.assurance.model import AssuranceDoc

# Documented as "a JSON scalar a key": the union alone renders as oneOf [string, integer,
# number, ...], which every integer breaks (it is an integer and a number both). msgspec still
# encodes ints as ints; `extra` is what Litestar copies onto the generated schema.
EvidenceDoc = Annotated[
    dict[str, str | int | float | bool | None],
    msgspec.Meta(
        extra_json_schema={
            "extra": {"additional_properties": {"type": ["string", "number", "boolean", "null"]}}
        }
    ),
]


class GateDoc(msgspec.Struct, kw_only=True):
    """A cap that fired: which rule, the grade it caps at, and why."""

    id: str
    cap: str
    verdict: str | None
    reason: str
    probe_ids: list[str]


class DimensionDoc(msgspec.Struct, kw_only=True):
    """One dimension: a score, or null when it could not be measured, and why."""

    name: str
    score: float | None
    weight: float
    coverage: float
    reason: str
    cited: list[str]
    evidence: EvidenceDoc


class AttemptDoc(msgspec.Struct, kw_only=True):
    """How one probe family's collection ended."""

    family: str
    status: str
    reason: str | None
    detail: str
    elapsed_ms: int


class ReferenceDoc(msgspec.Struct, kw_only=True, omit_defaults=True):
    """One framework id with its edition (`OWASP-LLM` `2026` `LLM03`).

    `edition` is null for citations (RFCs, CVEs, SAFE-MCP) and for references stored before
    editions were recorded. `title` is given in the probe catalogue where the edition's
    licence allows shipping it, and left out elsewhere.
    """

    framework: str
    edition: str | None
    id: str
    title: str | None = None


class FindingDoc(msgspec.Struct, kw_only=True):
    """One probe's answer; `remediation` is set only when the outcome is the bad one.

    `provenance` is `observed` (measured on the wire), `declared` (what the server, its
    card or the registry claims) or `inferred` (derived by a rule or model); null for
    findings stored before provenance was recorded.
    """

    probe_id: str
    family: str
    outcome: str
    severity: str
    message: str
    subject: str | None
    evidence: EvidenceDoc
    remediation: str | None
    references: list[ReferenceDoc]
    provenance: str | None = None


class DriftEventDoc(msgspec.Struct, kw_only=True):
    """A change of one surface item between a scan and an earlier state (issue 6 drift)."""

    id: int
    endpoint_id: str
    scan_id: str
    basis: str
    surface: str
    kind: str
    subject: str
    severity: str
    summary: str
    before: Any
    after: Any
    text_diff: str | None
    observed_at: datetime
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    ack_note: str | None = None


class ScanReport(msgspec.Struct, kw_only=True):
    """Everything one assessment found and concluded."""

    url: str
    assessed_at: datetime
    policy_version: str
    score: int
    score_measured: int | None
    grade: str
    verdict: str
    confidence: float
    gates: list[GateDoc]
    dimensions: list[DimensionDoc]
    attempts: list[AttemptDoc]
    findings: list[FindingDoc]
    scan_id: str | None = None
    endpoint_id: str | None = None
    drift: list[DriftEventDoc] = msgspec.field(default_factory=list)
    assurance: AssuranceDoc | None = None
