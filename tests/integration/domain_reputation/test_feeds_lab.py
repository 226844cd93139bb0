"""Offline feeds loaded from files in every format, alone and combined with the lab's DBL."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from probes.domain.dns_client import DnsConfig
from probes.domain.feeds import BlocklistFeed, load_feed
from probes.domain.reputation_collect import collect_reputation
from probes.domain.reputation_observation import ReputationObservation
from probes.domain.reputation_probes import (
    ALL_LISTINGS,
    CODE,
    LIST,
    LISTINGS,
    MATCHED_NAME,
    REPUTATION_PROBES,
)
from probes.model import Finding, Outcome
from tests.integration.domain_reputation.conftest import DBL, NOW, queries_received, write_feed

T, F, NAV = Outcome.TRUE, Outcome.FALSE, Outcome.NOT_AVAILABLE
MALICIOUS, LOW = (probe.spec.id for probe in REPUTATION_PROBES)

FEED_FILES = {
    "domains.txt": "# plain domains\nListed-Plain.com.\nspammy-lab.com\nphish-lab.com\n",
    "hosts.txt": "127.0.0.1 localhost\n0.0.0.0 api.hosts-bad.net cdn.hosts-bad.net # x\n",
    "urls.txt": "http://mcp.url-bad.org/mcp\nhttps://user@drop.url-bad.org:8443/a.exe\n",
    "phishtank.csv": (
        "phish_id,url,phish_detail_url,submission_time,verified,verification_time,online,target\n"
        "9001,https://login.phish-csv.com/x,http://www.phishtank.com/phish_detail.php?"
        "phish_id=9001,2026-02-01T00:00:00+00:00,yes,2026-02-01T00:00:00+00:00,yes,Other\n"
    ),
}


@pytest.fixture
def feeds(tmp_path: Path) -> tuple[BlocklistFeed, ...]:
    return tuple(load_feed(write_feed(tmp_path, name, text)) for name, text in FEED_FILES.items())


async def lookup(
    host: str, domain: str, feeds: tuple[BlocklistFeed, ...], dns: DnsConfig, *, dbl: bool = True
) -> ReputationObservation:
    zones = (DBL,) if dbl else ()
    return await collect_reputation(
        host, domain, zones=zones, feeds=feeds, dns=dns, observed_at=NOW
    )


def findings(seen: ReputationObservation) -> dict[str, Finding]:
    return {probe.spec.id: probe.judge(seen)[0] for probe in REPUTATION_PROBES}


def test_every_format_loaded(feeds: tuple[BlocklistFeed, ...]) -> None:
    summary = {feed.name: (feed.entries, feed.lines, feed.skipped) for feed in feeds}
    assert summary == {
        "domains": (3, 4, 0),
        "hosts": (2, 2, 1),
        "urls": (2, 2, 0),
        "phishtank": (1, 2, 0),
    }


@pytest.mark.parametrize(
    ("host", "domain", "feed", "matched"),
    [
        ("mcp.listed-plain.com", "listed-plain.com", "domains", "listed-plain.com"),
        ("a.api.hosts-bad.net", "hosts-bad.net", "hosts", "api.hosts-bad.net"),
        ("mcp.url-bad.org", "url-bad.org", "urls", "mcp.url-bad.org"),
        ("login.phish-csv.com", "phish-csv.com", "phishtank", "login.phish-csv.com"),
    ],
)
async def test_feed_listing_is_malicious(
    feeds: tuple[BlocklistFeed, ...],
    via_unbound: DnsConfig,
    host: str,
    domain: str,
    feed: str,
    matched: str,
) -> None:
    seen = await lookup(host, domain, feeds, via_unbound)
    found = findings(seen)
    assert (found[MALICIOUS].outcome, found[LOW].outcome) == (T, F)
    evidence = found[MALICIOUS].evidence
    assert (evidence[LIST], evidence[MATCHED_NAME], evidence[CODE]) == (feed, matched, None)


@pytest.mark.parametrize(
    ("host", "domain"),
    [
        ("notlisted-plain.com", "notlisted-plain.com"),
        ("www.hosts-bad.net", "hosts-bad.net"),
        ("hosts-bad.net", "hosts-bad.net"),
        ("other.url-bad.org", "url-bad.org"),
        ("url-bad.org", "url-bad.org"),
        ("phish-csv.com", "phish-csv.com"),
    ],
)
async def test_siblings_and_parents_of_entries_are_clean(
    feeds: tuple[BlocklistFeed, ...], via_unbound: DnsConfig, host: str, domain: str
) -> None:
    seen = await lookup(host, domain, feeds, via_unbound)
    assert [f.outcome for f in findings(seen).values()] == [F, F]
    assert seen.feeds_checked == ("domains", "hosts", "urls", "phishtank")


async def test_feed_and_dnsbl_combined(
    feeds: tuple[BlocklistFeed, ...], via_unbound: DnsConfig
) -> None:
    spammy = findings(await lookup("mcp.spammy-lab.com", "spammy-lab.com", feeds, via_unbound))
    assert (spammy[MALICIOUS].outcome, spammy[LOW].outcome) == (T, T)
    assert spammy[MALICIOUS].evidence[LIST] == "domains"
    assert spammy[LOW].evidence[LIST] == DBL.zone

    phish = findings(await lookup("phish-lab.com", "phish-lab.com", feeds, via_unbound))[MALICIOUS]
    assert phish.evidence[LISTINGS] == 2
    assert phish.evidence[ALL_LISTINGS] == (
        f"{DBL.zone}: phish-lab.com 127.0.1.4; domains: phish-lab.com malicious"
    )


async def test_feeds_answer_when_every_zone_fails(
    feeds: tuple[BlocklistFeed, ...], via_unbound: DnsConfig
) -> None:
    seen = await lookup("refused-lab.com", "refused-lab.com", feeds, via_unbound)
    found = findings(seen)
    assert (found[MALICIOUS].outcome, found[LOW].outcome) == (F, NAV)
    assert found[MALICIOUS].message == (
        f"Not listed by domains, hosts, urls, phishtank. Not checked: {DBL.zone} failed."
    )


async def test_feeds_alone_ask_no_question(
    feeds: tuple[BlocklistFeed, ...], silent_sink: socket.socket, silent_port: int
) -> None:
    dns = DnsConfig(nameservers=("127.0.0.1",), port=silent_port, timeout_s=5.0)
    listed = await lookup("api.hosts-bad.net", "hosts-bad.net", feeds, dns, dbl=False)
    clean = await lookup("clean-lab.com", "clean-lab.com", feeds, dns, dbl=False)
    assert queries_received(silent_sink) == 0
    assert [f.outcome for f in findings(listed).values()] == [T, NAV]
    assert [f.outcome for f in findings(clean).values()] == [F, NAV]
