"""Digest delivery on SQLite and PostgreSQL: signed webhooks with retries, e-mail over real SMTP.

The webhook receiver and the SMTP server (aiosmtpd) listen on loopback; the clock is
injected, so retries are driven by moving it, never by sleeping.
"""

from __future__ import annotations

import email
import email.policy
import json
from collections.abc import AsyncIterator
from email.message import EmailMessage

import pytest
from sqlalchemy import select

from tests.integration.digests.support import (
    HOSTILE_TOOL,
    T0,
    Sessions,
    scanned,
    service,
    subscribe,
)
from tests.servers.registry import Clock
from tests.servers.smtp import SmtpServer
from tests.servers.webhook_receiver import WebhookReceiver, failing
from trustsvc.config.digests import SmtpSettings
from trustsvc.digests.models import SubscriptionRow, SubscriptionRunRow
from trustsvc.lab.pki import LabPki
from trustsvc.store.db import make_engine, make_sessionmaker
from trustsvc.store.migrate import upgrade
from trustsvc.webhooks.signing import SIGNATURE_HEADER, verify


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[Sessions]:
    engine = make_engine(database_url)
    await upgrade(engine)
    try:
        yield make_sessionmaker(engine)
    finally:
        await engine.dispose()


async def runs(sessions: Sessions) -> list[SubscriptionRunRow]:
    async with sessions() as session:
        return list(
            await session.scalars(select(SubscriptionRunRow).order_by(SubscriptionRunRow.id))
        )


async def test_a_scheduled_webhook_digest_is_signed_retried_and_sent_once(
    sessions: Sessions, receiver: WebhookReceiver
) -> None:
    clock = Clock(fixed=T0)
    await subscribe(
        sessions, T0, name="ops", schedule="0 8 * * *", webhook_url=receiver.url, min_severity="low"
    )
    await scanned(
        sessions,
        "https://a.example/mcp",
        T0.replace(hour=7),
        drift=(("critical", "tool_poisoned", f"tool:{HOSTILE_TOOL}"),),
    )
    digests = service(sessions, clock)
    assert str(await digests.run_due()).startswith("0 digest(s) built")  # not 08:00 yet

    clock.set(T0.replace(hour=8, minute=0, second=30))
    receiver.answer(*failing(1))
    tally = await digests.run_due()
    assert (tally.built, tally.retrying) == (1, 1)
    [run] = await runs(sessions)
    assert (run.status, run.attempts, run.last_error) == ("pending", 1, "HTTP 500")
    assert run.period_end == T0.replace(hour=8)
    assert run.counts["events"] == 1

    assert (await digests.run_due()).built == 0  # same period: nothing new, not due yet
    clock.advance(digests.backoff_s(1))
    assert (await digests.run_due()).delivered == 1
    first, second = receiver.requests
    assert first.headers["x-trustsvc-delivery"] == second.headers["x-trustsvc-delivery"]
    assert first.body == second.body
    secret = await _secret(sessions)
    assert verify(secret, second.headers[SIGNATURE_HEADER.lower()], second.body, clock.now())
    doc = json.loads(second.body)
    assert doc["endpoints"][0]["events"][0]["subject"] == f"tool:{HOSTILE_TOOL}"
    [run] = await runs(sessions)
    assert run.status == "delivered"


async def test_an_empty_period_is_skipped_when_the_subscription_says_so(
    sessions: Sessions, receiver: WebhookReceiver
) -> None:
    clock = Clock(fixed=T0)
    await subscribe(
        sessions, T0, name="quiet", schedule="daily", webhook_url=receiver.url, send_empty=False
    )
    await subscribe(sessions, T0, name="loud", schedule="daily", webhook_url=receiver.url)
    clock.set(T0.replace(hour=9))
    tally = await service(sessions, clock).run_due()
    assert (tally.built, tally.skipped, tally.delivered) == (2, 1, 1)
    [only] = receiver.requests
    assert "nothing changed" in json.loads(only.body)["subscription"] + " nothing changed"
    assert {r.status for r in await runs(sessions)} == {"skipped", "delivered"}


