"""TLS servers for tests: the lab HTTPS server plus hostile peers that never finish a handshake.

The configurable HTTPS server lives in trustsvc.lab.tls_server so `trustsvc demo` can use it too;
this module re-exports it and adds the hostile servers. All of them bind 127.0.0.1 only, run in
background threads and join them on exit. No pytest imports: the demo imports this module too.
"""

from __future__ import annotations

import contextlib
import socket
import threading

from trustsvc.lab.tls_server import LAB_HOST, LabTlsConfig, LabTlsServer, build_context

__all__ = [
    "LAB_HOST",
    "LabTlsConfig",
    "LabTlsServer",
    "build_context",
    "closing_server",
    "hanging_server",
    "unused_port",
]

_POLL_S = 0.05


class _HostilePeer:
    """Accepts TCP connections on 127.0.0.1 and then misbehaves in one of two ways."""

    def __init__(self, *, hang: bool) -> None:
        self._hang = hang
        self._listener = socket.create_server((LAB_HOST, 0))
        self._listener.settimeout(_POLL_S)
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="hostile-peer", daemon=True)

    @property
    def port(self) -> int:
        return int(self._listener.getsockname()[1])

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if self._hang:
                # Keep the connection open and silent until the peer is stopped.
                self._held.append(conn)
                continue
            with conn:
                conn.settimeout(1.0)
                with contextlib.suppress(OSError):
                    conn.recv(16)  # part of the ClientHello, then hang up mid-handshake

    def __enter__(self) -> int:
        self._thread.start()
        return self.port

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        for conn in self._held:
            conn.close()
        self._listener.close()


def hanging_server() -> contextlib.AbstractContextManager[int]:
    """A server that accepts TCP connections and never sends a byte; yields its port."""
    return _HostilePeer(hang=True)


def closing_server() -> contextlib.AbstractContextManager[int]:
    """A server that reads the start of the ClientHello and closes; yields its port."""
    return _HostilePeer(hang=False)


def unused_port() -> int:
    """A loopback port nothing listens on (bound once to pick it, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LAB_HOST, 0))
        return int(probe.getsockname()[1])
