"""The webhook receiver on an event loop of its own thread.

Litestar's test client runs the app through a blocking portal, which blocks the test's loop
while a request is handled; a handler that posts to a receiver on that loop would wait for
itself. This one answers from its own thread.
"""

from __future__ import annotations

import asyncio
import threading
from types import TracebackType
from typing import Self

from tests.servers.webhook_receiver import Received, WebhookReceiver


class ThreadedReceiver:
    """Use as `with ThreadedReceiver() as receiver`; post to `receiver.url`."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.receiver = WebhookReceiver()

    @property
    def url(self) -> str:
        """Where to post."""
        return self.receiver.url

    @property
    def requests(self) -> list[Received]:
        """Every request so far."""
        return list(self.receiver.requests)

    def __enter__(self) -> Self:
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self.receiver.__aenter__(), self.loop).result(10)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        closing = self.receiver.__aexit__(None, None, None)
        asyncio.run_coroutine_threadsafe(closing, self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()
