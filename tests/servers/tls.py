"""TLS servers for tests: the lab HTTPS server plus hostile peers (no handshake, or a tarpit).

The configurable HTTPS server lives in trustsvc.lab.tls_server so `trustsvc demo` can use it too;
this module re-exports it and adds the hostile servers. All of them bind 127.0.0.1 only, run in
background threads and join them on exit. No pytest imports: the demo imports this module too.
"""

from __future__ import annotations

import contextlib
import selectors
import socket
import threading
from collections.abc import Callable
from typing import Self

from trustsvc.lab.tls_server import LAB_HOST, LabTlsConfig, LabTlsServer, build_context

__all__ = [
    "LAB_HOST",
    "LabTlsConfig",
    "LabTlsServer",
    "Tarpit",
    "build_context",
    "closing_server",
    "hanging_server",
    "tarpit_server",
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


class Tarpit:
    """A TLS tarpit on 127.0.0.1: the first `hand_over` connections are relayed to a real TLS
    server, so a scanner finds a healthy endpoint; every later one is accepted and held, silent,
    until the peer closes it. `held` counts the held connections still open at this end.
    """

    def __init__(self, real_port: int, *, hand_over: int = 1) -> None:
        self._real_port = real_port
        self._hand_over = hand_over
        self._listener = socket.create_server((LAB_HOST, 0))
        self._listener.setblocking(False)
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._listener, selectors.EVENT_READ)
        self._held: set[socket.socket] = set()
        self._relays: list[threading.Thread] = []
        self._accepted = 0
        self._changed = threading.Condition()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="tarpit", daemon=True)

    @property
    def port(self) -> int:
        return int(self._listener.getsockname()[1])

    @property
    def held(self) -> int:
        """Connections accepted and held whose peer has not closed them yet."""
        with self._changed:
            return len(self._held)

    @property
    def accepted(self) -> int:
        """Every connection accepted so far, relayed or held."""
        with self._changed:
            return self._accepted

    def wait_held(self, predicate: Callable[[int], bool], timeout_s: float) -> bool:
        """Block until `predicate(held)` holds or the timeout passes; whether it held."""
        with self._changed:
            return self._changed.wait_for(lambda: predicate(len(self._held)), timeout_s)

    def _serve(self) -> None:
        while not self._stop.is_set():
            for key, _ in self._selector.select(timeout=_POLL_S):
                sock = key.fileobj
                if sock is self._listener:
                    self._accept()
                elif isinstance(sock, socket.socket):
                    self._drain(sock)

    def _accept(self) -> None:
        try:
            conn, _ = self._listener.accept()
        except OSError:
            return
        with self._changed:
            self._accepted += 1
            relay = self._accepted <= self._hand_over
            if not relay:
                conn.setblocking(False)
                self._held.add(conn)
                self._selector.register(conn, selectors.EVENT_READ)
            self._changed.notify_all()
        if relay:
            thread = threading.Thread(target=self._relay, args=(conn,), daemon=True)
            self._relays.append(thread)
            thread.start()

    def _drain(self, conn: socket.socket) -> None:
        """Read and ignore what the peer sends; its close (or reset) ends the hold."""
        try:
            data = conn.recv(65536)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if data:
            return
        self._selector.unregister(conn)
        conn.close()
        with self._changed:
            self._held.discard(conn)
            self._changed.notify_all()

    def _relay(self, conn: socket.socket) -> None:
        with conn, socket.create_connection((LAB_HOST, self._real_port)) as upstream:
            upstream_to_client = threading.Thread(target=_pump, args=(upstream, conn), daemon=True)
            upstream_to_client.start()
            _pump(conn, upstream)
            upstream_to_client.join()

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        for conn in list(self._held):
            conn.close()
        self._selector.close()
        self._listener.close()
        for thread in self._relays:
            thread.join()


def _pump(source: socket.socket, sink: socket.socket) -> None:
    """Copy bytes one way until the source ends, then end the sink's writing side."""
    with contextlib.suppress(OSError):
        while data := source.recv(65536):
            sink.sendall(data)
    with contextlib.suppress(OSError):
        sink.shutdown(socket.SHUT_WR)


def tarpit_server(real_port: int, *, hand_over: int = 1) -> Tarpit:
    """A tarpit in front of the TLS server on `real_port`; use as a context manager."""
    return Tarpit(real_port, hand_over=hand_over)
