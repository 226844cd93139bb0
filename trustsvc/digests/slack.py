"""The digest as a Slack Block Kit message (`text` and `blocks`), within Slack's limits.

Slack refuses a message of more than 50 blocks and a section text over 3,000 characters, and
renders `<!channel>`, `<@U…>` and `<url|label>` from mrkdwn. Every piece of endpoint text
is escaped with `mrkdwn` (so none of those can be written) and clipped *after* escaping (so
entities cannot push a section over the limit); links are only ever our own endpoint links.
Endpoints that do not fit end in one "and N more" block.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from trustsvc.digests.escape import mrkdwn, one_line
from trustsvc.digests.text import NOTHING_CHANGED, headline, summary_lines

MAX_BLOCKS = 50
SECTION_LIMIT = 3000
TEXT_LIMIT = 300
EVENTS_PER_SECTION = 10


def clip(text: str, limit: int) -> str:
    """Cut to `limit` characters with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def section(text: str) -> dict[str, Any]:
    """A mrkdwn section block (text already escaped), clipped to Slack's limit."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, SECTION_LIMIT)}}


def link(url: str, label: str) -> str:
    """A mrkdwn link to one of our own URLs, with an escaped label."""
    return f"<{mrkdwn(url)}|{mrkdwn(one_line(label, 200))}>"


def slack_message(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The incoming-webhook body for a digest."""
    text = clip(mrkdwn(headline(doc)), TEXT_LIMIT)
    blocks: list[dict[str, Any]] = [section(f"*{text}*")]
    if doc["empty"]:
        blocks.append(section(NOTHING_CHANGED))
        return {"text": text, "blocks": blocks}
    blocks.append(section("\n".join(mrkdwn(line) for line in summary_lines(doc))))
    verdicts = [
        f"{label}: " + ", ".join(link(e["link"], e["url"]) for e in doc[key][:20])
        for label, key in (("*New blocks*", "new_blocks"), ("*New warns*", "new_warns"))
        if doc[key]
    ]
    if verdicts:
        blocks.append(section("\n".join(verdicts)))
    if doc["grade_changes"]:
        lines = [
            f"{link(g['link'], g['url'])}: {g['before']['grade']} → {g['after']['grade']}"
            for g in doc["grade_changes"][:25]
        ]
        blocks.append(section("*Grade changes*\n" + "\n".join(lines)))
    if doc["unassessed"]:
        lines = [
            f"{link(u['link'], u['url'])}: {mrkdwn(one_line(u['reason'], 200))}"
            for u in doc["unassessed"][:20]
        ]
        blocks.append(section("*Could not be assessed*\n" + "\n".join(lines)))
    room = MAX_BLOCKS - len(blocks) - 1
    endpoints = doc["endpoints"]
    blocks.extend(section(_endpoint_text(endpoint)) for endpoint in endpoints[:room])
    if len(endpoints) > room:
        blocks.append(section(f"… and {len(endpoints) - room} more endpoint(s) with drift."))
    return {"text": text, "blocks": blocks[:MAX_BLOCKS]}


def _endpoint_text(endpoint: Mapping[str, Any]) -> str:
    lines = [f"*{link(endpoint['link'], endpoint['url'])}*"]
    for event in endpoint["events"][:EVENTS_PER_SECTION]:
        state = "" if event["acknowledged"] else " · open"
        reason = mrkdwn(one_line(event["reason"], 250))
        lines.append(f"• `{event['severity']}` {reason}{state}")
    more = endpoint["total"] - min(len(endpoint["events"]), EVENTS_PER_SECTION)
    if more > 0:
        lines.append(f"… and {more} more")
    return "\n".join(lines)
