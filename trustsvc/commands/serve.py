"""`trustsvc serve`: the API under uvicorn (httptools on asyncio's own loop; bench/lookup).

asyncio's loop, not uvloop: when the API is busy (every core taken, 64 clients at once),
uvloop answers some connections far later than others. On one quiet 2-core machine, a
route that spends 200 us per request under uvicorn + httptools, at 64 connections: uvloop
2,795 req/s with a slowest answer of 864 ms (per-connection rates 32 to 52 req/s), asyncio
2,772 req/s with a slowest answer of 48 ms (43.0 to 43.6 req/s each); `serve`'s /livez
with TCP_NODELAY (api/connections.py): uvloop p99 60-148 ms and max 287-418 ms, asyncio
p99 21 ms and max 25-40 ms at the same 4,900-5,400 req/s. A lookup before every connect
sees the tail, so the tail decides (issue 22).

uvicorn rather than granian, though granian serves a trivial route faster: uvicorn's
protocol can be extended with the connection limits the API needs (api/connections.py:
head and body deadlines, a per-client cap), which granian offers only in part (a head
timeout), and it runs in this process, where the settings were decided. The README gives
the figures. On a non-loopback address an `auto` deployment must have keys, and then
requires them.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import ipaddress
import socket
import sys
from typing import Literal

import uvicorn

from trustsvc.api.app import create_app
from trustsvc.api.connections import guarded_protocol
from trustsvc.auth.repository import KeyRepository
from trustsvc.clock import utc_now
from trustsvc.commands.errors import EXIT_OK, UsageError
from trustsvc.commands.listen import listening_socket
from trustsvc.config.access import AuthMode
from trustsvc.config.settings import Settings
from trustsvc.jobs.table import describe_schedule
from trustsvc.observability.logs import configure_logging
from trustsvc.store.file_check import check_sqlite_file
from trustsvc.store.migrate import schema_checked_sessions


def server(
    settings: Settings, *, host: str, port: int, jobs_in: Literal["thread", "process"] = "process"
) -> uvicorn.Server:
    """An uvicorn server for the app; `await server.serve()` runs it until interrupted.

    `serve` runs the scheduler's jobs in a child process that reads the same environment
    (jobs/process.py); the demo, whose settings are its own (a lab CA, private targets),
    keeps them in a thread of this process (`jobs_in="thread"`).
    """
    serving = settings.serving
    config = uvicorn.Config(
        create_app(settings, jobs_in=jobs_in, freeze_heap=True),
        host=host,
        port=port,
        loop="asyncio",  # fair under load where uvloop is not (the docstring)
        http=guarded_protocol(serving),
        timeout_keep_alive=max(1, round(serving.keep_alive_s)),
        # X-Forwarded-For only from the proxies the operator named (none by default;
        # uvicorn's own default trusts every loopback peer).
        proxy_headers=bool(serving.trusted_proxies),
        forwarded_allow_ips=[str(network) for network in serving.trusted_proxies],
        log_level="warning",
        access_log=False,  # the request middleware logs each request, route templated
        log_config=None,  # uvicorn's records go through the CLI's handler (JSON, redaction)
        lifespan="on",
    )
    return uvicorn.Server(config)


def serve(settings: Settings, *, host: str, port: int, sock: socket.socket) -> None:
    """Serve on the bound `sock` until interrupted."""
    print(f"trustsvc API on http://{host}:{port} (docs at /schema)")  # noqa: T201 - CLI output
    jobs = describe_schedule(settings, runs_here=settings.schedule.in_api)
    print(jobs, flush=True)  # noqa: T201 - CLI output
    server(settings, host=host, port=port).run(sockets=[sock])


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Serve until interrupted; the port and the database are checked before the banner."""
    configure_logging(settings.observability)
    sock = listening_socket(args.host, args.port)
    try:
        check_sqlite_file(settings.database_url)
        serve(asyncio.run(bound(settings, args.host)), host=args.host, port=args.port, sock=sock)
    finally:
        sock.close()
    return EXIT_OK


async def bound(settings: Settings, host: str) -> Settings:
    """The settings to serve with on `host`; UsageError when that is refused."""
    try:
        chosen = await bind_settings(settings, host)
    except BindRefused as exc:
        raise UsageError(str(exc)) from exc
    if chosen.access.mode is AuthMode.OPEN and not is_loopback(host):
        print(  # noqa: T201 - CLI output
            f"trustsvc: warning: serving on {host} WITHOUT authentication (TRUSTSVC_AUTH=open)",
            file=sys.stderr,
        )
    return chosen


class BindRefused(Exception):
    """Serving on a public address would expose an API without keys."""


def is_loopback(host: str) -> bool:
    """Whether a bind address only accepts local connections."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


async def bind_settings(settings: Settings, host: str) -> Settings:
    """The settings to serve with on `host`, or BindRefused.

    On loopback nothing changes. On any other address an `auto` deployment needs keys to
    exist, and then requires them for good: revoking the last key later must not turn a
    public API open. `required` and `open` are the operator's explicit choices.
    """
    access = settings.access
    if is_loopback(host) or access.mode is not AuthMode.AUTO:
        return settings
    if not await _any_active_key(settings):
        raise BindRefused(
            f"refusing to serve on {host} without API keys. Create one "
            "(`trustsvc keys create --name NAME --scope admin`), or set TRUSTSVC_AUTH=required "
            "(every request needs a key) or TRUSTSVC_AUTH=open (no authentication at all)"
        )
    required = dataclasses.replace(access, mode=AuthMode.REQUIRED)
    return dataclasses.replace(settings, access=required)


async def _any_active_key(settings: Settings) -> bool:
    async with (
        schema_checked_sessions(
            settings.database_url, auto_migrate=settings.auto_migrate
        ) as sessions,
        sessions() as session,
    ):
        return await KeyRepository(session).any_active(utc_now())
