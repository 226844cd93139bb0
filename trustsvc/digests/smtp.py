"""Sending a digest e-mail over SMTP with aiosmtplib, on the event loop.

The outcome is classified for the retry logic: a 5xx answer (a refused recipient, a policy
rejection, failed AUTH) will not change by trying again and is permanent; a refused
connection, a timeout or a 4xx is retried with backoff. Nothing here raises.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import aiosmtplib

from trustsvc.config.digests import SmtpSettings

_PERMANENT_FROM = 500


@dataclass(frozen=True, slots=True)
class MailOutcome:
    """How one send went: `error` None when the server accepted it."""

    error: str | None = None
    permanent: bool = False


def tls_context(ca_file: Path | None) -> ssl.SSLContext:
    """The system's trust anchors, plus the operator's CA file (a private mail relay)."""
    context = ssl.create_default_context()
    if ca_file is not None:
        context.load_verify_locations(cafile=str(ca_file))
    return context


async def send_mail(
    message: EmailMessage, settings: SmtpSettings, *, ca_file: Path | None = None
) -> MailOutcome:
    """Hand the message to the configured server; classify any failure."""
    if settings.host is None:
        return MailOutcome("e-mail is not configured: set TRUSTSVC_SMTP_HOST", permanent=True)
    try:
        await aiosmtplib.send(
            message,
            hostname=settings.host,
            port=settings.port,
            username=settings.user,
            password=settings.password,
            use_tls=settings.security == "tls",
            start_tls=settings.security == "starttls",
            tls_context=None if settings.security == "none" else tls_context(ca_file),
            timeout=settings.timeout_s,
        )
    except aiosmtplib.SMTPRecipientsRefused as exc:
        codes = sorted({r.code for r in exc.recipients})
        return MailOutcome(f"recipients refused ({codes})", permanent=min(codes) >= _PERMANENT_FROM)
    except aiosmtplib.SMTPResponseException as exc:
        detail = " ".join(str(exc.message).split())[:300]
        return MailOutcome(f"SMTP {exc.code}: {detail}", permanent=exc.code >= _PERMANENT_FROM)
    except (aiosmtplib.SMTPException, OSError, ssl.SSLError) as exc:
        detail = " ".join(str(exc).split())[:300]
        return MailOutcome(f"{type(exc).__name__}: {detail}")
    return MailOutcome()
