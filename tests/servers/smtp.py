"""A real SMTP server on 127.0.0.1 (aiosmtpd), optionally with STARTTLS and AUTH.

It runs on its own thread's event loop (aiosmtpd's Controller), keeps every message it
accepts, and can refuse the next deliveries with a given reply to exercise retries.
"""

from __future__ import annotations

import socket
import ssl
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

HOST = "127.0.0.1"


@dataclass(slots=True)
class Accepted:
    """One message as the server received it."""

    sender: str
    recipients: list[str]
    data: bytes


@dataclass(slots=True)
class _Handler:
    messages: list[Accepted] = field(default_factory=list)
    refusals: deque[str] = field(default_factory=deque)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: ANN401, N802
        del server, session
        if self.refusals:
            return self.refusals.popleft()
        self.messages.append(
            Accepted(
                sender=envelope.mail_from,
                recipients=list(envelope.rcpt_tos),
                data=bytes(envelope.original_content or envelope.content),
            )
        )
        return "250 OK"


class SmtpServer:
    """`with SmtpServer() as smtp`: `smtp.port`, `smtp.messages`, `smtp.refuse(reply)`."""

    def __init__(
        self,
        *,
        tls: tuple[Path, Path] | None = None,
        login: tuple[str, str] | None = None,
    ) -> None:
        self.handler = _Handler()
        options: dict[str, Any] = {}
        if tls is not None:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(str(tls[0]), str(tls[1]))
            options |= {"tls_context": context, "require_starttls": True}
        if login is not None:
            user, password = login

            def check(
                server: object, session: object, envelope: object, mechanism: str, data: object
            ) -> AuthResult:
                del server, session, envelope, mechanism
                ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
                    user.encode(),
                    password.encode(),
                )
                return AuthResult(success=ok)

            options |= {"authenticator": check, "auth_required": True}
        self.port = _free_port()
        self.controller = Controller(self.handler, hostname=HOST, port=self.port, **options)

    @property
    def messages(self) -> list[Accepted]:
        """Every accepted message."""
        return list(self.handler.messages)

    def refuse(self, *replies: str) -> None:
        """Answer the next DATA commands with these replies ("451 try later")."""
        self.handler.refusals.extend(replies)

    def __enter__(self) -> Self:
        self.controller.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.controller.stop()


def _free_port() -> int:
    """A port nothing listens on now (aiosmtpd's start-up check needs a real port number)."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])
