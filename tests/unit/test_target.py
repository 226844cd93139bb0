"""URL normalisation: one canonical form per endpoint, clear refusals for everything else."""

from __future__ import annotations

import idna
import pytest

from probes.errors import TargetRejected
from probes.target import parse_endpoint_url


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("https://Example.COM/mcp", "https://example.com/mcp"),
        ("HTTPS://example.com:443/mcp", "https://example.com/mcp"),
        ("http://example.com:80", "http://example.com/"),
        ("https://example.com:8443/a?b=c#frag", "https://example.com:8443/a?b=c"),
        ("https://example.com./mcp", "https://example.com/mcp"),
        ("https://Bücher.example/mcp", "https://xn--bcher-kva.example/mcp"),
        ("https://[::1]:8443/", "https://[::1]:8443/"),
        ("https://[0:0:0:0:0:0:0:1]/", "https://[::1]/"),
        ("https://2130706433/", "https://127.0.0.1/"),
        ("https://0x7f.1/", "https://127.0.0.1/"),
        ("https://017700000001/", "https://127.0.0.1/"),
        ("https://0x7f000001/", "https://127.0.0.1/"),
        ("https://127.1/", "https://127.0.0.1/"),
    ],
)
def test_urls_normalise_to_one_canonical_form(raw: str, canonical: str) -> None:
    assert parse_endpoint_url(raw).url == canonical


def test_normalised_parts_are_exposed() -> None:
    endpoint = parse_endpoint_url("https://MCP.Example.co.uk:8443/x")
    assert (endpoint.scheme, endpoint.host, endpoint.port, endpoint.path) == (
        "https",
        "mcp.example.co.uk",
        8443,
        "/x",
    )
    assert endpoint.registrable_domain == "example.co.uk"
    assert endpoint.is_tls


def test_private_suffixes_make_platform_subdomains_registrable() -> None:
    assert parse_endpoint_url("https://alice.github.io/").registrable_domain == "alice.github.io"
    assert parse_endpoint_url("https://127.0.0.1/").registrable_domain is None


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("ftp://example.com/", "unsupported scheme"),
        ("example.com/mcp", "unsupported scheme"),
        ("https://", "no host"),
        ("https:///path", "no host"),
        ("https://user:pw@example.com/", "credentials"),
        ("https://user@example.com/", "credentials"),
        ("https://example.com:99999/", "malformed"),
        ("https://example.com:0/", "port 0"),
        ("https://exa mple.com/", "whitespace"),
        ("https://example.com/\x00", "control"),
        ("https://" + "a" * 2050 + ".com/", "longer than"),
        ("https://[fe80::1%25eth0]/", "zone identifiers"),
        ("https://[not-ipv6]/", "malformed"),
        ("https://1.2.3.4.5/", "not a valid IPv4"),
        ("https://08.0.0.1/", "not a valid IPv4"),
        ("https://-bad-.example/", "not a valid domain"),
    ],
)
def test_invalid_urls_are_refused_with_a_reason(raw: str, message: str) -> None:
    with pytest.raises(TargetRejected, match=message):
        parse_endpoint_url(raw)


@pytest.mark.parametrize(
    "host",
    [
        "mcp.example.com",
        "a-b.example",
        "x" * 63 + ".example",
        "xn--bcher-kva.example",
        "Bücher.example",
        "münchen.de",
        "ex--ample.com",
        "_dmarc.example.com",
        "-bad-.example",
        "bad-.example",
        "x" * 64 + ".example",
        "a..b.example",
        "xn--zz.example",
    ],
)
def test_ascii_fast_path_agrees_with_idna(host: str) -> None:
    """The LDH shortcut must give exactly what the idna package gives, refusals included."""
    try:
        expected: str | None = idna.encode(host, uts46=True).decode("ascii")
    except idna.IDNAError:
        expected = None
    try:
        actual: str | None = parse_endpoint_url(f"https://{host}/").host
    except TargetRejected:
        actual = None
    assert actual == expected
