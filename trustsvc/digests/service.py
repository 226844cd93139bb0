"""DigestService: build each due subscription's digest once per period, and deliver it.

`run_due` is the scheduler's job (under a job lease, so one worker runs it per period). For
each due subscription it reads the period's facts, builds the digest, and stores the run and
the subscription's next period in one transaction. The run's delivery key is unique per
(subscription, period end), so even two processes that both got past the lease store one
run. Delivery then claims pending runs like the webhook outbox (a lease on the row, SKIP
LOCKED on PostgreSQL), renders the stored digest in the subscription's format and sends it:
webhooks signed as per-event webhooks are, through the same SSRF-guarded client; e-mail
over SMTP. Failures are retried with capped exponential backoff and recorded on the run.
A receiver may see a retried delivery twice (a crash after sending, before recording): the
key in `X-Trustsvc-Delivery` (and the e-mail's Message-ID) is the same, for deduplication.
"""

from __future__ import annotations

import email.utils
import hashlib
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from trustsvc.config.digests import DigestSettings
from trustsvc.config.drift import ScoreDropSettings
from trustsvc.digests.collect import collect_facts
from trustsvc.digests.content import build_digest, iso
from trustsvc.digests.mail import digest_email
from trustsvc.digests.models import SubscriptionRow, SubscriptionRunRow
from trustsvc.digests.repository import (
    DELIVERED,
    FAILED,
    PENDING,
    SKIPPED,
    add_run,
    advance,
    claim_pending,
    due_subscriptions,
    find_subscription,
    period_start,
)
from trustsvc.digests.schedule import next_fire
from trustsvc.digests.slack import slack_message
from trustsvc.digests.smtp import send_mail
from trustsvc.webhooks.deliver import WebhookDeliverer

log = logging.getLogger(__name__)

DIGEST_EVENT = "drift.digest"
MAX_CATCH_UP = 1000
BACKOFF_CAP_S = 3600.0
CLAIM_LEASE_S = 300.0


@dataclass(frozen=True, slots=True, kw_only=True)
class DigestTally:
    """What one `run_due` did."""

    built: int = 0
    skipped: int = 0
    delivered: int = 0
    retrying: int = 0
    failed: int = 0

    def __str__(self) -> str:
        return (
            f"{self.built} digest(s) built, {self.skipped} empty skipped, "
            f"{self.delivered} delivered, {self.retrying} retrying, {self.failed} failed"
        )


