"""The API's listening socket, bound before anything is printed or done.

`serve` and `demo` bind first, so a port in use (or an address this host does not have)
is one line and exit 2 before the banner, the migrations or the demo's lab work; uvicorn
is then handed the bound socket.
"""

from __future__ import annotations

import errno
import socket

from trustsvc.commands.errors import UsageError
from trustsvc.config.env import shown

_WHY = {
    errno.EADDRINUSE: "is in use; stop what listens there, or pass another --port",
    errno.EACCES: "needs privileges this user lacks; pass a --port above 1023",
    errno.EADDRNOTAVAIL: "is not an address of this host; pass another --host",
}


def listening_socket(host: str, port: int) -> socket.socket:
    """A bound TCP socket for `host:port` (uvicorn listens on it); UsageError if it cannot be."""
    address = host.strip("[]")
    try:
        family = socket.getaddrinfo(address, port, type=socket.SOCK_STREAM)[0][0]
    except socket.gaierror as exc:
        raise UsageError(f"--host {shown(address)!r} does not resolve: {exc.strerror}") from exc
    # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only on sockets that say they are TCP,
    # and accepted sockets inherit the listener's protocol number.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((address, port))
    except OSError as exc:
        sock.close()
        why = _WHY.get(exc.errno or 0, f"cannot be bound ({exc.strerror})")
        raise UsageError(f"{shown(address)}:{port} {why}") from exc
    sock.set_inheritable(True)
    return sock
