"""A BIND + unbound lab serving a DBL-like zone and a generic DNSBL zone, once per module."""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from probes.domain.dns_client import DnsConfig
from probes.domain.dnsbl import DnsblZone
from tests.servers.dnslab import DnsLab, dns_lab, soa_zone

NOW = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
DBL = DnsblZone("dbl.lab-test.net")
GENERIC = DnsblZone("bl.lab-generic.org")
OUTSIDE = DnsblZone("dbl.not-in-lab.net")  # unbound refuses names outside the lab's zones
PHISH_REASON = "https://www.spamhaus.org/query/domain/phish-lab.com"

DBL_ZONE = soa_zone(
    DBL.zone,
    f"""
phish-lab.com IN A 127.0.1.4
phish-lab.com IN TXT "{PHISH_REASON}"
malware-lab.com IN A 127.0.1.5
botnet-lab.com IN A 127.0.1.6
spammy-lab.com IN A 127.0.1.2
spammy-lab.com IN TXT "low reputation" "second string"
abused-lab.org IN A 127.0.1.103
new-lab.com IN A 127.0.2.5
odd-lab.com IN A 127.0.1.77
refused-lab.com IN A 127.255.255.254
ratelimited-lab.com IN A 127.255.255.255
typo-lab.com IN A 127.255.255.252
ipquery-lab.com IN A 127.0.1.255
weird-lab.com IN A 10.1.2.3
mixed-lab.com IN A 127.0.1.4
mixed-lab.com IN A 127.255.255.254
mcp.hostonly-lab.com IN A 127.0.1.5
""",
)
GENERIC_ZONE = soa_zone(
    GENERIC.zone,
    """
spammy-lab.com IN A 127.0.0.2
generic-lab.net IN A 127.0.0.2
generic-lab.net IN TXT "listed by the generic lab list"
""",
)


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DnsLab]:
    zones = {DBL.zone: DBL_ZONE, GENERIC.zone: GENERIC_ZONE}
    with dns_lab(tmp_path_factory.mktemp("dnsbl"), zones) as running:
        yield running


@pytest.fixture
def via_unbound(lab: DnsLab) -> DnsConfig:
    return lab.via_resolver()


@pytest.fixture
def via_bind(lab: DnsLab) -> DnsConfig:
    return lab.via_authoritative()


@pytest.fixture
def silent_sink() -> Iterator[socket.socket]:
    """A UDP socket on loopback that receives queries and never answers them."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sink:
        sink.bind(("127.0.0.1", 0))
        sink.setblocking(False)
        yield sink


@pytest.fixture
def silent_port(silent_sink: socket.socket) -> int:
    return int(silent_sink.getsockname()[1])


def queries_received(sink: socket.socket) -> int:
    """How many datagrams reached the sink so far (drained, never answered)."""
    count = 0
    while True:
        try:
            sink.recv(65535)
        except BlockingIOError:
            return count
        count += 1


def write_feed(directory: Path, name: str, text: str | bytes) -> Path:
    path = directory / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return path
