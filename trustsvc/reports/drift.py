"""Drift reports for people and spreadsheets: the same events as JSON documents or CSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from probes.hostile_text import visible, visible_json
from trustsvc.reports.schema import DriftEventDoc

CSV_COLUMNS = (
    "id",
    "observed_at",
    "severity",
    "endpoint_url",
    "surface",
    "kind",
    "subject",
    "summary",
    "basis",
    "acknowledged_at",
    "acknowledged_by",
    "scan_id",
)
# Spreadsheets execute cells that start with these (CSV injection, OWASP): prefix a quote.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def drift_csv(events: Sequence[tuple[DriftEventDoc, str]]) -> str:
    """One row per event (with its endpoint URL), safe to open in a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for event, url in events:
        row = {
            "id": str(event.id),
            "observed_at": event.observed_at.isoformat(),
            "severity": event.severity,
            "endpoint_url": url,
            "surface": event.surface,
            "kind": event.kind,
            "subject": event.subject,
            "summary": event.summary,
            "basis": event.basis,
            "acknowledged_at": event.acknowledged_at.isoformat() if event.acknowledged_at else "",
            "acknowledged_by": event.acknowledged_by or "",
            "scan_id": event.scan_id,
        }
        writer.writerow(_cell(row[column]) for column in CSV_COLUMNS)
    return out.getvalue()


def _cell(value: str) -> str:
    # Stored text is already escaped (SafeText); a document built in memory may not be.
    value = visible(value)
    return "'" + value if value.startswith(_FORMULA_PREFIXES) else value


def drift_json(events: Sequence[tuple[DriftEventDoc, str]]) -> str:
    """The events as a JSON array of documents, each with its endpoint URL."""
    import msgspec  # noqa: PLC0415 - keeps this module's import light for the CLI

    docs = [msgspec.to_builtins(event) | {"endpoint_url": url} for event, url in events]
    return json.dumps(visible_json(docs), indent=2, ensure_ascii=False)
