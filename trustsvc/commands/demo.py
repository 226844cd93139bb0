"""`trustsvc demo`: a first score in seconds on a machine with no internet.

Mints a throw-away PKI and starts four MCP endpoints on 127.0.0.1 (good; expired certificate;
TLS 1.0 offered; valid TLS serving a poisoned tool), each speaking just enough MCP
(trustsvc.lab.mcp) for every family to judge it. It assesses them through the normal
ScanService, prints the table, stores the results and serves the API over them. Only
127.0.0.0/8 is allowed for the demo's probes: the operator has not opted into any other
private range.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import ipaddress
import socket
import ssl
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from trustsvc.commands.listen import listening_socket
from trustsvc.commands.progress import Progress, terminal_width
from trustsvc.config.settings import Settings
from trustsvc.lab.mcp import HONEST_TOOLS, POISONED_TOOLS
from trustsvc.lab.pki import LabPki, mint_lab_pki
from trustsvc.lab.tls_server import LabTlsConfig, LabTlsServer
from trustsvc.reports.schema import ScanReport
from trustsvc.reports.text import summary_table
from trustsvc.services import AppServices, open_services
from trustsvc.store.file_check import check_sqlite_file

LOOPBACK = ipaddress.ip_network("127.0.0.0/8")


def demo_settings(settings: Settings, ca_file: Path) -> Settings:
    """The operator's settings plus loopback and the lab CA, for the demo only.

    The demo is offline: its scheduler re-probes the lab endpoints but never syncs the
    upstream registry.
    """
    policy = dataclasses.replace(
        settings.probes.policy,
        allowed_networks=(*settings.probes.policy.allowed_networks, LOOPBACK),
    )
    probes = dataclasses.replace(settings.probes, policy=policy, ca_file=ca_file)
    schedule = dataclasses.replace(settings.schedule, registry_sync_s=0.0)
    return dataclasses.replace(settings, probes=probes, schedule=schedule)


def lab_configs(pki: LabPki) -> dict[str, LabTlsConfig]:
    """The demo's four endpoints, by the label the table shows."""
    valid, expired = pki["valid"], pki["expired"]
    return {
        "good": LabTlsConfig(chain=valid.chain, key=valid.key, mcp_tools=HONEST_TOOLS),
        "expired certificate": LabTlsConfig(
            chain=expired.chain, key=expired.key, mcp_tools=HONEST_TOOLS
        ),
        "TLS 1.0": LabTlsConfig(
            chain=valid.chain,
            key=valid.key,
            minimum_version=ssl.TLSVersion.TLSv1,
            maximum_version=ssl.TLSVersion.TLSv1_2,
            hsts_max_age=None,
            mcp_tools=HONEST_TOOLS,
        ),
        "poisoned tool": LabTlsConfig(chain=valid.chain, key=valid.key, mcp_tools=POISONED_TOOLS),
    }


@contextlib.contextmanager
def lab_servers(directory: Path) -> Iterator[tuple[LabPki, dict[str, LabTlsServer]]]:
    """Mint the PKI and run the lab servers (by label) for the duration of the block."""
    pki = mint_lab_pki(directory)
    with contextlib.ExitStack() as stack:
        servers = {
            label: stack.enter_context(LabTlsServer(cfg)) for label, cfg in lab_configs(pki).items()
        }
        yield pki, servers


async def run_demo(
    settings: Settings,
    *,
    host: str,
    port: int,
    sock: socket.socket | None = None,
    progress: Progress | None = None,
) -> int:
    """Assess the lab endpoints, print the table, then serve the API on `sock` if given."""
    progress = progress or Progress(enabled=False)
    with (
        tempfile.TemporaryDirectory(prefix="trustsvc-demo-") as tmp,
        lab_servers(Path(tmp)) as (
            pki,
            servers,
        ),
    ):
        settings = demo_settings(settings, pki.ca_cert)
        urls = {label: server.url(host="127.0.0.1") for label, server in servers.items()}
        async with open_services(settings) as services:
            reports = await _assess_lab(services, urls, progress)
            table = summary_table(
                reports, services.scans.catalogue, labels=list(urls), width=terminal_width()
            )
            print(table)  # noqa: T201 - CLI output
            print(f"\nstored in {settings.database_url}")  # noqa: T201 - CLI output
        if sock is not None:
            from trustsvc.commands.serve import server  # noqa: PLC0415 - uvicorn only to serve

            print(  # noqa: T201 - CLI output
                f"Dashboard on http://{host}:{port}/ui/\n"
                f"API on http://{host}:{port}  (Ctrl-C to stop). Try:\n"
                f"  curl 'http://{host}:{port}/v1/lookup?url={urls['good']}'\n"
                f"  curl http://{host}:{port}/v1/endpoints"
            )
            await server(settings, host=host, port=port, jobs_in="thread").serve(sockets=[sock])
    return 0


async def _assess_lab(
    services: AppServices, urls: dict[str, str], progress: Progress
) -> list[ScanReport]:
    """Each lab endpoint in turn, with a progress line before and after."""
    reports = []
    for number, (label, url) in enumerate(urls.items(), start=1):
        step = f"demo {number}/{len(urls)}"
        progress.line(f"{step}: assessing {label} ({url})")
        started = time.perf_counter()
        report = await services.scans.run(url, reason="demo")
        elapsed = time.perf_counter() - started
        progress.line(f"{step}: {label}: {report.grade} {report.verdict} in {elapsed:.1f} s")
        reports.append(report)
    return reports


def run(args: argparse.Namespace, settings: Settings) -> int:
    """`trustsvc demo [--no-serve]`: the port and the database are checked before any work."""
    check_sqlite_file(settings.database_url)
    progress = Progress.for_terminal(quiet=args.quiet)
    if args.no_serve:
        return asyncio.run(run_demo(settings, host=args.host, port=args.port, progress=progress))
    sock = listening_socket(args.host, args.port)
    try:
        from trustsvc.commands.serve import bound  # noqa: PLC0415 - uvicorn only to serve

        settings = asyncio.run(bound(settings, args.host))
        demo = run_demo(settings, host=args.host, port=args.port, sock=sock, progress=progress)
        return asyncio.run(demo)
    finally:
        sock.close()
