"""Canonical endpoint URLs and the resolved, address-pinned targets probes connect to.

One canonical form per endpoint matters twice: it is the storage key (so `HTTPS://Example.COM:443`
and `https://example.com/` are one endpoint) and it is what the SSRF policy judges, so every
legacy IPv4 spelling (`2130706433`, `0x7f.1`, `017700000001`) is reduced to dotted form first.
"""

from __future__ import annotations

import functools
import ipaddress
import re
import socket
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import SplitResult, urlsplit, urlunsplit

import idna

from probes.errors import TargetRejected
from probes.query_secrets import HINT, credential_parameters

if TYPE_CHECKING:
    import tldextract

MAX_URL_LENGTH = 2048
DEFAULT_PORTS = {"https": 443, "http": 80}
_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$")
_FORBIDDEN_CHARS = re.compile(r"[\x00-\x20\x7f\\]")
# An ASCII letter-digit-hyphen label needs no IDNA mapping beyond lowercasing; "xn--" and any
# label with "--" in positions 3-4 still go through the idna package, which validates them.
_LDH_LABEL = re.compile(r"^(?!-)(?!..--)[a-z0-9-]{1,63}(?<!-)$")


@dataclass(frozen=True, slots=True, kw_only=True)
class EndpointUrl:
    """A normalised http(s) URL: lowercase scheme and host, IDNA, no default port or fragment."""

    url: str
    scheme: str
    host: str
    port: int
    path: str
    host_is_ip: bool

    @property
    def is_tls(self) -> bool:
        """Whether the scheme promises TLS."""
        return self.scheme == "https"

    @property
    def registrable_domain(self) -> str | None:
        """The eTLD+1 (private suffixes included), or None for IP literals and bare names."""
        if self.host_is_ip:
            return None
        return registrable_domain_of(self.host)


@dataclass(frozen=True, slots=True, kw_only=True)
class Target:
    """An endpoint whose addresses were resolved once and approved; collectors connect only here."""

    endpoint: EndpointUrl
    addresses: tuple[str, ...]

    @property
    def url(self) -> str:
        """The canonical URL."""
        return self.endpoint.url

    @property
    def pinned_address(self) -> str:
        """The address every connection of this scan uses, so a DNS rebind cannot move it."""
        return self.addresses[0]


@functools.cache
def _extractor() -> tldextract.TLDExtract:
    import tldextract  # noqa: PLC0415 - it imports requests; only a domain lookup needs it

    # suffix_list_urls=() keeps tldextract on its bundled snapshot: no hidden download.
    return tldextract.TLDExtract(suffix_list_urls=(), include_psl_private_domains=True)


def registrable_domain_of(host: str) -> str | None:
    """The eTLD+1 of an already-normalised host name (see EndpointUrl.registrable_domain)."""
    parts = _extractor()(host)
    if not parts.suffix or not parts.domain:
        return None
    return f"{parts.domain}.{parts.suffix}"


def parse_endpoint_url(raw: str) -> EndpointUrl:
    """Normalise a submitted URL or raise TargetRejected saying what is wrong with it."""
    if len(raw) > MAX_URL_LENGTH:
        raise TargetRejected(f"URL is longer than {MAX_URL_LENGTH} characters")
    if _FORBIDDEN_CHARS.search(raw):
        raise TargetRejected("URL contains whitespace, control characters or backslashes")
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError as exc:
        raise TargetRejected(f"URL is malformed: {exc}") from exc
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise TargetRejected(f"unsupported scheme {scheme or '(none)'!r}: use https:// or http://")
    if parts.username is not None or parts.password is not None:
        raise TargetRejected("URL must not contain credentials")
    host, host_is_ip = _normalise_host(parts)
    effective_port = port if port is not None else DEFAULT_PORTS[scheme]
    if effective_port == 0:
        raise TargetRejected("port 0 is not a valid port")
    netloc_host = f"[{host}]" if ":" in host else host
    netloc = netloc_host if effective_port == DEFAULT_PORTS[scheme] else f"{netloc_host}:{port}"
    path = parts.path or "/"
    url = urlunsplit((scheme, netloc, path, parts.query, ""))
    return EndpointUrl(
        url=url, scheme=scheme, host=host, port=effective_port, path=path, host_is_ip=host_is_ip
    )


def parse_submitted_url(raw: str) -> EndpointUrl:
    """Normalise a URL someone submits to be stored (a scan, a lookup), refusing secrets in it.

    Only here, not in parse_endpoint_url: a redirect or an endpoint a server names may carry
    a token legitimately, and is followed, not stored as the endpoint's identity.
    """
    endpoint = parse_endpoint_url(raw)
    if secrets := credential_parameters(urlsplit(endpoint.url).query):
        named = ", ".join(repr(name[:64]) for name in secrets[:5])
        raise TargetRejected(f"URL query parameter {named} looks like a credential: {HINT}")
    return endpoint


def _normalise_host(parts: SplitResult) -> tuple[str, bool]:
    raw_host = parts.hostname
    if not raw_host:
        raise TargetRejected("URL has no host")
    if "[" in parts.netloc:
        return _normalise_ipv6(raw_host), True
    host = raw_host.rstrip(".").lower()
    if not host:
        raise TargetRejected("URL has no host")
    if _NUMERIC_LABEL.match(host.rsplit(".", 1)[-1]):
        return _normalise_ipv4(host), True
    ascii_host = host if all(map(_LDH_LABEL.match, host.split("."))) else _idna(host)
    if len(ascii_host) > 253:  # noqa: PLR2004 - RFC 1035 name length
        raise TargetRejected("host name is longer than 253 characters")
    return ascii_host, False


def _idna(host: str) -> str:
    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except idna.IDNAError as exc:
        raise TargetRejected(f"host {host!r} is not a valid domain name: {exc}") from exc


def _normalise_ipv4(host: str) -> str:
    # A last label that is a number makes the host an IPv4 address (WHATWG URL "ends in a
    # number"); glibc's inet_aton accepts the same legacy forms a client library would.
    try:
        return socket.inet_ntoa(socket.inet_aton(host))
    except OSError as exc:
        raise TargetRejected(f"host {host!r} is not a valid IPv4 address") from exc


def _normalise_ipv6(host: str) -> str:
    if "%" in host:
        raise TargetRejected("IPv6 zone identifiers are not allowed in endpoint URLs")
    try:
        address = ipaddress.IPv6Address(host)
    except ValueError as exc:
        raise TargetRejected(f"host [{host}] is not a valid IPv6 address") from exc
    return address.compressed
