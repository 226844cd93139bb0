"""Webhooks: subscribe to drift events, unsubscribe, and read the delivery log."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, delete, get, post
from litestar.datastructures import State
from litestar.openapi.spec import Example
from litestar.params import Body, QueryParameter
from litestar.status_codes import HTTP_422_UNPROCESSABLE_ENTITY

from probes.netpolicy import NetworkPolicy
from probes.target import parse_endpoint_url
from trustsvc.api.controllers.endpoints import Cursor, Limit, decode_cursor, encode_cursor
from trustsvc.api.errors import PROBLEM_RESPONSE, ProblemError, not_found
from trustsvc.api.params import MAX_ROW_ID, PathKey
from trustsvc.api.state import services
from trustsvc.api.webhook_schemas import (
    DeliveryDoc,
    DeliveryPage,
    WebhookCreated,
    WebhookDoc,
    WebhookList,
    WebhookRequest,
)
from trustsvc.auth.principal import Scope
from trustsvc.webhooks.models import DeliveryRow, WebhookRow
from trustsvc.webhooks.repository import (
    create_webhook,
    deactivate_webhook,
    deliveries_page,
    get_webhook,
    list_webhooks,
)

DeliveryStatusFilter = Annotated[
    str | None,
    QueryParameter(
        pattern="^(pending|delivered|failed|cancelled)$", description="Only deliveries in it."
    ),
]


# The request body's documented example (given to Body: a `request_body_examples` keyword
# was dropped silently, since Litestar has none).
SLACK_EXAMPLE = Example(
    value={
        "url": "https://hooks.slack.com/services/T000/B000/XXXX",
        "min_severity": "high",
        "format": "slack",
    }
)


class WebhooksController(Controller):
    """Drift notifications to receivers the operator names."""

    path = "/v1/webhooks"
    tags = ["webhooks"]  # noqa: RUF012 - Litestar reads a plain class attribute
    opt = {"scope": Scope.ADMIN}  # noqa: RUF012 - Litestar reads a plain class attribute

    @post(
        "/",
        operation_id="CreateWebhook",
        summary="Subscribe a URL to drift events at or above a severity",
        description=(
            "Answers 201 with the signing secret, shown only here. The URL must be https "
            "(http only where the network policy permits private targets); a URL that is "
            "malformed or whose address the policy refuses gets 422."
        ),
        responses={400: PROBLEM_RESPONSE, 422: PROBLEM_RESPONSE},
    )
    async def create(
        self, state: State, data: Annotated[WebhookRequest, Body(examples=[SLACK_EXAMPLE])]
    ) -> WebhookCreated:
        """Validate the URL under the network policy, then store it with a fresh secret."""
        app = services(state)
        url = _webhook_url(data.url, app.scans.ctx.policy)
        async with app.sessions.begin() as session:
            row = await create_webhook(
                session,
                url=url,
                min_severity=data.min_severity,
                payload_format=data.format,
                description=data.description,
                now=app.scans.clock(),
            )
        return WebhookCreated(**msgspec.structs.asdict(_doc(row)), secret=row.secret)

    @get("/", operation_id="ListWebhooks", summary="Active webhooks (without their secrets)")
    async def list_all(self, state: State) -> WebhookList:
        """Oldest first; deleted webhooks are not listed."""
        async with services(state).sessions() as session:
            rows = await list_webhooks(session)
        return WebhookList(items=[_doc(row) for row in rows])

    @delete(
        "/{webhook_id:str}",
        operation_id="DeleteWebhook",
        summary="Stop a webhook and cancel its pending deliveries",
        responses={400: PROBLEM_RESPONSE, 404: PROBLEM_RESPONSE},
    )
    async def remove(self, state: State, webhook_id: PathKey) -> None:
        """Nothing more is queued for or sent to it; its delivery rows are kept as history."""
        async with services(state).sessions.begin() as session:
            found = await deactivate_webhook(session, webhook_id)
        if not found:
            raise not_found(f"webhook {webhook_id}")

    @get(
        "/{webhook_id:str}/deliveries",
        operation_id="ListWebhookDeliveries",
        summary="A webhook's delivery log, newest first",
        responses={400: PROBLEM_RESPONSE, 404: PROBLEM_RESPONSE},
    )
    async def deliveries(
        self,
        state: State,
        webhook_id: PathKey,
        status: DeliveryStatusFilter = None,
        limit: Limit = 50,
        cursor: Cursor = None,
    ) -> DeliveryPage:
        """Keyset-paginated on the delivery id; filter by status to find the failures."""
        before = _before_id(cursor)
        async with services(state).sessions() as session:
            if await get_webhook(session, webhook_id) is None:
                raise not_found(f"webhook {webhook_id}")
            rows = await deliveries_page(
                session, webhook_id, status=status, before_id=before, limit=limit + 1
            )
        more = len(rows) > limit
        return DeliveryPage(
            items=[_delivery_doc(row) for row in rows[:limit]],
            next_cursor=encode_cursor(str(rows[limit - 1].id)) if more else None,
        )


def _webhook_url(raw: str, policy: NetworkPolicy) -> str:
    """The canonical URL, or a 422: malformed, plain http on the Internet, or a refused IP.

    A host name is resolved and judged at every delivery instead (its addresses may change);
    an IP literal can be judged now.
    """
    endpoint = parse_endpoint_url(raw)  # TargetRejected answers 422 target-rejected
    if endpoint.scheme != "https" and not (policy.allow_private or policy.allowed_networks):
        raise ProblemError(
            HTTP_422_UNPROCESSABLE_ENTITY,
            "invalid-webhook",
            "Invalid webhook",
            "webhook URLs must use https: events and signatures must not cross the Internet "
            "in clear text",
        )
    if endpoint.host_is_ip:
        policy.check([endpoint.host])
    return endpoint.url


def _before_id(cursor: str | None) -> int | None:
    value = decode_cursor(cursor)
    if value is None:
        return None
    # isdigit() also accepts "²", which int() refuses; an id must also fit the column.
    if not (value.isascii() and value.isdecimal()) or int(value) > MAX_ROW_ID:
        raise ProblemError(
            400, "invalid-cursor", "Invalid cursor", "the cursor is not one we issued"
        )
    return int(value)


def _doc(row: WebhookRow) -> WebhookDoc:
    return WebhookDoc(
        id=row.id,
        url=row.url,
        min_severity=row.min_severity,
        format=row.payload_format,
        description=row.description,
        created_at=row.created_at,
    )


def _delivery_doc(row: DeliveryRow) -> DeliveryDoc:
    return DeliveryDoc(
        id=row.id,
        event_id=row.event_id,
        status=row.status,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        delivered_at=row.delivered_at,
        last_status_code=row.last_status_code,
        last_error=row.last_error,
        created_at=row.created_at,
    )
