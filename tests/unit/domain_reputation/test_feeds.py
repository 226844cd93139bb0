"""Offline feeds: every format, hostile lines, the size guard and matching."""

from __future__ import annotations

from pathlib import Path

import pytest

from probes.domain.feeds import MAX_LINE_CHARS, BlocklistFeed, FeedError, load_feed
from probes.target import parse_endpoint_url


def feed_from(tmp_path: Path, text: str | bytes, name: str = "feed.txt") -> BlocklistFeed:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return load_feed(path)


def test_plain_domain_list(tmp_path: Path) -> None:
    feed = feed_from(tmp_path, "# a comment\n\nBad.COM.\nevil.example.org\n*.wild.net\n")
    assert feed.domains == {"bad.com", "evil.example.org", "wild.net"}
    assert feed.hosts == frozenset()
    assert (feed.name, feed.lines, feed.skipped, feed.entries) == ("feed", 5, 0, 3)


def test_hosts_format_takes_every_name(tmp_path: Path) -> None:
    text = (
        "127.0.0.1 localhost\n"
        "::1 ip6-localhost ip6-loopback\n"
        "0.0.0.0 ads.bad.com tracker.bad.com  # two names\n"
        "127.0.0.1\tmal.example.net\n"
        "0.0.0.0 0.0.0.0\n"
    )
    feed = feed_from(tmp_path, text)
    assert feed.domains == {"ads.bad.com", "tracker.bad.com", "mal.example.net"}
    assert (feed.lines, feed.skipped) == (5, 3)


def test_url_list_lists_exact_hosts(tmp_path: Path) -> None:
    text = (
        "http://Bad-Url.com/path/x.exe\n"
        "https://user:pw@phish.example.org:8443/login?next=/#frag\n"
        "hxxp-less.example.net/dropper.bin\n"
        "http://good.example\\@backslash.example.com/\n"
        "https://xn--bcher-kva.example/\n"
    )
    feed = feed_from(tmp_path, text)
    assert feed.hosts == {
        "bad-url.com",
        "phish.example.org",
        "hxxp-less.example.net",
        "good.example",
        "xn--bcher-kva.example",
    }
    assert feed.domains == frozenset()


def test_phishtank_csv_uses_the_url_column(tmp_path: Path) -> None:
    text = (
        "phish_id,url,phish_detail_url,submission_time,verified,verification_time,online,target\n"
        "8123,https://login.phish-bank.com/secure,http://www.phishtank.com/phish_detail.php?"
        "phish_id=8123,2026-02-01T10:00:00+00:00,yes,2026-02-01T11:00:00+00:00,yes,Other\n"
        '8124,"http://quoted.example.com/a,b",http://www.phishtank.com/x,2026,yes,2026,yes,X\n'
        "8125,not a url,,,,,,\n"
    )
    feed = feed_from(tmp_path, text, "phishtank.csv")
    assert feed.hosts == {"login.phish-bank.com", "quoted.example.com"}
    assert (feed.name, feed.skipped) == ("phishtank", 1)


def test_urlhaus_csv_with_commented_header(tmp_path: Path) -> None:
    text = (
        "# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter\n"
        '"3385","2026-02-01 10:00:00","http://203.0.113.9/mozi.m","online","","malware_download"\n'
        '"3386","2026-02-01 10:01:00","https://drop.bad-files.net/a.exe","online","","x"\n'
    )
    feed = feed_from(tmp_path, text)
    assert feed.hosts == {"drop.bad-files.net"}
    assert (feed.skipped, feed.ip_literals) == (1, 1)


def test_adblock_and_domain_csv_lines(tmp_path: Path) -> None:
    feed = feed_from(tmp_path, "! adblock comment\n||ads.bad.com^\n||x.bad.org^$third-party\n")
    assert feed.domains == {"ads.bad.com", "x.bad.org"}
    feed = feed_from(tmp_path, "bad-one.com,phishing\n2026-01-01,bad-two.com\n")
    assert feed.domains == {"bad-one.com", "bad-two.com"}