class DigestService:
    """Builds, stores and sends digests; every method is safe to call from several workers."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        deliverer: WebhookDeliverer,
        settings: DigestSettings,
        score_drop: ScoreDropSettings,
        clock: Callable[[], datetime],
        ca_file: Path | None = None,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.sessions = sessions
        self.deliverer = deliverer
        self.settings = settings
        self.score_drop = score_drop
        self.clock = clock
        self.ca_file = ca_file
        self.jitter = jitter

    async def digest(
        self, session: AsyncSession, row: SubscriptionRow, start: datetime, end: datetime
    ) -> dict[str, Any]:
        """The digest document of one subscription for [start, end)."""
        facts = await collect_facts(
            session,
            row,
            start=start,
            end=end,
            base_url=self.settings.base_url,
            rule=self.score_drop,
        )
        return build_digest(facts)

    async def run_due(self) -> DigestTally:
        """Build the digest of every due subscription once, then deliver pending runs."""
        now = self.clock()
        async with self.sessions() as session:
            due = [row.id for row in await due_subscriptions(session, now)]
        built = skipped = 0
        for subscription_id in due:
            run = await self._build_scheduled(subscription_id, now)
            if run is not None:
                built += 1
                skipped += run.status == SKIPPED
        sent = await self.deliver_pending()
        return DigestTally(built=built, skipped=skipped, **sent)

    async def _build_scheduled(
        self, subscription_id: str, now: datetime
    ) -> SubscriptionRunRow | None:
        async with self.sessions.begin() as session:
            row = await session.get(SubscriptionRow, subscription_id)
            if row is None or not row.active or row.next_run_at > now:
                return None  # another worker advanced it meanwhile
            end = latest_fire(row, now)
            start = period_start(row)
            run = await self._store(session, row, start=start, end=end, trigger="scheduled")
            await advance(session, row, end=end, now=now)
            return run

    async def run_now(
        self, key: str, *, since: datetime | None = None
    ) -> SubscriptionRunRow | None:
        """Build and send a digest from `since` (default: the last period's end) until now.

        The schedule does not move: the next scheduled digest still covers its own period.
        Returns None when there is no such subscription.
        """
        now = self.clock()
        async with self.sessions.begin() as session:
            row = await find_subscription(session, key)
            if row is None:
                return None
            start = since or period_start(row)
            run = await self._store(
                session, row, start=start, end=now, trigger="manual", force=True
            )
        await self.deliver_pending()
        if run is None:
            return None
        async with self.sessions() as session:
            return await session.get(SubscriptionRunRow, run.id)

    async def _store(
        self,
        session: AsyncSession,
        row: SubscriptionRow,
        *,
        start: datetime,
        end: datetime,
        trigger: str,
        force: bool = False,
    ) -> SubscriptionRunRow | None:
        doc = await self.digest(session, row, start, end)
        status = SKIPPED if doc["empty"] and not row.send_empty and not force else PENDING
        return await add_run(
            session,
            row,
            key=f"{row.id}:{trigger}:{iso(end)}",
            trigger=trigger,
            start=start,
            end=end,
            counts=doc["counts"],
            digest=doc,
            status=status,
            now=self.clock(),
        )

    async def deliver_pending(self, *, limit: int = 20) -> dict[str, int]:
        """Send the due pending runs; returns how many were delivered, retrying, failed."""
        async with self.sessions.begin() as session:
            claimed = await claim_pending(
                session, now=self.clock(), lease_s=CLAIM_LEASE_S, limit=limit
            )
            work = [
                (run.id, run.delivery_key, run.attempts, run.digest, sub) for run, sub in claimed
            ]
        tally = {"delivered": 0, "retrying": 0, "failed": 0}
        for run_id, key, attempts, doc, sub in work:
            error, permanent = await self._send(sub, doc, key)
            status = await self._settle(run_id, attempts + 1, error, permanent=permanent)
            tally[{DELIVERED: "delivered", FAILED: "failed"}.get(status, "retrying")] += 1
        return tally

    async def _send(
        self, sub: SubscriptionRow, doc: dict[str, Any], key: str
    ) -> tuple[str | None, bool]:
        """Render and send one digest; (error or None, whether retrying is pointless)."""
        if sub.format == "email":
            message = digest_email(
                doc, sender=self.settings.smtp.sender, recipients=sub.email_to, delivery_key=key
            )
            # One Message-ID per run, so a retried send is recognisably the same message.
            del message["Message-ID"]
            stable = hashlib.sha256(key.encode()).hexdigest()[:32]
            message["Message-ID"] = email.utils.make_msgid(stable, domain="trustsvc.invalid")
            mailed = await send_mail(message, self.settings.smtp, ca_file=self.ca_file)
            return mailed.error, mailed.permanent
        payload = slack_message(doc) if sub.format == "slack" else doc
        if sub.webhook_url is None:
            return "the subscription has no webhook URL", True
        posted = await self.deliverer.post_once(
            sub.webhook_url, secret=sub.secret, payload=payload, delivery=key, event=DIGEST_EVENT
        )
        return (None, False) if posted.ok else (posted.error or "unknown error", posted.permanent)

    async def _settle(
        self, run_id: int, attempts: int, error: str | None, *, permanent: bool
    ) -> str:
        now = self.clock()
        async with self.sessions.begin() as session:
            run = await session.get(SubscriptionRunRow, run_id)
            if run is None:
                return FAILED
            run.attempts = attempts
            run.last_error = error
            if error is None:
                run.status, run.delivered_at = DELIVERED, now
            elif permanent or attempts >= self.settings.max_attempts:
                run.status = FAILED
                if not permanent:
                    run.last_error = f"{error} (gave up after {attempts} attempts)"
                log.warning("digest run %s failed: %s", run_id, run.last_error)
            else:
                run.next_attempt_at = now + timedelta(seconds=self.backoff_s(attempts))
                log.info("digest run %s: %s; retrying", run_id, error)
            return run.status

    def backoff_s(self, attempts: int) -> float:
        """Seconds before the next try after `attempts` failed ones: doubling, capped, jittered."""
        delay = min(BACKOFF_CAP_S, self.settings.backoff_base_s * 2.0 ** min(attempts - 1, 30))
        return delay / 2 + self.jitter() * delay / 2


def latest_fire(row: SubscriptionRow, now: datetime) -> datetime:
    """The last scheduled fire time at or before now: missed periods collapse into one."""
    end = row.next_run_at
    for _ in range(MAX_CATCH_UP):
        following = next_fire(row.schedule, row.timezone, end)
        if following > now:
            return end
        end = following
    return end
