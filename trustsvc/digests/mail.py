"""The digest as an e-mail: multipart/alternative (plain text and HTML) with the CSV attached.

The HTML is built by hand from escaped pieces (`html_text`): no template engine, so nothing
an endpoint wrote is ever markup. Headers come only from the subscription (its checked
name and addresses) and our settings, never from endpoint text, so no header can be
injected; the `email` package folds and encodes them. `X-Trustsvc-Delivery` carries the
run's delivery key, the same on every retry, for deduplication.
"""

from __future__ import annotations

import email.utils
from collections.abc import Mapping, Sequence
from email.message import EmailMessage
from email.policy import SMTP
from typing import Any

from trustsvc.digests.escape import html_text, one_line
from trustsvc.digests.text import NOTHING_CHANGED, digest_csv, headline, plain_text, summary_lines

SUBJECT_LIMIT = 200


def digest_email(
    doc: Mapping[str, Any], *, sender: str, recipients: Sequence[str], delivery_key: str
) -> EmailMessage:
    """The message to send for a digest."""
    message = EmailMessage(policy=SMTP)
    message["Subject"] = one_line(f"[trustsvc] {headline(doc)}", SUBJECT_LIMIT)
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Date"] = email.utils.formatdate(usegmt=True)
    message["Message-ID"] = email.utils.make_msgid(domain="trustsvc.invalid")
    message["X-Trustsvc-Delivery"] = delivery_key
    message.set_content(plain_text(doc))
    message.add_alternative(digest_html(doc), subtype="html")
    message.add_attachment(
        digest_csv(doc).encode(),
        maintype="text",
        subtype="csv",
        filename="drift-digest.csv",
    )
    return message


def digest_html(doc: Mapping[str, Any]) -> str:
    """A small, self-contained HTML rendering; every inserted text is escaped."""
    parts = [
        '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>',
        f"<h1>{html_text(headline(doc))}</h1>",
    ]
    if doc["empty"]:
        parts.append(f"<p>{html_text(NOTHING_CHANGED)}</p></body></html>")
        return "".join(parts)
    parts += [f"<p>{html_text(line)}</p>" for line in summary_lines(doc)]
    for title, key in (("New blocks", "new_blocks"), ("New warns", "new_warns")):
        if doc[key]:
            parts.append(f"<h2>{title}</h2><ul>")
            parts += [f"<li>{_a(e['link'], e['url'])}</li>" for e in doc[key]]
            parts.append("</ul>")
    if doc["grade_changes"]:
        parts.append("<h2>Grade changes</h2><ul>")
        parts += [
            f"<li>{_a(g['link'], g['url'])}: {html_text(g['before']['grade'])} &rarr; "
            f"{html_text(g['after']['grade'])}</li>"
            for g in doc["grade_changes"]
        ]
        parts.append("</ul>")
    if doc["endpoints"]:
        parts.append("<h2>Drift by endpoint</h2>")
        for endpoint in doc["endpoints"]:
            parts.append(f"<h3>{_a(endpoint['link'], endpoint['url'])}</h3><ul>")
            for event in endpoint["events"]:
                state = "acknowledged" if event["acknowledged"] else "open"
                parts.append(
                    f"<li><strong>{html_text(event['severity'])}</strong> "
                    f"{html_text(one_line(event['reason'], 500))} ({state})</li>"
                )
            parts.append("</ul>")
    if doc["unassessed"]:
        parts.append("<h2>Could not be assessed</h2><ul>")
        parts += [
            f"<li>{_a(u['link'], u['url'])}: {html_text(one_line(u['reason'], 300))}</li>"
            for u in doc["unassessed"]
        ]
        parts.append("</ul>")
    parts.append("</body></html>")
    return "".join(parts)


def _a(href: str, label: str) -> str:
    """A link to one of our own URLs (http(s) only), with an escaped label."""
    safe = href if href.startswith(("https://", "http://", "/")) else "#"
    return f'<a href="{html_text(safe)}">{html_text(one_line(label, 300))}</a>'
