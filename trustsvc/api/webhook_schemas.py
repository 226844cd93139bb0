"""Wire structs of the webhooks API: subscriptions and their delivery log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

from trustsvc.api.params import NO_NUL

SeverityName = Literal["critical", "high", "medium", "low", "info"]
FormatName = Literal["json", "slack"]


class WebhookRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Subscribe a URL to drift events at or above `min_severity`.

    `format` `slack` posts a Slack-compatible incoming-webhook body (`text` and `blocks`);
    `json` posts `{"type": "drift.event", "event": {...}}`.
    """

    url: Annotated[str, msgspec.Meta(max_length=2048)]
    min_severity: SeverityName = "high"
    format: FormatName = "json"
    description: Annotated[str, msgspec.Meta(max_length=1000, pattern=NO_NUL)] | None = None


class WebhookDoc(msgspec.Struct, kw_only=True):
    """A webhook subscription (its secret is shown only once, when it is created)."""

    id: str
    url: str
    min_severity: str
    format: str
    description: str | None
    created_at: datetime


class WebhookCreated(WebhookDoc, kw_only=True):
    """A new webhook with its signing secret.

    Every post carries `X-Trustsvc-Signature: t=<unix seconds>,v1=<hex>`, the HMAC-SHA256
    with this secret (as UTF-8, prefix included) of `<t>.` followed by the raw body.
    Receivers recompute it over the bytes received, compare in constant time and reject
    timestamps more than five minutes away. The secret cannot be read again.
    """

    secret: str


class WebhookList(msgspec.Struct, kw_only=True):
    """Every active webhook, oldest first."""

    items: list[WebhookDoc]


class DeliveryDoc(msgspec.Struct, kw_only=True):
    """One drift event's delivery to one webhook.

    `status`: `pending` (queued or waiting to retry at `next_attempt_at`), `delivered`,
    `failed` (refused by the network policy, or out of attempts) or `cancelled` (the
    webhook was deleted first). `last_status_code` is the receiver's last HTTP status, if it
    answered; `last_error` says what went wrong last.
    """

    id: int
    event_id: int
    status: str
    attempts: int
    next_attempt_at: datetime
    delivered_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    created_at: datetime


class DeliveryPage(msgspec.Struct, kw_only=True):
    """A page of deliveries, newest first; pass `next_cursor` back for older ones."""

    items: list[DeliveryDoc]
    next_cursor: str | None