def test_idn_is_stored_as_punycode(tmp_path: Path) -> None:
    feed = feed_from(tmp_path, "bücher-böse.de\nhttps://ПРИМЕР.рф/x\n")
    assert feed.domains == {"xn--bcher-bse-67a3d.de"}
    assert feed.hosts == {"xn--e1afmkfd.xn--p1ai"}


def test_ip_literals_are_skipped_and_counted(tmp_path: Path) -> None:
    text = "203.0.113.7\n2001:db8::1\nhttp://198.51.100.4/x\nhttp://[2001:db8::2]/x\n0x7f.1\n"
    feed = feed_from(tmp_path, text)
    assert feed.entries == 0
    assert (feed.lines, feed.skipped, feed.ip_literals) == (5, 5, 5)


def test_hostile_lines_are_counted_not_fatal(tmp_path: Path) -> None:
    long_name = "a" * (MAX_LINE_CHARS + 10) + ".com"
    text = (
        b"ok-one.com\n"
        + long_name.encode()
        + b"\n\x00\xff\xfe\x80binary\n"
        + b"bad..dots.com\n"
        + b"-leading-hyphen.com\n"
        + b"label" * 20
        + b".com\n"
        + b"http://\n"
        + b"http://[not-an-ip/\n"
        + b"localhost\n"
        + b"\xef\xbb\xbfok-two.com\r\n"
        + b"\n   \n"
    )
    feed = feed_from(tmp_path, text)
    assert feed.domains == {"ok-one.com", "ok-two.com"}
    assert feed.skipped == 8
    assert feed.summary() == "feed feed: 2 entries from 12 lines, 8 skipped (0 IP literals)"


def test_empty_file_is_an_empty_feed(tmp_path: Path) -> None:
    assert feed_from(tmp_path, "").entries == 0


def test_name_override(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text("bad.com\n")
    assert load_feed(path, name="urlhaus-hosts").name == "urlhaus-hosts"


def test_size_guard(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("bad.com\n" * 100)
    assert load_feed(path, max_bytes=800).entries == 1
    with pytest.raises(FeedError, match="is larger than 799 bytes"):
        load_feed(path, max_bytes=799)


def test_unreadable_files_raise_feed_error(tmp_path: Path) -> None:
    with pytest.raises(FeedError, match=r"cannot read feed .*missing\.txt"):
        load_feed(tmp_path / "missing.txt")
    with pytest.raises(FeedError, match="cannot read feed"):
        load_feed(tmp_path)
    assert issubclass(FeedError, ValueError)


FEED = BlocklistFeed(
    "test",
    domains=frozenset({"evil.com", "bad.sub.example.org", "co.uk"}),
    hosts=frozenset({"only.this.net"}),
)


@pytest.mark.parametrize(
    ("host", "domain", "matched"),
    [
        ("evil.com", "evil.com", "evil.com"),
        ("mcp.evil.com", "evil.com", "evil.com"),
        ("a.b.c.evil.com", "evil.com", "evil.com"),
        ("MCP.Evil.COM.", "evil.com", "evil.com"),
        ("notevil.com", "notevil.com", None),
        ("evil.com.example.net", "example.net", None),
        ("x.bad.sub.example.org", "example.org", "bad.sub.example.org"),
        ("sub.example.org", "example.org", None),
        ("other.sub.example.org", "example.org", None),
        ("mcp.company.co.uk", "company.co.uk", None),
        ("only.this.net", "this.net", "only.this.net"),
        ("mcp.only.this.net", "this.net", None),
        ("this.net", "this.net", None),
    ],
)
def test_matching_parents_not_siblings(host: str, domain: str, matched: str | None) -> None:
    assert FEED.match(host, domain) == matched


@pytest.mark.parametrize(
    "name",
    ["a-b.com", "A.B.COM", "1.2.3.com", "x1.co.uk", "xn--bcher-kva.de", "a--b.com", "Ü.com"],
)
def test_names_match_the_endpoint_normalisation(tmp_path: Path, name: str) -> None:
    feed = feed_from(tmp_path, f"{name}\n")
    assert feed.domains == {parse_endpoint_url(f"https://{name}/").host}
