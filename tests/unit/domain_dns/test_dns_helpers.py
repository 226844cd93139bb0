"""The collector's pure helpers: caps, address kinds, the CAA climb, record matching."""

from __future__ import annotations

import pytest

from probes.domain.dns_collect import (
    _DMARC,
    _SPF,
    _ancestors,
    _closest_caa,
    _describe,
    _Reply,
)
from probes.domain.dns_observation import MAX_RECORDS, MAX_TEXT, capped, clip, non_public_addresses


def test_clip_and_capped() -> None:
    assert clip("short") == "short"
    assert clip("x" * 1000) == "x" * (MAX_TEXT - 1) + "…"
    assert len(clip("y" * 50, 10)) == 10
    items = [f"r{i}" for i in range(100)] + ["r0"]
    assert capped(items) == tuple(f"r{i}" for i in range(MAX_RECORDS))
    assert capped(["a", "a", "b"]) == ("a", "b")
    assert capped(["z" * 5000]) == ("z" * (MAX_TEXT - 1) + "…",)


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("10.0.0.5", "10.0.0.5 is a private address"),
        ("192.168.1.1", "192.168.1.1 is a private address"),
        ("127.0.0.1", "127.0.0.1 is a loopback address"),
        ("::1", "::1 is a loopback address"),
        ("169.254.3.4", "169.254.3.4 is a link-local address"),
        ("fe80::1", "fe80::1 is a link-local address"),
        ("100.64.0.1", "100.64.0.1 is a carrier-grade NAT address"),
        ("224.0.0.1", "224.0.0.1 is a multicast address"),
        ("240.0.0.1", "240.0.0.1 is a reserved address"),
        ("0.0.0.0", "0.0.0.0 is the unspecified address"),
        ("169.254.169.254", "169.254.169.254 is a cloud metadata address"),
        ("::ffff:10.0.0.1", "::ffff:a00:1 embeds 10.0.0.1: 10.0.0.1 is a private address"),
        ("93.184.216.34", None),
        ("2606:4700:4700::1111", None),
    ],
)
def test_non_public_addresses_follow_the_ssrf_policy(address: str, reason: str | None) -> None:
    assert non_public_addresses([address]) == (() if reason is None else (reason,))


def test_non_public_addresses_are_sorted_and_unique() -> None:
    found = non_public_addresses(["::1", "192.168.0.2", "10.0.0.5", "10.0.0.5", "8.8.8.8"])
    assert found == (
        "10.0.0.5 is a private address",
        "192.168.0.2 is a private address",
        "::1 is a loopback address",
    )


@pytest.mark.parametrize(
    ("host", "domain", "expected"),
    [
        ("example.com", "example.com", ["example.com"]),
        ("mcp.example.com", "example.com", ["mcp.example.com", "example.com"]),
        (
            "a.b.example.co.uk",
            "example.co.uk",
            ["a.b.example.co.uk", "b.example.co.uk", "example.co.uk"],
        ),
        ("mcp.other.org", "example.com", ["mcp.other.org"]),
        ("notexample.com", "example.com", ["notexample.com"]),
    ],
)
def test_ancestors(host: str, domain: str, expected: list[str]) -> None:
    assert _ancestors(host, domain) == expected


def test_closest_caa_stops_at_an_unknown_name() -> None:
    empty, failed = _Reply("a.example.com", "CAA"), _Reply("b.example.com", "CAA", problem="x")
    assert _closest_caa([empty, failed]) == (None, None)
    assert _closest_caa([empty, _Reply("example.com", "CAA", nxdomain=True)]) == ((), None)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("v=spf1 -all", "spf"),
        ("V=SPF1 include:_spf.example.com ~all", "spf"),
        ("v=spf1", "spf"),
        ("v=spf10 -all", None),
        ("spf2.0/pra v=spf1", None),
        ("v=DMARC1; p=reject", "dmarc"),
        ("v=DMARC1;p=none", "dmarc"),
        ("v = DMARC1 ; p=none", "dmarc"),
        ("v=DMARC10; p=none", None),
        ("p=reject; v=DMARC1", None),
    ],
)
def test_record_patterns(text: str, kind: str | None) -> None:
    matched = [name for name, pattern in (("spf", _SPF), ("dmarc", _DMARC)) if pattern.match(text)]
    assert matched == ([] if kind is None else [kind])


def test_describe() -> None:
    assert _describe(TimeoutError(), 3.0) == "no usable answer within 3 s"
    assert _describe(ConnectionRefusedError("refused"), 1) == "ConnectionRefusedError: refused"
    assert _describe(EOFError(), 1) == "EOFError"
