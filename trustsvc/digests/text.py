"""The digest as plain text (the e-mail's text part, the terminal) and as CSV rows.

Both read the stored digest document, so a run can be rendered again later. Endpoint text is
`clean`ed and put on one line: a summary cannot add lines that look like our own.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from typing import Any

from trustsvc.digests.escape import csv_cell, one_line

NOTHING_CHANGED = "Nothing changed in this period."
CSV_COLUMNS = (
    "section",
    "severity",
    "endpoint_url",
    "kind",
    "subject",
    "reason",
    "acknowledged",
    "observed_at",
    "link",
)
LINE = 300


def headline(doc: Mapping[str, Any]) -> str:
    """One line: the subscription, the period and the main counts."""
    counts = doc["counts"]
    name = one_line(str(doc["subscription"]), 128)
    period = f"{doc['period']['start']} to {doc['period']['end']}"
    if doc["empty"]:
        return f"Drift digest {name}, {period}: nothing changed."
    return (
        f"Drift digest {name}, {period}: {counts['events']} drift event(s) on "
        f"{counts['endpoints_with_drift']} endpoint(s), {counts['new_blocks']} new block(s), "
        f"{counts['new_warns']} new warn(s), {counts['grade_changes']} grade change(s)."
    )


def summary_lines(doc: Mapping[str, Any]) -> list[str]:
    """The counts a reader looks at first."""
    counts = doc["counts"]
    severities = ", ".join(f"{n} {s}" for s, n in counts["by_severity"].items() if n)
    drift = f"Drift: {counts['events']} event(s) ({severities or 'none'}); "
    drift += f"{counts['open']} open, {counts['acknowledged']} acknowledged."
    grades = f"Grade changes: {counts['grade_changes']}. New blocks: {counts['new_blocks']}. "
    grades += f"New warns: {counts['new_warns']}."
    other = f"Could not be assessed: {counts['unassessed']}. "
    other += f"Registry changes: {counts['registry_changes']}."
    return [drift, grades, other]


def plain_text(doc: Mapping[str, Any]) -> str:
    """The whole digest for a terminal or the e-mail's text part."""
    lines = [headline(doc), ""]
    if doc["empty"]:
        return "\n".join([*lines, NOTHING_CHANGED, ""])
    lines += summary_lines(doc)
    for title, key in (("New blocks", "new_blocks"), ("New warns", "new_warns")):
        if doc[key]:
            lines += ["", f"{title}:"]
            lines += [f"  {one_line(e['url'], LINE)}  {e['link']}" for e in doc[key]]
    if doc["grade_changes"]:
        lines += ["", "Grade changes:"]
        lines += [
            f"  {one_line(g['url'], LINE)}: {g['before']['grade']} ({g['before']['score']}) -> "
            f"{g['after']['grade']} ({g['after']['score']})"
            for g in doc["grade_changes"]
        ]
    lines += _drift_lines(doc)
    if doc["unassessed"]:
        lines += ["", "Could not be assessed:"]
        lines += [
            f"  {one_line(u['url'], LINE)}: {one_line(u['reason'], LINE)}"
            for u in doc["unassessed"]
        ]
    lines += _registry_lines(doc)
    return "\n".join([*lines, ""])


def _drift_lines(doc: Mapping[str, Any]) -> list[str]:
    if not doc["endpoints"]:
        return []
    lines = ["", "Drift by endpoint:"]
    for endpoint in doc["endpoints"]:
        lines.append(f"  {one_line(endpoint['url'], LINE)}  {endpoint['link']}")
        for event in endpoint["events"]:
            state = "acknowledged" if event["acknowledged"] else "open"
            reason = one_line(event["reason"], LINE)
            lines.append(f"    [{event['severity'].upper()}] {reason} ({state})")
        if endpoint["total"] > len(endpoint["events"]):
            lines.append(f"    ... and {endpoint['total'] - len(endpoint['events'])} more")
    return lines


def _registry_lines(doc: Mapping[str, Any]) -> list[str]:
    registry = doc["registry"]
    if not any(registry.values()):
        return []
    lines = ["", "Registry:"]
    for change, entries in registry.items():
        lines += [
            f"  {change}: {one_line(e['name'], 200)} {one_line(e['version'], 64)}" for e in entries
        ]
    return lines


def csv_rows(doc: Mapping[str, Any]) -> Iterator[dict[str, str]]:
    """One row per drift event and per block, warn, grade change and unassessed endpoint."""
    for endpoint in doc["endpoints"]:
        for event in endpoint["events"]:
            yield {
                "section": "drift",
                "severity": event["severity"],
                "endpoint_url": endpoint["url"],
                "kind": event["kind"],
                "subject": event["subject"],
                "reason": event["reason"],
                "acknowledged": "yes" if event["acknowledged"] else "no",
                "observed_at": event["observed_at"],
                "link": endpoint["link"],
            }
    for key in ("new_blocks", "new_warns"):
        for entry in doc[key]:
            yield {"section": key, "endpoint_url": entry["url"], "link": entry["link"]}
    for change in doc["grade_changes"]:
        reason = f"{change['before']['grade']} -> {change['after']['grade']}"
        yield {
            "section": "grade_change",
            "endpoint_url": change["url"],
            "reason": reason,
            "link": change["link"],
        }
    for entry in doc["unassessed"]:
        yield {
            "section": "unassessed",
            "endpoint_url": entry["url"],
            "reason": entry["reason"],
            "link": entry["link"],
        }


def digest_csv(doc: Mapping[str, Any]) -> str:
    """The CSV attachment: every cell safe to open in a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in csv_rows(doc):
        writer.writerow(csv_cell(str(row.get(column, ""))) for column in CSV_COLUMNS)
    return out.getvalue()
