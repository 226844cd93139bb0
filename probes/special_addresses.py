"""The IANA special-purpose address registries as data, and the IPv4 addresses IPv6 forms carry.

Why tables and not `ipaddress`'s `is_global`: Python's idea of "global" lags the registries
(3.11 calls the RFC 9637 documentation prefix 3fff::/20 global) and ignores IPv6 forms that carry
an IPv4 address, so `::7f00:1` (IPv4-compatible) and `64:ff9b:1::a00:1` (local-use NAT64) were
judged global while they reach 127.0.0.1 and 10.0.0.1. Here each block of the IPv4 and IPv6
Special-Purpose Address Registries (RFC 6890, as updated to the 2025 registries) is a row with
its RFC and the registry's "Globally Reachable" value, beside the policy's decision; a few rows
from the address-space registries (multicast, the deprecated IPv4-compatible and translated
forms, site-local, space outside 2000::/3) complete the picture. The most specific row that
contains an address decides, as the registries are meant to be read.
"""

from __future__ import annotations

import enum
import functools
import ipaddress
from collections.abc import Callable
from dataclasses import dataclass

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class Reach(enum.StrEnum):
    """What the SSRF policy makes of a block."""

    GLOBAL = "global"  # a public destination
    LOCAL = "local"  # non-public: probed only where the operator allows private targets
    NEVER = "never"  # never a unicast destination (unspecified, broadcast, multicast)
    EMBEDDED = "embedded"  # judged by the IPv4 addresses it carries (6to4, Teredo)


@dataclass(frozen=True, slots=True)
class Block:
    """One registry row.

    Attributes:
        network: the address block.
        name: the registry's name for it.
        rfc: the RFCs that define it.
        globally_reachable: the registry's "Globally Reachable" field; None where it reads N/A
            or its booleans were removed (deprecated rows); None also for rows from outside the
            special-purpose registries (`registry` False).
        reach: the policy's decision (equal to the registry's value except where `note` says).
        describes: the refusal's wording: "<address> is <describes>".
        registry: whether the row is in an IANA special-purpose registry.
        note: why the decision departs from the registry's value, where it does.
    """

    network: IPNetwork
    name: str
    rfc: str
    globally_reachable: bool | None
    reach: Reach
    describes: str
    registry: bool = True
    note: str = ""


_Row = tuple[str, str, str, bool | None, str]

_PRIVATE = "a private address"
_DOCS = "a documentation address"
_RESERVED = "a reserved address"
_ANYCAST = "a protocol anycast address"
_AS112 = "an AS112 address"
_NOT_A_LOCATOR = (
    "the registry says globally reachable, but these are cryptographic identifiers, not "
    "routable locators: a connection goes wherever a local overlay sends it"
)
_DEPRECATED = "deprecated; the registry removed its booleans: treated as not reachable"

