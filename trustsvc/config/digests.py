"""Scheduled digests: where links point, how often due subscriptions are looked for, SMTP."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from trustsvc.config.env import SettingsError, number, port

SECURITIES = ("starttls", "tls", "none")


@dataclass(frozen=True, slots=True, kw_only=True)
class SmtpSettings:
    """The mail server digests are sent through.

    Attributes:
        host: None leaves e-mail off: an e-mail digest's run then fails with that reason.
        security: `starttls` (upgrade on the submission port, 587), `tls` (implicit TLS,
            465) or `none` (a relay on loopback only: credentials are refused without TLS).
        user, password: AUTH credentials, from the environment only.
    """

    host: str | None = None
    port: int = 587
    security: str = "starttls"
    user: str | None = None
    password: str | None = None
    sender: str = "trustsvc@localhost"
    timeout_s: float = 30.0


@dataclass(frozen=True, slots=True, kw_only=True)
class DigestSettings:
    """How digests are scheduled and sent.

    Attributes:
        base_url: prefix of the links in a digest (the API's public URL); empty gives
            links relative to the API.
        check_s: how often the job looks for due subscriptions and pending runs; 0 off.
        max_attempts: deliveries of one run before it is `failed`.
        backoff_base_s: retry n waits base * 2^(n-1) (capped at an hour, with jitter).
        send_now_cooldown_s: a "send now" for one subscription is refused this soon after
            the previous one.
    """

    base_url: str = ""
    check_s: float = 60.0
    max_attempts: int = 6
    backoff_base_s: float = 60.0
    send_now_cooldown_s: float = 60.0
    smtp: SmtpSettings = SmtpSettings()


def load_digest_settings(env: Mapping[str, str]) -> DigestSettings:
    """Read TRUSTSVC_DIGEST_* and TRUSTSVC_SMTP_*; a bad value is one line."""
    base = env.get("TRUSTSVC_DIGEST_BASE_URL", env.get("TRUSTSVC_PUBLIC_URL", "")).strip()
    base = base.rstrip("/")
    if base and urlsplit(base).scheme not in ("http", "https"):
        raise SettingsError(f"TRUSTSVC_DIGEST_BASE_URL must be an http(s) URL, got {base!r}")
    return DigestSettings(
        base_url=base,
        check_s=number(env, "TRUSTSVC_DIGEST_CHECK_S", 60.0, allow_zero=True),
        max_attempts=int(number(env, "TRUSTSVC_DIGEST_MAX_ATTEMPTS", 6)),
        backoff_base_s=number(env, "TRUSTSVC_DIGEST_BACKOFF_S", 60.0),
        send_now_cooldown_s=number(env, "TRUSTSVC_DIGEST_COOLDOWN_S", 60.0, allow_zero=True),
        smtp=_smtp(env),
    )


def _smtp(env: Mapping[str, str]) -> SmtpSettings:
    security = env.get("TRUSTSVC_SMTP_SECURITY", "starttls").strip().lower()
    if security not in SECURITIES:
        raise SettingsError(
            f"TRUSTSVC_SMTP_SECURITY must be starttls, tls or none, got {security!r}"
        )
    default_port = {"starttls": "587", "tls": "465", "none": "25"}[security]
    user = env.get("TRUSTSVC_SMTP_USER") or None
    if user and security == "none":
        raise SettingsError(
            "TRUSTSVC_SMTP_USER is set with TRUSTSVC_SMTP_SECURITY=none: "
            "use starttls or tls so the password is not sent in clear text"
        )
    return SmtpSettings(
        host=env.get("TRUSTSVC_SMTP_HOST", "").strip() or None,
        port=port(env.get("TRUSTSVC_SMTP_PORT", default_port), "TRUSTSVC_SMTP_PORT"),
        security=security,
        user=user,
        password=env.get("TRUSTSVC_SMTP_PASSWORD") or None,
        sender=env.get("TRUSTSVC_MAIL_FROM", "trustsvc@localhost").strip(),
        timeout_s=number(env, "TRUSTSVC_SMTP_TIMEOUT_S", 30.0),
    )
