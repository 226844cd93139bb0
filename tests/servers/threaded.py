"""Run an ASGI app under uvicorn in a background thread, on a socket bound beforehand.

Binding first lets a test know the port before the app is built (resource URLs name it),
and a thread keeps the server beside the test's own event loop.
"""

from __future__ import annotations

import socket
import threading
from types import TracebackType
from typing import Self

import uvicorn

START_TIMEOUT_S = 10.0


class ThreadedUvicorn:
    """A context manager: the server runs inside the block and is joined when it ends."""

    def __init__(self, config: uvicorn.Config, listener: socket.socket) -> None:
        self._server = uvicorn.Server(config)
        self._socket = listener
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Self:
        port = self._socket.getsockname()[1]
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [self._socket]},
            name=f"uvicorn-{port}",
            daemon=True,
        )
        self._thread.start()
        for _ in range(int(START_TIMEOUT_S / 0.01)):
            if self._server.started or not self._thread.is_alive():
                break
            threading.Event().wait(0.01)
        if not self._server.started:
            self.__exit__(None, None, None)
            raise RuntimeError(f"the test server on port {port} did not start")
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join()
        self._socket.close()