# IANA IPv4 Special-Purpose Address Registry (iana-ipv4-special-registry), 2025 edition:
# block, name, RFC, Globally Reachable (None: N/A or removed), the refusal's wording.
_IPV4_ROWS: tuple[_Row, ...] = (
    ("0.0.0.0/8", '"This network"', "RFC 791", False, 'a "this network" address'),
    ("0.0.0.0/32", '"This host on this network"', "RFC 1122", False, "the unspecified address"),
    ("10.0.0.0/8", "Private-Use", "RFC 1918", False, _PRIVATE),
    ("100.64.0.0/10", "Shared Address Space", "RFC 6598", False, "a carrier-grade NAT address"),
    ("127.0.0.0/8", "Loopback", "RFC 1122", False, "a loopback address"),
    ("169.254.0.0/16", "Link Local", "RFC 3927", False, "a link-local address"),
    ("172.16.0.0/12", "Private-Use", "RFC 1918", False, _PRIVATE),
    ("192.0.0.0/24", "IETF Protocol Assignments", "RFC 6890", False, "an IETF protocol address"),
    ("192.0.0.0/29", "IPv4 Service Continuity Prefix", "RFC 7335", False, "a DS-Lite address"),
    ("192.0.0.8/32", "IPv4 dummy address", "RFC 7600", False, "a dummy address"),
    ("192.0.0.9/32", "Port Control Protocol Anycast", "RFC 7723", True, _ANYCAST),
    ("192.0.0.10/32", "Traversal Using Relays around NAT Anycast", "RFC 8155", True, _ANYCAST),
    ("192.0.0.170/32", "NAT64/DNS64 Discovery", "RFC 8880, RFC 7050", False, _RESERVED),
    ("192.0.0.171/32", "NAT64/DNS64 Discovery", "RFC 8880, RFC 7050", False, _RESERVED),
    ("192.0.2.0/24", "Documentation (TEST-NET-1)", "RFC 5737", False, _DOCS),
    ("192.31.196.0/24", "AS112-v4", "RFC 7535", True, _AS112),
    ("192.52.193.0/24", "AMT", "RFC 7450", True, _ANYCAST),
    ("192.88.99.0/24", "Deprecated (6to4 Relay Anycast)", "RFC 7526", None, "a 6to4 relay address"),
    ("192.88.99.2/32", "6a44-relay anycast address", "RFC 6751", False, "a 6a44 relay address"),
    ("192.168.0.0/16", "Private-Use", "RFC 1918", False, _PRIVATE),
    ("192.175.48.0/24", "Direct Delegation AS112 Service", "RFC 7534", True, _AS112),
    ("198.18.0.0/15", "Benchmarking", "RFC 2544", False, "a benchmarking address"),
    ("198.51.100.0/24", "Documentation (TEST-NET-2)", "RFC 5737", False, _DOCS),
    ("203.0.113.0/24", "Documentation (TEST-NET-3)", "RFC 5737", False, _DOCS),
    ("240.0.0.0/4", "Reserved", "RFC 1112", False, _RESERVED),
    ("255.255.255.255/32", "Limited Broadcast", "RFC 8190, RFC 919", False, "a broadcast address"),
)

# IANA IPv6 Special-Purpose Address Registry (iana-ipv6-special-registry), 2025 edition.
_IPV6_ROWS: tuple[_Row, ...] = (
    ("::1/128", "Loopback Address", "RFC 4291", False, "a loopback address"),
    ("::/128", "Unspecified Address", "RFC 4291", False, "the unspecified address"),
    ("::ffff:0:0/96", "IPv4-mapped Address", "RFC 4291", False, "an IPv4-mapped address"),
    ("64:ff9b::/96", "IPv4-IPv6 Translat.", "RFC 6052", True, "a NAT64 address"),
    ("64:ff9b:1::/48", "IPv4-IPv6 Translat.", "RFC 8215", False, "a local-use NAT64 address"),
    ("100::/64", "Discard-Only Address Block", "RFC 6666", False, "a discard-only address"),
    ("100:0:0:1::/64", "Dummy IPv6 Prefix", "RFC 9780", False, "a dummy address"),
    ("2001::/23", "IETF Protocol Assignments", "RFC 2928", False, "an IETF protocol address"),
    ("2001::/32", "TEREDO", "RFC 4380, RFC 8190", None, "a Teredo address"),
    ("2001:1::1/128", "Port Control Protocol Anycast", "RFC 7723", True, _ANYCAST),
    ("2001:1::2/128", "Traversal Using Relays around NAT Anycast", "RFC 8155", True, _ANYCAST),
    ("2001:1::3/128", "DNS-SD Service Registration Protocol Anycast", "RFC 9665", True, _ANYCAST),
    ("2001:2::/48", "Benchmarking", "RFC 5180", False, "a benchmarking address"),
    ("2001:3::/32", "AMT", "RFC 7450", True, _ANYCAST),
    ("2001:4:112::/48", "AS112-v6", "RFC 7535", True, _AS112),
    ("2001:10::/28", "Deprecated (previously ORCHID)", "RFC 4843", None, "an ORCHID identifier"),
    ("2001:20::/28", "ORCHIDv2", "RFC 7343", True, "an ORCHIDv2 identifier"),
    (
        "2001:30::/28",
        "Drone Remote ID Protocol Entity Tags (DETs) Prefix",
        "RFC 9374",
        True,
        "a DET",
    ),
    ("2001:db8::/32", "Documentation", "RFC 3849", False, _DOCS),
    ("2002::/16", "6to4", "RFC 3056", None, "a 6to4 address"),
    ("2620:4f:8000::/48", "Direct Delegation AS112 Service", "RFC 7534", True, _AS112),
    ("3fff::/20", "Documentation", "RFC 9637", False, _DOCS),
    ("5f00::/16", "Segment Routing (SRv6) SIDs", "RFC 9602", False, "an SRv6 SID"),
    ("fc00::/7", "Unique-Local", "RFC 4193, RFC 8190", False, _PRIVATE),
    ("fe80::/10", "Link-Local Unicast", "RFC 4291", False, "a link-local address"),
)

