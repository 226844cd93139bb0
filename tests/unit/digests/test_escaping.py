"""Hostile endpoint text in every digest format: Slack mrkdwn, HTML, CSV, e-mail, JSON.

The strings an endpoint controls (tool names inside summaries, its URL's path) are drawn by
Hypothesis from text that includes markup, Slack's control sequences, formula prefixes,
lone surrogates, NUL and bidi overrides.
"""

from __future__ import annotations

import csv
import email
import email.policy
import io
import json
import re
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from trustsvc.digests.content import DigestFacts, EventFact, build_digest
from trustsvc.digests.escape import csv_cell, mrkdwn
from trustsvc.digests.mail import digest_email, digest_html
from trustsvc.digests.slack import MAX_BLOCKS, SECTION_LIMIT, slack_message
from trustsvc.digests.text import digest_csv

START = datetime(2026, 12, 1, 8, tzinfo=UTC)
NASTY = st.sampled_from(
    [
        "<!channel>",
        "<!here|here>",
        "<@U012AB3CD>",
        "<https://evil.example|click me>",
        "&lt;!channel&gt;",
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        '=HYPERLINK("https://evil.example")',
        "+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(A1)",
        "\t=1",
        "\r\n=1",
        " =1",
        "\ud800",
        "\x00",
        "\u202eevil\u202c",
        "```",
        "\nBcc: victim@example.com",
    ]
)
HOSTILE = st.lists(st.one_of(NASTY, st.text(max_size=20)), min_size=1, max_size=6).map("".join)
FORMULA = ("=", "+", "-", "@", "\t", "\r")


def digest(text: str, count: int = 2) -> dict[str, object]:
    events = [
        EventFact(
            id=i + 1,
            endpoint_id=f"e{i}",
            severity="critical",
            kind="tool_poisoned",
            subject=text,
            summary=text if i % 2 == 0 else f"Tool `{text}` changed.",
            acknowledged=False,
            observed_at=START + timedelta(minutes=i),
        )
        for i in range(count)
    ]
    facts = DigestFacts(
        subscription="ops",
        start=START,
        end=START + timedelta(days=1),
        base_url="https://trust.example",
        urls={f"e{i}": f"https://mcp.example/{text}" for i in range(count)},
        events=events,
    )
    return build_digest(facts)


def mrkdwn_texts(message: dict[str, object]) -> list[str]:
    blocks = message["blocks"]
    assert isinstance(blocks, list)
    return [str(message["text"])] + [b["text"]["text"] for b in blocks]


@given(HOSTILE)
@settings(max_examples=150, deadline=None)
def test_slack_text_cannot_mention_or_link(text: str) -> None:
    message = slack_message(digest(text))
    for piece in mrkdwn_texts(message):
        # The only angle brackets left are our own endpoint links.
        opened = re.findall(r"<([^>]*)>", piece)
        assert all(link.startswith("https://trust.example/v1/endpoints/") for link in opened)
        assert "<!" not in piece
        assert "<@" not in piece
        assert len(piece) <= SECTION_LIMIT
    json.dumps(message)  # serialisable whatever the text (surrogates were replaced)


def test_slack_respects_the_block_limit() -> None:
    message = slack_message(digest("x" * 3000, count=120))
    blocks = message["blocks"]
    assert isinstance(blocks, list)
    assert len(blocks) <= MAX_BLOCKS
    assert "more endpoint(s)" in blocks[-1]["text"]["text"]
    assert all(len(b["text"]["text"]) <= SECTION_LIMIT for b in blocks)


def test_mrkdwn_escapes_slacks_three_characters() -> None:
    assert mrkdwn("<!channel> & <@U1>") == "&lt;!channel&gt; &amp; &lt;@U1&gt;"


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.hrefs += [value or "" for name, value in attrs if name == "href"]
        assert all(not name.startswith("on") for name, _ in attrs)


@given(HOSTILE)
@settings(max_examples=150, deadline=None)
def test_html_has_only_our_markup(text: str) -> None:
    parser = _Collector()
    parser.feed(digest_html(digest(text)))
    assert set(parser.tags) <= {
        "html",
        "head",
        "meta",
        "body",
        "h1",
        "h2",
        "h3",
        "p",
        "ul",
        "li",
        "a",
        "strong",
    }
    assert all(href.startswith("https://trust.example/") for href in parser.hrefs)


@given(HOSTILE)
@settings(max_examples=150, deadline=None)
def test_csv_cells_never_start_a_formula(text: str) -> None:
    rows = list(csv.reader(io.StringIO(digest_csv(digest(text)))))
    for row in rows[1:]:
        for cell in row:
            assert not cell.lstrip(" ").startswith(FORMULA[:4]), cell
            assert not cell.startswith(FORMULA[4:]), cell
    assert not csv_cell(text).lstrip(" ").startswith(FORMULA)
    assert csv_cell("=1") == "'=1"
    assert csv_cell(" @x") == "' @x"
    assert csv_cell("plain") == "plain"


@given(HOSTILE)
@settings(max_examples=100, deadline=None)
def test_email_parses_back_with_our_headers_only(text: str) -> None:
    message = digest_email(
        digest(text),
        sender="trustsvc@example.com",
        recipients=["sec@example.com"],
        delivery_key="k1",
    )
    raw = message.as_bytes()
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    assert parsed["To"] == "sec@example.com"
    assert parsed.get_all("Bcc") is None
    assert parsed.get_content_type() == "multipart/mixed"
    parts = [p.get_content_type() for p in parsed.walk()]
    assert parts == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "text/csv",
    ]
    attachment = next(p for p in parsed.walk() if p.get_content_type() == "text/csv")
    assert attachment.get_filename() == "drift-digest.csv"
