"""One address in every special-purpose block, and whether the default policy may probe it.

Written from the IANA IPv4 and IPv6 Special-Purpose Address Registries by hand, apart from
probes/special_addresses.py, so a wrong row there fails here. REFUSE: the default policy must
refuse it; PROBE: a public destination. Shared by the unit test and the scan and webhook
boundary tests.
"""

from __future__ import annotations

REFUSE = True
PROBE = False

# Each case: the address, whether the default policy refuses it, and why.
CASES: tuple[tuple[str, bool, str], ...] = (
    # IPv4 special-purpose registry
    ("0.1.2.3", REFUSE, '"this network" 0.0.0.0/8, RFC 791'),
    ("0.0.0.0", REFUSE, "this host 0.0.0.0/32, RFC 1122"),
    ("10.20.30.40", REFUSE, "private-use 10.0.0.0/8, RFC 1918"),
    ("100.64.0.1", REFUSE, "shared address space 100.64.0.0/10, RFC 6598"),
    ("127.0.0.1", REFUSE, "loopback 127.0.0.0/8, RFC 1122"),
    ("169.254.1.1", REFUSE, "link local 169.254.0.0/16, RFC 3927"),
    ("172.31.255.254", REFUSE, "private-use 172.16.0.0/12, RFC 1918"),
    ("192.0.0.100", REFUSE, "IETF protocol assignments 192.0.0.0/24, RFC 6890"),
    ("192.0.0.1", REFUSE, "service continuity 192.0.0.0/29, RFC 7335"),
    ("192.0.0.8", REFUSE, "dummy 192.0.0.8/32, RFC 7600"),
    ("192.0.0.9", PROBE, "PCP anycast 192.0.0.9/32, RFC 7723: globally reachable"),
    ("192.0.0.10", PROBE, "TURN anycast 192.0.0.10/32, RFC 8155: globally reachable"),
    ("192.0.0.170", REFUSE, "NAT64/DNS64 discovery, RFC 8880"),
    ("192.0.0.171", REFUSE, "NAT64/DNS64 discovery, RFC 8880"),
    ("192.0.2.1", REFUSE, "TEST-NET-1, RFC 5737"),
    ("192.31.196.1", PROBE, "AS112-v4, RFC 7535: globally reachable"),
    ("192.52.193.1", PROBE, "AMT, RFC 7450: globally reachable"),
    ("192.88.99.1", REFUSE, "deprecated 6to4 relay anycast, RFC 7526"),
    ("192.88.99.2", REFUSE, "6a44 relay anycast, RFC 6751"),
    ("192.168.1.1", REFUSE, "private-use 192.168.0.0/16, RFC 1918"),
    ("192.175.48.1", PROBE, "direct delegation AS112, RFC 7534: globally reachable"),
    ("198.19.255.254", REFUSE, "benchmarking 198.18.0.0/15, RFC 2544"),
    ("198.51.100.7", REFUSE, "TEST-NET-2, RFC 5737"),
    ("203.0.113.7", REFUSE, "TEST-NET-3, RFC 5737"),
    ("240.0.0.1", REFUSE, "reserved 240.0.0.0/4, RFC 1112"),
    ("255.255.255.255", REFUSE, "limited broadcast, RFC 919"),
    # IPv4 beyond the special-purpose registry
    ("224.0.0.1", REFUSE, "multicast, RFC 5771"),
    ("8.8.8.8", PROBE, "ordinary unicast"),
    # IPv6 special-purpose registry
    ("::1", REFUSE, "loopback, RFC 4291"),
    ("::", REFUSE, "unspecified, RFC 4291"),
    ("::ffff:8.8.8.8", REFUSE, "IPv4-mapped ::ffff:0:0/96, RFC 4291: not globally reachable"),
    ("::ffff:127.0.0.1", REFUSE, "IPv4-mapped loopback"),
    ("64:ff9b::808:808", PROBE, "NAT64 64:ff9b::/96 of 8.8.8.8, RFC 6052: globally reachable"),
    ("64:ff9b::a00:1", REFUSE, "NAT64 of 10.0.0.1"),
    ("64:ff9b:1::808:808", REFUSE, "local-use NAT64 64:ff9b:1::/48, RFC 8215"),
    ("64:ff9b:1::a00:1", REFUSE, "local-use NAT64 of 10.0.0.1 (the issue's case)"),
    ("100::1", REFUSE, "discard-only 100::/64, RFC 6666"),
    ("100:0:0:1::1", REFUSE, "dummy prefix 100:0:0:1::/64, RFC 9780"),
    ("2001:100::1", REFUSE, "IETF protocol assignments 2001::/23, RFC 2928"),
    ("2001:0:4136:e378:8000:63bf:f7f7:f7f7", PROBE, "Teredo: server 65.54.227.120, client 8.8.8.8"),
    ("2001:0:4136:e378:8000:63bf:f5ff:fffe", REFUSE, "Teredo whose client is 10.0.0.1"),
    ("2001:0:a00:1:8000:63bf:f7f7:f7f7", REFUSE, "Teredo whose server is 10.0.0.1"),
    ("2001:1::1", PROBE, "PCP anycast, RFC 7723: globally reachable"),
    ("2001:1::2", PROBE, "TURN anycast, RFC 8155: globally reachable"),
    ("2001:1::3", PROBE, "DNS-SD SRP anycast, RFC 9665: globally reachable"),
    ("2001:2::1", REFUSE, "benchmarking 2001:2::/48, RFC 5180"),
    ("2001:3::1", PROBE, "AMT 2001:3::/32, RFC 7450: globally reachable"),
    ("2001:4:112::1", PROBE, "AS112-v6, RFC 7535: globally reachable"),
    ("2001:10::1", REFUSE, "deprecated ORCHID 2001:10::/28, RFC 4843"),
    ("2001:20::1", REFUSE, "ORCHIDv2 2001:20::/28, RFC 7343: an identifier, not a locator"),
    ("2001:30::1", REFUSE, "DETs 2001:30::/28, RFC 9374: an identifier, not a locator"),
    ("2001:db8::1", REFUSE, "documentation 2001:db8::/32, RFC 3849"),
    ("2002:808:808::1", PROBE, "6to4 of 8.8.8.8, RFC 3056"),
    ("2002:7f00:1::", REFUSE, "6to4 of 127.0.0.1"),
    ("2002:a9fe:a9fe::1", REFUSE, "6to4 of the metadata address"),
    ("2620:4f:8000::1", PROBE, "direct delegation AS112, RFC 7534: globally reachable"),
    ("3fff::1", REFUSE, "documentation 3fff::/20, RFC 9637 (global to Python 3.11)"),
    ("5f00::1", REFUSE, "SRv6 SIDs 5f00::/16, RFC 9602"),
    ("fd00::1", REFUSE, "unique-local fc00::/7, RFC 4193"),
    ("fe80::1", REFUSE, "link-local fe80::/10, RFC 4291"),
    # IPv6 beyond the special-purpose registry
    ("::7f00:1", REFUSE, "IPv4-compatible ::/96 of 127.0.0.1 (the issue's case)"),
    ("::808:808", REFUSE, "IPv4-compatible, deprecated by RFC 4291"),
    ("::ffff:0:7f00:1", REFUSE, "IPv4-translated ::ffff:0:0:0/96 of 127.0.0.1 (the issue's case)"),
    ("fec0::1", REFUSE, "site-local, deprecated by RFC 3879"),
    ("ff02::1", REFUSE, "multicast ff00::/8, RFC 4291"),
    ("4000::1", REFUSE, "reserved by IETF, outside 2000::/3"),
    ("2606:4700:4700::1111", PROBE, "global unicast 2000::/3"),
)

REFUSED = tuple(address for address, refused, _ in CASES if refused)
PROBED = tuple(address for address, refused, _ in CASES if not refused)


def url_host(address: str) -> str:
    """The address as a URL host: IPv6 in brackets."""
    return f"[{address}]" if ":" in address else address
