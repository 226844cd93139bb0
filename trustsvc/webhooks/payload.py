"""The document posted for one drift event, built when the delivery is queued.

Building at enqueue time means a delivery needs no joins and posts what was true when the
event was recorded, even if the endpoint is renamed or the event acknowledged meanwhile.

Two formats: `json` (the event, for programs) and `slack` (a Slack-compatible incoming-webhook
body, which Mattermost, Rocket.Chat and Discord's `/slack` endpoints also accept). Event text
comes from the endpoint being watched (tool names, descriptions), so the Slack rendering
escapes `&`, `<` and `>`: a hostile tool description cannot ping `<!channel>` or dress up a
link.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from probes.model import Severity
from trustsvc.reports.schema import DriftEventDoc

EVENT_TYPE = "drift.event"
DIFF_LIMIT = 2500  # characters of text diff in a Slack code block (a section holds 3,000)
SECTION_LIMIT = 3000
TEXT_LIMIT = 300


class PayloadFormat(StrEnum):
    """How a webhook wants events rendered."""

    JSON = "json"
    SLACK = "slack"


def meets(severity: str, threshold: str) -> bool:
    """Whether an event of `severity` is at least as severe as `threshold`.

    An unknown severity (a future rule's vocabulary) counts as the most severe, so it is
    sent rather than silently dropped.
    """
    try:
        rank = Severity(severity).rank
    except ValueError:
        return True
    return rank <= Severity(threshold).rank


def iso(when: datetime) -> str:
    """RFC 3339 in UTC with a `Z`, as the API renders datetimes."""
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


def event_doc(event: DriftEventDoc, endpoint_url: str) -> dict[str, Any]:
    """The event as a JSON object, the same fields the drift API shows."""
    return {
        "id": event.id,
        "endpoint_id": event.endpoint_id,
        "endpoint_url": endpoint_url,
        "scan_id": event.scan_id,
        "basis": event.basis,
        "surface": event.surface,
        "kind": event.kind,
        "subject": event.subject,
        "severity": event.severity,
        "summary": event.summary,
        "before": event.before,
        "after": event.after,
        "text_diff": event.text_diff,
        "observed_at": iso(event.observed_at),
    }


def build_payload(event: DriftEventDoc, endpoint_url: str, payload_format: str) -> dict[str, Any]:
    """The body to post for this event in this format."""
    if payload_format == PayloadFormat.SLACK:
        return slack_payload(event, endpoint_url)
    return {"type": EVENT_TYPE, "event": event_doc(event, endpoint_url)}


def slack_payload(event: DriftEventDoc, endpoint_url: str) -> dict[str, Any]:
    """`text` is the one-line notification; `blocks` add the details and the diff."""
    label = event.severity.upper()
    summary = " ".join(event.summary.split())
    text = _clip(_escape(f"[{label}] {endpoint_url}: {summary}"), TEXT_LIMIT)
    details = (
        f"*[{label}]* {_escape(endpoint_url)}\n"
        f"{_escape(summary)}\n"
        f"_{_escape(event.surface)} · {_escape(event.kind)} · {_escape(event.subject)}"
        f" · {iso(event.observed_at)}_"
    )
    blocks: list[dict[str, Any]] = [_section(_clip(details, SECTION_LIMIT))]
    if event.text_diff:
        # Escaped before clipping so entities cannot push the section past Slack's limit.
        diff = _clip(_escape(event.text_diff).replace("```", "`\u200b``"), DIFF_LIMIT)
        blocks.append(_section(f"```{diff}```"))
    return {"text": text, "blocks": blocks}


def _section(mrkdwn: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn}}


def _escape(text: str) -> str:
    """Slack's three control characters (https://api.slack.com/reference/surfaces/formatting)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
