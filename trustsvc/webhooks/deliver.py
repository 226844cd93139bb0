"""WebhookDeliverer: post due deliveries, signed, through the project's SSRF-guarded client.

A webhook URL is a stranger's URL as far as the network is concerned (anyone with API access
can point one at the metadata service), so deliveries go through `SafeHttp` under the same
`NetworkPolicy` as probes: the host is resolved once, every address judged, the approved ones
pinned, redirects not followed, operator probe credentials never sent. A refused host fails
at once; anything else a receiver does wrong (an error status, a timeout, a reset) is retried
with exponential backoff and jitter until `max_attempts`. Nothing a receiver does makes
`deliver_due` raise.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import json
import logging
import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from probes.context import ProbeContext, ProbeLimits
from probes.errors import ProbeError, ProtocolViolation, TargetRejected
from probes.http import SafeHttp
from probes.netpolicy import NetworkPolicy, Resolver, resolve_target, system_resolver
from probes.target import Target, parse_endpoint_url
from trustsvc.clock import utc_now
from trustsvc.webhooks.outbox import Claimed, Settled, claim_due, record
from trustsvc.webhooks.payload import EVENT_TYPE
from trustsvc.webhooks.repository import DeliveryStatus
from trustsvc.webhooks.signing import SIGNATURE_HEADER, sign

log = logging.getLogger(__name__)

USER_AGENT = "trustsvc-webhooks/0.1"
MAX_RESPONSE_BYTES = 64 * 1024
_RETRY_AFTER_STATUSES = frozenset({429, 503})
_SUCCESS = range(200, 300)


@dataclass(frozen=True, slots=True, kw_only=True)
class DeliveryTally:
    """What one `deliver_due` round did.

    `deferred` counts deliveries not tried because an earlier one to the same webhook failed.
    """

    claimed: int = 0
    delivered: int = 0
    retrying: int = 0
    deferred: int = 0
    failed: int = 0

    def outcomes(self) -> dict[str, int]:
        """Deliveries by how the round settled them (`claimed` is their sum, left out)."""
        return {
            "delivered": self.delivered,
            "retrying": self.retrying,
            "deferred": self.deferred,
            "failed": self.failed,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class PostOutcome:
    """How one post went: a 2xx, or an error (retry after a while, or never if permanent)."""

    status_code: int | None = None
    error: str | None = None
    retry_after_s: float | None = None
    permanent: bool = False

    @property
    def ok(self) -> bool:
        """A 2xx answer and no error."""
        return self.error is None and self.status_code in _SUCCESS


class WebhookDeliverer:
    """Claims due deliveries and posts them; run `deliver_due` periodically (idempotent).

    Args:
        sessions: the database.
        policy: which addresses deliveries may go to (the probes' policy).
        resolver: host name resolution (tests pass a fake).
        clock: the current time, aware UTC (tests drive retries with it instead of sleeping).
        timeout_s: connect, idle and total time for one post.
        max_attempts: posts before a delivery is `failed`.
        backoff_base_s / backoff_cap_s: retry n waits base * 2^(n-1), capped, with jitter
            (half fixed, half random); a `Retry-After` on 429/503 replaces it, capped too.
        lease_s: how long a claim is held; must exceed one round's time, or a slow round's
            rows are claimed again by another deliverer and posted twice.
        concurrency: webhooks posted to at once (each webhook's deliveries go in order).
        ca_file: extra trust anchors for receivers with a private CA.
        jitter: a number in [0, 1), random by default.
        observe: told each round's outcomes (metrics); must not raise.
    """

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        policy: NetworkPolicy,
        resolver: Resolver = system_resolver,
        clock: Callable[[], datetime] = utc_now,
        timeout_s: float = 10.0,
        max_attempts: int = 8,
        backoff_base_s: float = 30.0,
        backoff_cap_s: float = 3600.0,
        lease_s: float = 300.0,
        concurrency: int = 8,
        ca_file: Path | None = None,
        jitter: Callable[[], float] = random.random,
        observe: Callable[[Mapping[str, int]], None] | None = None,
    ) -> None:
        self.sessions = sessions
        self.resolver = resolver
        self.clock = clock
        self.max_attempts = max_attempts
        self.backoff_base_s = backoff_base_s
        self.backoff_cap_s = backoff_cap_s
        self.lease_s = lease_s
        self.timeout_s = timeout_s
        self.jitter = jitter
        self.observe = observe
        self._semaphore = asyncio.Semaphore(concurrency)
        limits = ProbeLimits(
            network_timeout_s=timeout_s,
            request_timeout_s=timeout_s,
            max_body_bytes=MAX_RESPONSE_BYTES,
            max_redirects=0,
        )
        self.ctx = ProbeContext(policy=policy, limits=limits, ca_file=ca_file)

    async def deliver_due(self, *, limit: int = 100) -> DeliveryTally:
        """Claim up to `limit` due deliveries and post them; returns what happened."""
        claimed = await claim_due(
            self.sessions, now=self.clock(), lease_s=self.lease_s, limit=limit
        )
        by_hook: dict[str, list[Claimed]] = {}
        for delivery in claimed:
            by_hook.setdefault(delivery.webhook_id, []).append(delivery)
        settled = await asyncio.gather(*(self._deliver_hook(rows) for rows in by_hook.values()))
        statuses = [status for group in settled for status in group]
        tally = DeliveryTally(
            claimed=len(claimed),
            delivered=statuses.count("delivered"),
            retrying=statuses.count("retrying"),
            deferred=statuses.count("deferred"),
            failed=statuses.count("failed"),
        )
        if self.observe is not None:
            self.observe(tally.outcomes())
        return tally

    def backoff_s(self, attempts: int, retry_after_s: float | None = None) -> float:
        """Seconds before the next try, after `attempts` failed ones."""
        if retry_after_s is not None:
            return min(max(retry_after_s, 0.0), self.backoff_cap_s)
        delay = min(self.backoff_cap_s, self.backoff_base_s * 2.0 ** min(attempts - 1, 30))
        return delay / 2 + self.jitter() * delay / 2

    async def _deliver_hook(self, rows: list[Claimed]) -> list[str]:
        """Post one webhook's deliveries in order; after a failure, leave the rest for later."""
        async with self._semaphore:
            try:
                target = await self._target(rows[0].url)
            except ProbeError as exc:
                failure = _failure(exc)
                return await self._run(rows, lambda _row: _done(failure))
            async with SafeHttp(self.ctx, target, resolver=self.resolver) as http:
                return await self._run(rows, lambda row: self._post(http, target, row))

    async def _run(
        self, rows: list[Claimed], attempt: Callable[[Claimed], Awaitable[PostOutcome]]
    ) -> list[str]:
        results: list[str] = []
        for index, row in enumerate(rows):
            outcome = await attempt(row)
            settled = await self._settle(row, outcome)
            results.append(_KINDS.get(settled.status, "retrying"))
            if not outcome.ok and not outcome.permanent:
                for later in rows[index + 1 :]:
                    await self._defer(later, row.id, settled.next_attempt_at)
                    results.append("deferred")
                break
        return results

    async def _target(self, url: str) -> Target:
        return await resolve_target(parse_endpoint_url(url), self.ctx.policy, self.resolver)

    async def post_once(
        self, url: str, *, secret: str, payload: object, delivery: str, event: str
    ) -> PostOutcome:
        """Post one signed JSON body to a URL under the policy (digests use this); never raises."""
        try:
            target = await self._target(url)
        except ProbeError as exc:
            return _failure(exc)
        async with SafeHttp(self.ctx, target, resolver=self.resolver) as http:
            return await self._post_body(
                http, target, payload, secret=secret, delivery=delivery, event=event
            )

    async def _post(self, http: SafeHttp, target: Target, row: Claimed) -> PostOutcome:
        return await self._post_body(
            http, target, row.payload, secret=row.secret, delivery=str(row.id), event=EVENT_TYPE
        )

    async def _post_body(
        self,
        http: SafeHttp,
        target: Target,
        payload: object,
        *,
        secret: str,
        delivery: str,
        event: str,
    ) -> PostOutcome:
        body = json.dumps(payload, separators=(",", ":")).encode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-Trustsvc-Delivery": delivery,
            "X-Trustsvc-Event": event,
            SIGNATURE_HEADER: sign(secret, body, int(self.clock().timestamp())),
        }
        status: int | None = None
        retry_after: str | None = None
        try:
            async with http.stream(
                "POST",
                target.url,
                data=body,
                headers=headers,
                max_duration_s=self.timeout_s,
                send_credentials=False,
            ) as response:
                status, retry_after = response.status, response.headers.get("retry-after")
                with contextlib.suppress(ProbeError):  # the body is read to free the connection
                    await response.read()
        except ProbeError as exc:
            if status is None:
                return _failure(exc)
        except Exception as exc:  # a bug or an unclassified failure: retried, never raised
            if status is None:
                log.exception("delivery %s: unexpected error", delivery)
                return PostOutcome(error=f"unexpected error: {type(exc).__name__}")
        if status not in _SUCCESS:
            wait = None
            if status in _RETRY_AFTER_STATUSES:
                wait = _retry_after(retry_after, self.clock())
            return PostOutcome(status_code=status, error=f"HTTP {status}", retry_after_s=wait)
        return PostOutcome(status_code=status)

    async def _settle(self, row: Claimed, outcome: PostOutcome) -> Settled:
        """Record an attempt: delivered, retried later, or failed for good."""
        now = self.clock()
        attempts = row.attempts + 1
        if outcome.ok:
            settled = Settled(
                status=DeliveryStatus.DELIVERED,
                attempts=attempts,
                next_attempt_at=now,
                delivered_at=now,
                last_status_code=outcome.status_code,
            )
        elif outcome.permanent or attempts >= self.max_attempts:
            error = outcome.error or "unknown error"
            if not outcome.permanent:
                error = f"{error} (gave up after {attempts} attempts)"
            log.warning("delivery %s to webhook %s failed: %s", row.id, row.webhook_id, error)
            settled = Settled(
                status=DeliveryStatus.FAILED,
                attempts=attempts,
                next_attempt_at=now,
                last_status_code=outcome.status_code,
                last_error=error,
            )
        else:
            delay = self.backoff_s(attempts, outcome.retry_after_s)
            log.info("webhook delivery %s: %s; retry in %.0f s", row.id, outcome.error, delay)
            settled = Settled(
                status=DeliveryStatus.PENDING,
                attempts=attempts,
                next_attempt_at=now + timedelta(seconds=delay),
                last_status_code=outcome.status_code,
                last_error=outcome.error,
            )
        await record(self.sessions, row.id, settled)
        return settled

    async def _defer(self, row: Claimed, failed_id: int, due: datetime) -> None:
        """Give back a delivery not tried this round, due when its receiver is next tried."""
        settled = Settled(
            status=DeliveryStatus.PENDING,
            attempts=row.attempts,
            next_attempt_at=due,
            last_error=f"not tried: delivery {failed_id} to this webhook failed first",
        )
        await record(self.sessions, row.id, settled)


_KINDS = {DeliveryStatus.DELIVERED: "delivered", DeliveryStatus.FAILED: "failed"}


async def _done(outcome: PostOutcome) -> PostOutcome:
    return outcome


def _failure(exc: ProbeError) -> PostOutcome:
    """A post that got no status: refused by policy (final) or a transport failure (retried)."""
    if isinstance(exc, TargetRejected):
        return PostOutcome(error=f"refused: {exc.detail}", permanent=True)
    if isinstance(exc, ProtocolViolation) and "redirect" in exc.detail:
        return PostOutcome(
            error="the receiver answered with a redirect; redirects are not followed"
        )
    return PostOutcome(error=f"{type(exc).__name__}: {exc.detail}")


def _retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds a `Retry-After` asks for: delta-seconds or an HTTP date."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    when = when.replace(tzinfo=UTC) if when.tzinfo is None else when
    return max(0.0, (when - now).total_seconds())
