"""What a subscription may say, checked once when it is made (API and CLI share this).

Every refusal is a `SubscriptionError` with one line that names the field and the fix: the
API answers it as a 400, the CLI prints it and exits 2. The webhook URL obeys the rule the
per-event webhooks follow: https (plain http only where the network policy lets private
targets in), and an IP literal is judged by the policy now; a host name is resolved and
judged at every delivery, since its addresses may change.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from probes.errors import ProbeError
from probes.model import Severity
from probes.netpolicy import NetworkPolicy
from probes.target import parse_endpoint_url
from trustsvc.digests.schedule import ScheduleError, trigger

MAX_NAME = 128
MAX_NAMESPACE = 200
MAX_RECIPIENTS = 20
MAX_ENDPOINTS = 500
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._:/@+\-]*$")
# A deliberately plain address: no display names, quotes, comments, CR or LF, so nothing a
# caller sends can add a header or a recipient to the message.
_ADDRESS = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~\-]+@[A-Za-z0-9](?:[A-Za-z0-9.\-]*[A-Za-z0-9])?$"
)
_NAMESPACE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-_]*$")


E = TypeVar("E", bound=StrEnum)


class SubscriptionError(ValueError):
    """A subscription we cannot accept; the message is one line."""


class Scope(StrEnum):
    """Which endpoints a digest covers."""

    ALL = "all"
    NAMESPACE = "namespace"
    ENDPOINTS = "endpoints"


class DigestFormat(StrEnum):
    """How the digest is rendered; `email` goes to addresses, the others to a webhook."""

    JSON = "json"
    SLACK = "slack"
    EMAIL = "email"


@dataclass(frozen=True, slots=True, kw_only=True)
class SubscriptionSpec:
    """A checked subscription, ready to store."""

    name: str
    schedule: str
    timezone: str
    scope: Scope
    namespace: str | None
    endpoints: tuple[str, ...]
    min_severity: Severity
    format: DigestFormat
    webhook_url: str | None
    email_to: tuple[str, ...]
    send_empty: bool

    @property
    def scope_value(self) -> str | list[str] | None:
        """What the scope column stores next to the scope's name."""
        if self.scope is Scope.NAMESPACE:
            return self.namespace
        if self.scope is Scope.ENDPOINTS:
            return list(self.endpoints)
        return None


def check_subscription(
    *,
    name: str,
    schedule: str,
    timezone: str = "UTC",
    scope: str = "all",
    namespace: str | None = None,
    endpoints: Sequence[str] = (),
    min_severity: str = "info",
    digest_format: str = "json",
    webhook_url: str | None = None,
    email_to: Sequence[str] = (),
    send_empty: bool = True,
    policy: NetworkPolicy,
) -> SubscriptionSpec:
    """The checked spec, or SubscriptionError naming the first thing wrong."""
    if not (0 < len(name) <= MAX_NAME and _NAME.fullmatch(name)):
        raise SubscriptionError(
            "name: 1-128 letters, digits, spaces or ._:/@+- starting with a letter or digit"
        )
    try:
        trigger(schedule, timezone)
    except ScheduleError as exc:
        raise SubscriptionError(str(exc)) from exc
    kind = _choice(Scope, scope, "scope")
    fmt = _choice(DigestFormat, digest_format, "format")
    severity = _choice(Severity, min_severity, "min_severity")
    return SubscriptionSpec(
        name=name,
        schedule=schedule.strip(),
        timezone=timezone,
        scope=kind,
        namespace=_namespace(namespace) if kind is Scope.NAMESPACE else None,
        endpoints=_endpoints(endpoints) if kind is Scope.ENDPOINTS else (),
        min_severity=severity,
        format=fmt,
        webhook_url=None if fmt is DigestFormat.EMAIL else _webhook(webhook_url, policy),
        email_to=_recipients(email_to) if fmt is DigestFormat.EMAIL else (),
        send_empty=send_empty,
    )


def _choice(enum: type[E], value: str, field: str) -> E:
    try:
        return enum(value)
    except ValueError:
        names = ", ".join(member.value for member in enum)
        raise SubscriptionError(f"{field}: one of {names}") from None


def _namespace(value: str | None) -> str:
    if not value or len(value) > MAX_NAMESPACE or not _NAMESPACE.fullmatch(value):
        raise SubscriptionError("namespace: a registry namespace such as io.github.acme")
    return value


def _endpoints(values: Sequence[str]) -> tuple[str, ...]:
    if not values or len(values) > MAX_ENDPOINTS:
        raise SubscriptionError(f"endpoints: 1 to {MAX_ENDPOINTS} endpoint URLs")
    urls: list[str] = []
    for raw in values:
        try:
            urls.append(parse_endpoint_url(raw).url)
        except ProbeError as exc:
            raise SubscriptionError(f"endpoints: {exc.detail}") from exc
    return tuple(dict.fromkeys(urls))


def _webhook(raw: str | None, policy: NetworkPolicy) -> str:
    if not raw:
        raise SubscriptionError("webhook_url: json and slack digests are posted to a webhook URL")
    try:
        endpoint = parse_endpoint_url(raw)
        if endpoint.host_is_ip:
            policy.check([endpoint.host])
    except ProbeError as exc:
        raise SubscriptionError(f"webhook_url: {exc.detail}") from exc
    if endpoint.scheme != "https" and not (policy.allow_private or policy.allowed_networks):
        raise SubscriptionError("webhook_url: must use https")
    return endpoint.url


def _recipients(values: Sequence[str]) -> tuple[str, ...]:
    if not values or len(values) > MAX_RECIPIENTS:
        raise SubscriptionError(f"email_to: 1 to {MAX_RECIPIENTS} e-mail addresses")
    for value in values:
        if len(value) > 254 or not _ADDRESS.fullmatch(value):  # noqa: PLR2004 - RFC 5321 path limit
            raise SubscriptionError(f"email_to: {value[:80]!r} is not a plain e-mail address")
    return tuple(dict.fromkeys(values))
