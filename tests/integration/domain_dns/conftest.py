"""A BIND + unbound lab with posture zones under real public suffixes, and hostile UDP servers.

The lab starts once per worker (pytest-xdist) and serves every zone the DNS tests ask about;
names outside them are refused by unbound, never sent off the machine.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from typing import cast

import pytest

from probes.domain.dns_client import DnsConfig
from probes.domain.dns_collect import collect_dns
from probes.domain.dns_observation import DnsObservation
from probes.domain.dns_probes import DNS_PROBES
from probes.model import Outcome
from tests.servers.dnslab import DnsLab, dns_lab, soa_zone

PUBLIC_V4 = "93.184.216.34"
PUBLIC_V6 = "2606:2800:220:1:248:1893:25c8:1946"
DEEP_HOST = "mcp.a.b.c.d.e.f.g.h.i.posture-lab.com"  # 11 names up to the domain
BIG_ADDRESSES = [f"93.184.{i // 200}.{i % 200 + 1}" for i in range(99)] + ["100.64.0.1"]
BIG_PADDING = "x" * 200

ZONES = {
    "posture-lab.com": soa_zone(
        "posture-lab.com",
        f"""
@ IN NS ns2.posture-lab.com.
ns2 IN A 127.0.0.1
@ IN MX 20 backup-mail.posture-lab.com.
@ IN MX 10 mail.posture-lab.com.
@ IN TXT "v=spf1 mx -all"
@ IN TXT "site-verification=abc123"
_dmarc IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@posture-lab.com"
@ IN CAA 0 issue "letsencrypt.org"
@ IN CAA 0 iodef "mailto:security@posture-lab.com"
mcp IN A {PUBLIC_V4}
mcp IN AAAA {PUBLIC_V6}
chain IN CNAME hop1
hop1 IN CNAME hop2.posture-lab.com.
hop2 IN A {PUBLIC_V4}
api.eu IN A {PUBLIC_V4}
eu IN CAA 0 issue "pki.goog"
{DEEP_HOST}. IN A {PUBLIC_V4}
""",
    ),
    "signed-lab.org": soa_zone(
        "signed-lab.org",
        f"""
@ IN MX 10 mail.signed-lab.org.
@ IN TXT "v=spf1 -all"
_dmarc IN TXT "v=DMARC1; p=quarantine"
@ IN CAA 0 issue "letsencrypt.org"
mcp IN A {PUBLIC_V4}
""",
    ),
    "nomail-lab.net": soa_zone("nomail-lab.net", f"mcp IN A {PUBLIC_V4}\n"),
    "nullmx-lab.net": soa_zone(
        "nullmx-lab.net", f'@ IN MX 0 .\n@ IN TXT "v=spf1 -all"\nmcp IN A {PUBLIC_V4}\n'
    ),
    "private-lab.io": soa_zone(
        "private-lab.io",
        f"""
@ IN MX 10 mail.private-lab.io.
mcp IN A 10.0.0.5
mcp IN A 192.168.7.20
mcp IN AAAA ::1
public IN A {PUBLIC_V4}
rebind IN CNAME inner
inner IN A 127.0.0.1
meta IN A 169.254.169.254
""",
    ),
    "big-lab.dev": soa_zone(
        "big-lab.dev",
        "@ IN MX 10 mail.big-lab.dev.\n"
        '@ IN TXT "v=spf1 ip4:93.184.0.0/16 -all"\n'
        '@ IN TXT "v=spf1 include:other.example -all"\n'
        '_dmarc IN TXT "v=DMARC1; p=none"\n'
        + "".join(f'@ IN TXT "junk {i} {BIG_PADDING}"\n' for i in range(98))
        + "".join(f"mcp IN A {address}\n" for address in BIG_ADDRESSES)
        + "".join(f'@ IN CAA 0 issue "ca{i}.example"\n' for i in range(60)),
    ),
    # CNAME and other data at the apex: BIND refuses to load it and answers SERVFAIL.
    "broken-lab.dev": soa_zone("broken-lab.dev", "@ IN CNAME elsewhere.example.\n"),
}
SIGNED = ("signed-lab.org",)


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DnsLab]:
    with dns_lab(tmp_path_factory.mktemp("dns-posture"), ZONES, signed=SIGNED) as running:
        yield running


@pytest.fixture
def via_unbound(lab: DnsLab) -> DnsConfig:
    return lab.via_resolver()


@pytest.fixture
def via_bind(lab: DnsLab) -> DnsConfig:
    return lab.via_authoritative()


def now() -> dt.datetime:
    """The real time: the lab's signatures are valid from an hour ago for 30 days."""
    return dt.datetime.now(dt.UTC)


async def observe(host: str, domain: str | None, config: DnsConfig) -> DnsObservation:
    return await collect_dns(host, domain, config, observed_at=now())


def outcomes(observation: DnsObservation) -> dict[str, Outcome]:
    """Each probe's single finding's outcome, by probe id."""
    judged: dict[str, Outcome] = {}
    for probe in DNS_PROBES:
        (finding,) = probe.judge(observation)
        judged[probe.spec.id] = finding.outcome
    return judged


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A UDP socket on loopback that receives queries and never answers them."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sink:
        sink.bind(("127.0.0.1", 0))
        yield int(sink.getsockname()[1])


Reply = Callable[[bytes], bytes | None]


class _Answering(asyncio.DatagramProtocol):
    def __init__(self, reply: Reply) -> None:
        self.reply = reply
        self.transport: asyncio.DatagramTransport | None = None
        self.queries = 0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast("asyncio.DatagramTransport", transport)

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        self.queries += 1
        answer = self.reply(data)
        if answer is not None and self.transport is not None:
            self.transport.sendto(answer, addr)


@asynccontextmanager
async def udp_server(reply: Reply) -> AsyncIterator[tuple[int, _Answering]]:
    """A UDP DNS 'server' on loopback answering each datagram with `reply(query)`."""
    loop = asyncio.get_running_loop()
    transport, protocol = await loop.create_datagram_endpoint(
        lambda: _Answering(reply), local_addr=("127.0.0.1", 0)
    )
    try:
        yield int(transport.get_extra_info("sockname")[1]), protocol
    finally:
        transport.close()