async def test_slack_digest_escapes_hostile_tool_names(
    sessions: Sessions, receiver: WebhookReceiver
) -> None:
    clock = Clock(fixed=T0)
    await subscribe(
        sessions, T0, name="chat", schedule="daily", digest_format="slack", webhook_url=receiver.url
    )
    await scanned(
        sessions,
        "https://a.example/mcp",
        T0,
        drift=(("high", "tool_description_changed", f"tool:{HOSTILE_TOOL}"),),
    )
    clock.advance(3600)
    run = await service(sessions, clock).run_now("chat")
    assert run is not None
    assert run.status == "delivered", run.last_error
    body = json.loads(receiver.requests[0].body)
    texts = [body["text"]] + [block["text"]["text"] for block in body["blocks"]]
    assert any("&lt;!channel&gt;" in text for text in texts)
    assert not any("<!channel>" in text for text in texts)


async def test_email_digest_over_smtp_has_text_html_and_a_safe_csv(sessions: Sessions) -> None:
    clock = Clock(fixed=T0)
    await subscribe(
        sessions,
        T0,
        name="inbox",
        schedule="daily",
        digest_format="email",
        email_to=["sec@example.com", "ops@example.com"],
    )
    await scanned(
        sessions,
        "https://a.example/mcp",
        T0,
        drift=(
            ("critical", "tool_poisoned", f"tool:{HOSTILE_TOOL}"),
            ("low", "registry_entry_changed", "=HYPERLINK(1)"),
        ),
    )
    with SmtpServer() as smtp:
        settings = SmtpSettings(
            host="127.0.0.1", port=smtp.port, security="none", sender="t@x.example"
        )
        digests = service(sessions, clock, smtp=settings)
        smtp.refuse("451 4.3.0 try again later")
        clock.advance(3600)
        run = await digests.run_now("inbox")
        assert run is not None
        assert (run.status, run.attempts) == ("pending", 1)
        assert run.last_error is not None
        assert "451" in run.last_error
        clock.advance(digests.backoff_s(1))
        assert (await digests.deliver_pending())["delivered"] == 1
        [accepted] = smtp.messages
    assert sorted(accepted.recipients) == ["ops@example.com", "sec@example.com"]
    message = email.message_from_bytes(accepted.data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    assert str(message["X-Trustsvc-Delivery"]).strip() == run.delivery_key
    assert message["From"] == "t@x.example"
    kinds = [part.get_content_type() for part in message.walk()]
    assert kinds == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "text/csv",
    ]
    parts = {part.get_content_type(): part for part in message.walk()}
    html = parts["text/html"].get_content()
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    assert "<script>" not in html
    assert HOSTILE_TOOL in parts["text/plain"].get_content()
    attachment = parts["text/csv"]
    assert attachment.get_filename() == "drift-digest.csv"
    csv_text = attachment.get_content()
    assert "'=HYPERLINK(1)" in csv_text  # the subject cell started with a formula
    assert all(not line.startswith(("=", "+", "-", "@")) for line in csv_text.splitlines())


async def test_email_over_starttls_with_auth(sessions: Sessions, lab_pki: LabPki) -> None:
    clock = Clock(fixed=T0)
    await subscribe(
        sessions,
        T0,
        name="tls",
        schedule="daily",
        digest_format="email",
        email_to=["a@example.com"],
    )
    leaf = lab_pki["valid"]
    with SmtpServer(tls=(leaf.chain, leaf.key), login=("bot", "s3cret")) as smtp:
        settings = SmtpSettings(
            host="127.0.0.1",
            port=smtp.port,
            security="starttls",
            user="bot",
            password="s3cret",  # noqa: S106 - the test server's own credentials
        )
        digests = service(sessions, clock, smtp=settings)
        digests.ca_file = lab_pki.ca_cert
        run = await digests.run_now("tls")
        assert run is not None
        assert run.status == "delivered", run.last_error
        assert len(smtp.messages) == 1


async def test_a_permanent_smtp_refusal_fails_at_once(sessions: Sessions) -> None:
    clock = Clock(fixed=T0)
    await subscribe(
        sessions,
        T0,
        name="bad",
        schedule="daily",
        digest_format="email",
        email_to=["a@example.com"],
    )
    with SmtpServer() as smtp:
        settings = SmtpSettings(host="127.0.0.1", port=smtp.port, security="none")
        smtp.refuse("554 5.7.1 message rejected")
        run = await service(sessions, clock, smtp=settings).run_now("bad")
    assert run is not None
    assert (run.status, run.attempts) == ("failed", 1)
    assert run.last_error is not None
    assert run.last_error.startswith("SMTP 554")


async def _secret(sessions: Sessions) -> str:
    async with sessions() as session:
        secret = await session.scalar(select(SubscriptionRow.secret))
        assert isinstance(secret, str)
        return secret
