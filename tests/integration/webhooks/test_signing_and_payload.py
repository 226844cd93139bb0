"""The signature scheme and the Slack rendering, without a network."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.integration.webhooks.conftest import T0, drift_event
from trustsvc.drift.repository import event_doc
from trustsvc.webhooks.payload import DIFF_LIMIT, build_payload, meets
from trustsvc.webhooks.signing import new_secret, sign, verify

BODY = b'{"type":"drift.event"}'
NOW = int(T0.timestamp())


def test_a_signature_verifies_only_for_its_secret_body_and_time() -> None:
    secret = new_secret()
    header = sign(secret, BODY, NOW)
    assert secret.startswith("whsec_")
    assert len(secret) > 40
    assert verify(secret, header, BODY, now=NOW)
    assert verify(secret, header, BODY, now=T0 + dt.timedelta(seconds=300))
    assert not verify(secret, header, BODY, now=T0 + dt.timedelta(seconds=301))
    assert not verify(secret, header, BODY, now=NOW - 301)
    assert not verify(secret, header, BODY[:-1], now=NOW)
    assert not verify(new_secret(), header, BODY, now=NOW)
    assert not verify(secret, header.replace(f"t={NOW}", f"t={NOW + 1}"), BODY, now=NOW)


@pytest.mark.parametrize(
    "header", ["", "garbage", f"t={NOW}", "v1=abc", "t=x,v1=abc", f"t={NOW},v1=é"]
)
def test_malformed_headers_do_not_verify(header: str) -> None:
    assert not verify("whsec_x", header, BODY, now=NOW)


def test_a_second_signature_is_accepted_while_rotating() -> None:
    old, new = new_secret(), new_secret()
    combined = sign(old, BODY, NOW) + "," + sign(new, BODY, NOW).split(",")[1]
    assert verify(old, combined, BODY, now=NOW)
    assert verify(new, combined, BODY, now=NOW)


def test_severity_thresholds_follow_the_shared_order() -> None:
    assert meets("critical", "high")
    assert meets("high", "high")
    assert not meets("medium", "high")
    assert meets("info", "info")
    assert not meets("info", "low")
    assert meets("catastrophic", "critical")  # unknown: sent rather than dropped


def test_slack_rendering_escapes_endpoint_text_and_truncates_the_diff() -> None:
    event = drift_event(
        "e1",
        "s1",
        summary="Tool `x` now says <!channel> & <https://evil.example|click>\nsecond line",
        text_diff="+" + "y" * 5000,
    )
    event.id = 7
    body = build_payload(event_doc(event), "https://mcp.example.com/mcp", "slack")
    assert body["text"] == (
        "[HIGH] https://mcp.example.com/mcp: Tool `x` now says &lt;!channel&gt; &amp; "
        "&lt;https://evil.example|click&gt; second line"
    )
    section, diff = body["blocks"]
    assert "<!channel>" not in section["text"]["text"]
    assert len(diff["text"]["text"]) == DIFF_LIMIT + 6
    assert diff["text"]["text"].endswith("…```")


def test_a_slack_event_without_a_diff_has_one_block() -> None:
    event = drift_event("e1", "s1", text_diff=None)
    event.id = 8
    assert (
        len(build_payload(event_doc(event), "https://mcp.example.com/mcp", "slack")["blocks"]) == 1
    )
