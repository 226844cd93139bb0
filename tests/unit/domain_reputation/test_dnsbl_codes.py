"""DNSBL return codes read against the DBL/ZRD table, and zone names."""

from __future__ import annotations

import pytest

from probes.domain.dnsbl import DnsblZone, ListingKind, ZoneAnswer, classify_code

MAL, LOW, ABUSED = ListingKind.MALICIOUS, ListingKind.LOW_REPUTATION, ListingKind.ABUSED_LEGIT
ZRD, UNKNOWN, ERR = ListingKind.ZERO_REPUTATION, ListingKind.UNKNOWN_CODE, ListingKind.ERROR

CODES = [
    ("127.0.1.2", LOW, "low-reputation domain"),
    ("127.0.1.4", MAL, "phishing domain"),
    ("127.0.1.5", MAL, "malware domain"),
    ("127.0.1.6", MAL, "botnet C&C domain"),
    ("127.0.1.102", ABUSED, "abused legitimate domain"),
    ("127.0.1.103", ABUSED, "abused legitimate redirector"),
    ("127.0.1.104", ABUSED, "abused legitimate domain (phishing)"),
    ("127.0.1.105", ABUSED, "abused legitimate domain (malware)"),
    ("127.0.1.106", ABUSED, "abused legitimate domain (C&C)"),
    ("127.0.2.2", ZRD, "zero-reputation domain (first seen in the last 24 h)"),
    ("127.0.2.13", ZRD, "zero-reputation domain (first seen in the last 24 h)"),
    ("127.0.2.24", ZRD, "zero-reputation domain (first seen in the last 24 h)"),
    ("127.0.1.255", ERR, "error: IP query against a domain list"),
    ("127.255.255.252", ERR, "error: typing error in the zone name"),
    ("127.255.255.254", ERR, "error: query refused (public or open resolver, or generic rDNS)"),
    ("127.255.255.255", ERR, "error: excessive number of queries"),
    ("127.255.255.1", ERR, "error: the list refused the query"),
    ("127.255.255.253", ERR, "error: the list refused the query"),
    ("127.0.0.1", ERR, "error: query blocked by the list"),
    ("10.1.2.3", ERR, "error: answer outside 127.0.0.0/8 (NXDOMAIN rewritten?)"),
    ("192.0.2.1", ERR, "error: answer outside 127.0.0.0/8 (NXDOMAIN rewritten?)"),
    ("::1", ERR, "error: the answer is not an IPv4 address"),
    ("not an address", ERR, "error: the answer is not an IPv4 address"),
    ("127.0.0.2", LOW, "listed (generic DNSBL answer)"),
    ("127.0.0.4", UNKNOWN, "listed with a return code of unknown meaning"),
    ("127.0.1.3", UNKNOWN, "listed with a return code of unknown meaning"),
    ("127.0.1.107", UNKNOWN, "listed with a return code of unknown meaning"),
    ("127.0.2.1", UNKNOWN, "listed with a return code of unknown meaning"),
    ("127.0.2.25", UNKNOWN, "listed with a return code of unknown meaning"),
    ("127.1.2.3", UNKNOWN, "listed with a return code of unknown meaning"),
]


@pytest.mark.parametrize(("code", "kind", "meaning"), CODES, ids=[c for c, _, _ in CODES])
def test_code_classification(code: str, kind: ListingKind, meaning: str) -> None:
    read = classify_code(code)
    assert (read.kind, read.meaning) == (kind, meaning)


def test_kinds_rank_worst_first() -> None:
    assert sorted(ListingKind, key=lambda kind: kind.rank) == [MAL, ABUSED, ZRD, LOW, UNKNOWN, ERR]


def test_an_answer_with_a_problem_has_no_listings() -> None:
    failed = ZoneAnswer(zone="z.example", name="a.com", codes=("127.0.1.4",), problem="odd")
    assert failed.listings == ()
    listed = ZoneAnswer(zone="z.example", name="a.com", codes=("127.0.1.4", "127.0.2.3"))
    assert [(code, read.kind) for code, read in listed.listings] == [
        ("127.0.1.4", MAL),
        ("127.0.2.3", ZRD),
    ]


def test_zone_is_normalised() -> None:
    assert DnsblZone(" DBL.Spamhaus.ORG. ").zone == "dbl.spamhaus.org"
    assert DnsblZone("dbl.spamhaus.org").display == "dbl.spamhaus.org"


def test_label_hides_a_dqs_key_from_evidence() -> None:
    zone = DnsblZone("abc123key.dbl.dq.spamhaus.net", label="spamhaus-dbl")
    assert zone.zone == "abc123key.dbl.dq.spamhaus.net"
    assert zone.display == "spamhaus-dbl"


@pytest.mark.parametrize(
    "bad", ["", ".", "org", "dbl..spamhaus.org", "dbl spamhaus.org", "-x.org", "a" * 64 + ".org"]
)
def test_zone_rejects_non_names(bad: str) -> None:
    with pytest.raises(ValueError, match="is not a domain name"):
        DnsblZone(bad)
