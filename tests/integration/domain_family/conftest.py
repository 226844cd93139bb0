"""A real DNS lab, a loopback RDAP server dated from now, and a feed file, for the family tests.

Hosts under these zones are only looked up, never connected to: their A records name a
public address that no test reaches.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from aiohttp import web

from probes.context import ProbeContext, ProbeLimits
from probes.netpolicy import NetworkPolicy
from tests.integration.domain_registration.documents import domain_document
from tests.servers.dnslab import DnsLab, dns_lab, soa_zone

PUBLIC = "93.184.215.14"  # read from the zone only; nothing connects to it
DBL = "dbl.lab-test.net"
HYGIENE = f"""mcp IN A {PUBLIC}
api IN A {PUBLIC}
@ IN MX 10 mail
mail IN A {PUBLIC}
@ IN TXT "v=spf1 -all"
_dmarc IN TXT "v=DMARC1; p=reject"
@ IN CAA 0 issue "letsencrypt.org"
"""
ZONES = {
    "old-lab.com": soa_zone("old-lab.com", HYGIENE),
    "npnjs.com": soa_zone("npnjs.com", f"mcp IN A {PUBLIC}\n"),
    "phish-lab.com": soa_zone("phish-lab.com", f"mcp IN A {PUBLIC}\n"),
    "feedlisted.org": soa_zone("feedlisted.org", f"mcp IN A {PUBLIC}\n"),
    DBL: soa_zone(DBL, 'phish-lab.com IN A 127.0.1.4\nphish-lab.com IN TXT "phishing (lab)"\n'),
}
AGES = {"old-lab.com": 9000, "npnjs.com": 3, "phish-lab.com": 400, "feedlisted.org": 2000}


def _iso(days: int) -> str:
    moment = dt.datetime.now(dt.UTC) - dt.timedelta(days=days)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DnsLab]:
    with dns_lab(tmp_path_factory.mktemp("dns"), ZONES, signed=["old-lab.com"]) as running:
        yield running


@pytest.fixture
async def rdap() -> AsyncIterator[tuple[str, list[str]]]:
    """RDAP documents for AGES, dated from now; yields the base URL and names queried."""
    queried: list[str] = []

    async def domain(request: web.Request) -> web.Response:
        name = request.match_info["name"].lower()
        queried.append(name)
        if name not in AGES:
            return web.json_response({"errorCode": 404}, status=404)
        events = {"registration": _iso(AGES[name]), "expiration": _iso(-200)}
        document = domain_document(name, events=events)
        return web.json_response(document, content_type="application/rdap+json")

    app = web.Application()
    app.router.add_get("/domain/{name}", domain)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/", queried
    finally:
        await runner.cleanup()


@pytest.fixture
def ctx() -> Iterator[ProbeContext]:
    context = ProbeContext(
        policy=NetworkPolicy(allowed_networks=(ipaddress.ip_network("127.0.0.0/8"),)),
        limits=ProbeLimits(request_timeout_s=2.0, network_timeout_s=1.0, family_budget_s=20.0),
    )
    yield context
    context.executor.shutdown(wait=False, cancel_futures=True)


@pytest.fixture
def feed(tmp_path: Path) -> Path:
    path = tmp_path / "urlhaus.txt"
    path.write_text("# URLhaus-style list\nhttp://mcp.feedlisted.org/payload.exe\n")
    return path