# Rows from the address-space registries that the special-purpose ones leave out (their
# Globally Reachable is None: no such column there), catch-alls included.
_SUPPLEMENT_ROWS: tuple[_Row, ...] = (
    ("0.0.0.0/0", "IPv4 unicast", "RFC 791", None, "a public address"),
    ("224.0.0.0/4", "Multicast", "RFC 5771", None, "a multicast address"),
    ("::/0", "Reserved by IETF (outside 2000::/3)", "RFC 4291", None, _RESERVED),
    ("2000::/3", "Global Unicast", "RFC 4291", None, "a public address"),
    ("::/96", "IPv4-compatible (deprecated)", "RFC 4291", None, "an IPv4-compatible address"),
    ("::ffff:0:0:0/96", "IPv4-translated", "RFC 2765", None, "an IPv4-translated address"),
    ("fec0::/10", "Site-Local (deprecated)", "RFC 3879", None, _RESERVED),
    ("ff00::/8", "Multicast", "RFC 4291", None, "a multicast address"),
)

# Where the policy's decision is not "GLOBAL if the registry says globally reachable, else
# LOCAL", and why.
_DECISIONS: dict[str, tuple[Reach, str]] = {
    "0.0.0.0/32": (Reach.NEVER, "never a destination"),
    "255.255.255.255/32": (Reach.NEVER, "never a unicast destination"),
    "::/128": (Reach.NEVER, "never a destination"),
    "192.88.99.0/24": (Reach.LOCAL, _DEPRECATED),
    "2001:10::/28": (Reach.LOCAL, _DEPRECATED),
    "2001:20::/28": (Reach.LOCAL, _NOT_A_LOCATOR),
    "2001:30::/28": (Reach.LOCAL, _NOT_A_LOCATOR),
    "2001::/32": (Reach.EMBEDDED, "reaches the IPv4 addresses it carries, judged first"),
    "2002::/16": (Reach.EMBEDDED, "reaches the IPv4 address it carries, judged first"),
    "0.0.0.0/0": (Reach.GLOBAL, "IPv4 outside every special-purpose block"),
    "2000::/3": (Reach.GLOBAL, "the global unicast space outside every special-purpose block"),
    "224.0.0.0/4": (Reach.NEVER, "never a unicast destination"),
    "ff00::/8": (Reach.NEVER, "never a unicast destination"),
}


def _blocks(rows: tuple[_Row, ...], *, registry: bool) -> tuple[Block, ...]:
    blocks: list[Block] = []
    for network, name, rfc, reachable, describes in rows:
        reach, note = _DECISIONS.get(network, (Reach.GLOBAL if reachable else Reach.LOCAL, ""))
        net = ipaddress.ip_network(network)
        blocks.append(Block(net, name, rfc, reachable, reach, describes, registry, note))
    return tuple(blocks)


