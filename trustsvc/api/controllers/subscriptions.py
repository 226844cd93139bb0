"""Digest subscriptions: create, list, read, delete, send now, and the runs they made."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import msgspec
from litestar import Controller, delete, get, post
from litestar.datastructures import State
from litestar.openapi.spec import Example
from litestar.params import Body, PathParameter, QueryParameter
from litestar.status_codes import HTTP_400_BAD_REQUEST, HTTP_409_CONFLICT

from trustsvc.api.controllers.endpoints import Cursor, Limit, decode_cursor, encode_cursor
from trustsvc.api.errors import PROBLEM_RESPONSE, ProblemError, not_found
from trustsvc.api.params import MAX_ROW_ID, NO_NUL, PathKey
from trustsvc.api.state import services
from trustsvc.api.subscription_schemas import (
    RunDetail,
    RunDoc,
    RunPage,
    SubscriptionCreated,
    SubscriptionDoc,
    SubscriptionList,
    SubscriptionRequest,
)
from trustsvc.auth.principal import Scope
from trustsvc.digests.models import SubscriptionRow, SubscriptionRunRow
from trustsvc.digests.repository import (
    create_subscription,
    find_subscription,
    last_manual_run,
    list_subscriptions,
    remove_subscription,
    runs_page,
)
from trustsvc.digests.spec import SubscriptionError, check_subscription

HTTP_429 = 429
SLACK_EXAMPLE = Example(
    value={
        "name": "security-weekly",
        "schedule": "0 8 * * mon",
        "timezone": "Europe/Berlin",
        "min_severity": "medium",
        "format": "slack",
        "webhook_url": "https://hooks.slack.com/services/T000/B000/XXXX",
    }
)


class SubscriptionsController(Controller):
    """Scheduled drift digests to webhooks, Slack and e-mail (admin scope)."""

    path = "/v1/reports"
    tags = ["reports"]  # noqa: RUF012 - Litestar reads a plain class attribute
    opt = {"scope": Scope.ADMIN}  # noqa: RUF012 - Litestar reads a plain class attribute

    @post(
        "/subscriptions",
        operation_id="CreateSubscription",
        summary="Subscribe to scheduled drift digests",
        description=(
            "Answers 201 with the webhook signing secret, shown only here. An invalid cron "
            "expression, time zone, scope, address or webhook URL gets 400 with one line "
            "saying why; a name in use gets 409."
        ),
        responses={400: PROBLEM_RESPONSE, 409: PROBLEM_RESPONSE},
    )
    async def create(
        self, state: State, data: Annotated[SubscriptionRequest, Body(examples=[SLACK_EXAMPLE])]
    ) -> SubscriptionCreated:
        """Check everything, then store it; its first period starts now."""
        app = services(state)
        try:
            spec = check_subscription(
                name=data.name,
                schedule=data.schedule,
                timezone=data.timezone,
                scope=data.scope,
                namespace=data.namespace,
                endpoints=data.endpoints,
                min_severity=data.min_severity,
                digest_format=data.format,
                webhook_url=data.webhook_url,
                email_to=data.email_to,
                send_empty=data.send_empty,
                policy=app.scans.ctx.policy,
            )
        except SubscriptionError as exc:
            raise ProblemError(
                HTTP_400_BAD_REQUEST, "invalid-subscription", "Invalid subscription", str(exc)
            ) from exc
        async with app.sessions.begin() as session:
            row = await create_subscription(session, spec, now=app.clock())
        if row is None:
            raise ProblemError(
                HTTP_409_CONFLICT,
                "subscription-exists",
                "Name in use",
                f"a subscription named {data.name!r} exists; remove it or pick another name",
            )
        return SubscriptionCreated(
            **msgspec.structs.asdict(subscription_doc(row)), secret=row.secret
        )

    @get("/subscriptions", operation_id="ListSubscriptions", summary="Digest subscriptions")
    async def list_all(self, state: State) -> SubscriptionList:
        """By name, without their secrets."""
        async with services(state).sessions() as session:
            rows = await list_subscriptions(session)
        return SubscriptionList(items=[subscription_doc(row) for row in rows])

    @get(
        "/subscriptions/{subscription_id:str}",
        operation_id="GetSubscription",
        summary="One digest subscription (by id or name)",
        responses={400: PROBLEM_RESPONSE, 404: PROBLEM_RESPONSE},
    )
    async def get_one(self, state: State, subscription_id: PathKey) -> SubscriptionDoc:
        """Its schedule, scope, destination and next run."""
        async with services(state).sessions() as session:
            row = await find_subscription(session, subscription_id)
        if row is None:
            raise not_found(f"subscription {subscription_id}")
        return subscription_doc(row)

    @delete(
        "/subscriptions/{subscription_id:str}",
        operation_id="DeleteSubscription",
        summary="Remove a digest subscription and its runs",
        responses={400: PROBLEM_RESPONSE, 404: PROBLEM_RESPONSE},
    )
    async def remove(self, state: State, subscription_id: PathKey) -> None:
        """Nothing more is built or sent for it."""
        async with services(state).sessions.begin() as session:
            found = await remove_subscription(session, subscription_id)
        if not found:
            raise not_found(f"subscription {subscription_id}")

    @post(
        "/subscriptions/{subscription_id:str}/run",
        operation_id="RunSubscription",
        summary="Build and send a subscription's digest now",
        description=(
            "Covers the time since the last scheduled digest and sends it whatever its size; "
            "the schedule does not move. Asking again within the cooldown gets 429 with "
            "Retry-After."
        ),
        status_code=201,
        responses={400: PROBLEM_RESPONSE, 404: PROBLEM_RESPONSE, 429: PROBLEM_RESPONSE},
    )
    async def run_now(self, state: State, subscription_id: PathKey) -> RunDetail:
        """The run, after one delivery attempt (see its status)."""
        app = services(state)
        now = app.clock()
        async with app.sessions() as session:
            row = await find_subscription(session, subscription_id)
            last = None if row is None else await last_manual_run(session, row.id)
        if row is None:
            raise not_found(f"subscription {subscription_id}")
        cooldown = timedelta(seconds=app.digests.settings.send_now_cooldown_s)
        if last is not None and now - last < cooldown:
            wait_s = max(1, int((last + cooldown - now).total_seconds() + 0.999))
            raise ProblemError(
                HTTP_429,
                "run-cooldown",
                "Too soon",
                f"subscription {row.name!r} was sent moments ago; retry in {wait_s} s",
                headers={"Retry-After": str(wait_s)},
            )
        run = await app.digests.run_now(row.id)
        if run is None:
            raise not_found(f"subscription {subscription_id}")
        return run_detail(run)

    @get(
        "/runs",
        operation_id="ListReportRuns",
        summary="Digest runs, newest first",
        responses={400: PROBLEM_RESPONSE, 404: PROBLEM_RESPONSE},
    )
    async def runs(
        self,
        state: State,
        subscription: Annotated[
            str | None,
            QueryParameter(max_length=128, pattern=NO_NUL, description="Id or name."),
        ] = None,
        limit: Limit = 50,
        cursor: Cursor = None,
    ) -> RunPage:
        """Every subscription's runs, or one subscription's (`subscription`: id or name)."""
        before = _before_id(cursor)
        async with services(state).sessions() as session:
            subscription_id = None
            if subscription is not None:
                row = await find_subscription(session, subscription)
                if row is None:
                    raise not_found(f"subscription {subscription}")
                subscription_id = row.id
            rows = await runs_page(
                session, subscription_id=subscription_id, before_id=before, limit=limit + 1
            )
        more = len(rows) > limit
        return RunPage(
            items=[run_doc(row) for row in rows[:limit]],
            next_cursor=encode_cursor(str(rows[limit - 1].id)) if more else None,
        )

    @get(
        "/runs/{run_id:int}",
        operation_id="GetReportRun",
        summary="One digest run with the digest it built",
        responses={400: PROBLEM_RESPONSE, 404: PROBLEM_RESPONSE},
    )
    async def run(
        self, state: State, run_id: Annotated[int, PathParameter(ge=1, le=MAX_ROW_ID)]
    ) -> RunDetail:
        """The counts, the delivery status and the digest document."""
        async with services(state).sessions() as session:
            row = await session.get(SubscriptionRunRow, run_id)
        if row is None:
            raise not_found(f"run {run_id}")
        return run_detail(row)


def _before_id(cursor: str | None) -> int | None:
    value = decode_cursor(cursor)
    if value is None:
        return None
    if not (value.isascii() and value.isdecimal()) or int(value) > MAX_ROW_ID:
        raise ProblemError(
            HTTP_400_BAD_REQUEST,
            "invalid-cursor",
            "Invalid cursor",
            "the cursor is not one we issued",
        )
    return int(value)


def subscription_doc(row: SubscriptionRow) -> SubscriptionDoc:
    """The wire form of a subscription (no secret)."""
    value = row.scope_value
    return SubscriptionDoc(
        id=row.id,
        name=row.name,
        schedule=row.schedule,
        timezone=row.timezone,
        scope=row.scope,
        namespace=value if isinstance(value, str) else None,
        endpoints=[v for v in value if isinstance(v, str)] if isinstance(value, list) else [],
        min_severity=row.min_severity,
        format=row.format,
        webhook_url=row.webhook_url,
        email_to=list(row.email_to),
        send_empty=row.send_empty,
        created_at=row.created_at,
        next_run_at=row.next_run_at,
        last_period_end=row.last_period_end,
    )


def run_doc(row: SubscriptionRunRow) -> RunDoc:
    """The wire form of a run, without its digest."""
    return RunDoc(
        id=row.id,
        subscription_id=row.subscription_id,
        delivery_key=row.delivery_key,
        trigger=row.trigger,
        period_start=row.period_start,
        period_end=row.period_end,
        created_at=row.created_at,
        status=row.status,
        attempts=row.attempts,
        delivered_at=row.delivered_at,
        last_error=row.last_error,
        counts=row.counts,
    )


def run_detail(row: SubscriptionRunRow) -> RunDetail:
    """A run with its digest document."""
    return RunDetail(**msgspec.structs.asdict(run_doc(row)), digest=row.digest)
