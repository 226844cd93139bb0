"""Wire structs of the digest subscriptions API: subscriptions and their runs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec

from trustsvc.api.params import NO_NUL

SeverityName = Literal["critical", "high", "medium", "low", "info"]
Text = Annotated[str, msgspec.Meta(max_length=2048, pattern=NO_NUL)]


class SubscriptionRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A digest subscription.

    `schedule` is `daily` (08:00), `weekly` (Mondays 08:00) or five cron fields (minute hour
    day month weekday) read in `timezone` (an IANA name) as APScheduler's CronTrigger reads
    them. `scope` `namespace` needs `namespace`, `endpoints` needs `endpoints`. Formats
    `json` and `slack` are posted to `webhook_url` (signed like webhooks); `email` goes to
    `email_to`. With `send_empty` false, a period with nothing to report sends nothing.
    """

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=128, pattern=NO_NUL)]
    schedule: Annotated[str, msgspec.Meta(min_length=1, max_length=128, pattern=NO_NUL)]
    timezone: Annotated[str, msgspec.Meta(max_length=64, pattern=NO_NUL)] = "UTC"
    scope: Literal["all", "namespace", "endpoints"] = "all"
    namespace: Annotated[str, msgspec.Meta(max_length=200, pattern=NO_NUL)] | None = None
    endpoints: Annotated[list[Text], msgspec.Meta(max_length=500)] = msgspec.field(
        default_factory=list
    )
    min_severity: SeverityName = "info"
    format: Literal["json", "slack", "email"] = "json"
    webhook_url: Text | None = None
    email_to: Annotated[
        list[Annotated[str, msgspec.Meta(max_length=254, pattern=NO_NUL)]],
        msgspec.Meta(max_length=20),
    ] = msgspec.field(default_factory=list)
    send_empty: bool = True


class SubscriptionDoc(msgspec.Struct, kw_only=True):
    """A stored subscription (its signing secret is shown only when it is created)."""

    id: str
    name: str
    schedule: str
    timezone: str
    scope: str
    namespace: str | None
    endpoints: list[str]
    min_severity: str
    format: str
    webhook_url: str | None
    email_to: list[str]
    send_empty: bool
    created_at: datetime
    next_run_at: datetime
    last_period_end: datetime | None


class SubscriptionCreated(SubscriptionDoc, kw_only=True):
    """A new subscription with the secret its webhook posts are signed with.

    Posts carry `X-Trustsvc-Signature` exactly like per-event webhooks, `X-Trustsvc-Event:
    drift.digest` and `X-Trustsvc-Delivery` (the run's key: the same on every retry).
    """

    secret: str


class SubscriptionList(msgspec.Struct, kw_only=True):
    """Every subscription, by name."""

    items: list[SubscriptionDoc]


class RunDoc(msgspec.Struct, kw_only=True):
    """One digest built for one period, and how its delivery went.

    `status`: `pending` (queued or retrying), `delivered`, `failed` (see `last_error`) or
    `skipped` (nothing to report and the subscription does not send empty digests).
    """

    id: int
    subscription_id: str
    delivery_key: str
    trigger: str
    period_start: datetime
    period_end: datetime
    created_at: datetime
    status: str
    attempts: int
    delivered_at: datetime | None
    last_error: str | None
    counts: dict[str, Any]


class RunDetail(RunDoc, kw_only=True):
    """A run with the digest document it built (the same JSON a `json` subscription posts)."""

    digest: dict[str, Any]


class RunPage(msgspec.Struct, kw_only=True):
    """Runs newest first; pass `next_cursor` as `cursor` for the next page."""

    items: list[RunDoc]
    next_cursor: str | None