IPV4_SPECIAL = _blocks(_IPV4_ROWS, registry=True)
IPV6_SPECIAL = _blocks(_IPV6_ROWS, registry=True)
SUPPLEMENT = _blocks(_SUPPLEMENT_ROWS, registry=False)
BLOCKS: tuple[Block, ...] = IPV4_SPECIAL + IPV6_SPECIAL + SUPPLEMENT


def classify(address: IPAddress) -> Block:
    """The most specific block containing the address (every address has one: catch-alls)."""
    return _classify(address.version, int(address))


@functools.lru_cache(maxsize=4096)
def _classify(version: int, value: int) -> Block:
    best: Block | None = None
    for block in _BY_VERSION[version]:
        net = block.network
        if (value & int(net.netmask)) == int(net.network_address) and (
            best is None or net.prefixlen > best.network.prefixlen
        ):
            best = block
    assert best is not None  # noqa: S101 - the catch-all rows contain every address
    return best


_BY_VERSION: dict[int, tuple[Block, ...]] = {
    4: tuple(b for b in BLOCKS if b.network.version == 4),  # noqa: PLR2004
    6: tuple(b for b in BLOCKS if b.network.version == 6),  # noqa: PLR2004
}


@dataclass(frozen=True, slots=True)
class Embedding:
    """An IPv6 form that carries IPv4 addresses, and where they sit."""

    network: ipaddress.IPv6Network
    name: str
    rfc: str
    extract: Callable[[int], tuple[int, ...]]


def _low32(value: int) -> tuple[int, ...]:
    return (value & 0xFFFFFFFF,)


def _compatible(value: int) -> tuple[int, ...]:
    # :: and ::1 sit in ::/96 too but are the unspecified and loopback addresses themselves.
    return () if value <= 1 else _low32(value)


def _sixtofour(value: int) -> tuple[int, ...]:
    return ((value >> 80) & 0xFFFFFFFF,)


def _teredo(value: int) -> tuple[int, ...]:
    # RFC 4380 section 4: the server's address in bits 32-63, the client's (obfuscated by
    # inverting every bit) in the last 32; a relay forwards to the client's.
    return ((value >> 64) & 0xFFFFFFFF, ~value & 0xFFFFFFFF)


EMBEDDINGS: tuple[Embedding, ...] = tuple(
    Embedding(ipaddress.IPv6Network(net), name, rfc, extract)
    for net, name, rfc, extract in (
        ("::ffff:0:0/96", "IPv4-mapped", "RFC 4291", _low32),
        ("::/96", "IPv4-compatible", "RFC 4291", _compatible),
        ("::ffff:0:0:0/96", "IPv4-translated", "RFC 2765", _low32),
        ("64:ff9b::/96", "NAT64 well-known prefix", "RFC 6052", _low32),
        # RFC 8215's /48 may hold a NAT64 prefix of any RFC 6052 length; the /96 layout (the
        # IPv4 address last) is the one deployed. Other layouts stay refused by default,
        # since the block itself is not globally reachable.
        ("64:ff9b:1::/48", "local-use NAT64", "RFC 8215", _low32),
        ("2002::/16", "6to4", "RFC 3056", _sixtofour),
        ("2001::/32", "Teredo", "RFC 4380", _teredo),
    )
)


def embedded_ipv4(address: IPAddress) -> tuple[ipaddress.IPv4Address, ...]:
    """Every IPv4 address the IPv6 address carries and may reach."""
    if isinstance(address, ipaddress.IPv4Address):
        return ()
    value = int(address)
    found: list[ipaddress.IPv4Address] = []
    for form in EMBEDDINGS:
        if address in form.network:
            found.extend(ipaddress.IPv4Address(v) for v in form.extract(value))
    return tuple(dict.fromkeys(found))
