"""The DNS resolver every domain collector uses: configured nameservers, bounded time, DO bit.

Nameservers are operator configuration (a validating resolver they run), not something a
submitted URL can choose, so they are not checked against the SSRF policy. With none given
the system's resolv.conf is used; tests always give loopback servers.
"""

from __future__ import annotations

from dataclasses import dataclass

import dns.asyncresolver
import dns.flags

EDNS_PAYLOAD = 1232  # the DNS flag day 2020 size: no fragmentation


@dataclass(frozen=True, slots=True, kw_only=True)
class DnsConfig:
    """Where and how long to ask.

    Attributes:
        nameservers: resolver addresses; empty means the system's resolv.conf.
        port: their port (tests run BIND and unbound on high loopback ports).
        timeout_s: total time for one question, retries across nameservers included.
    """

    nameservers: tuple[str, ...] = ()
    port: int = 53
    timeout_s: float = 3.0


def make_resolver(config: DnsConfig) -> dns.asyncresolver.Resolver:
    """An async resolver asking with DNSSEC OK set, so a validating resolver reports AD."""
    if config.nameservers:
        resolver = dns.asyncresolver.Resolver(configure=False)
        resolver.nameservers = list(config.nameservers)
    else:
        resolver = dns.asyncresolver.Resolver(configure=True)
    resolver.port = config.port
    resolver.lifetime = config.timeout_s
    resolver.timeout = config.timeout_s
    resolver.use_edns(0, dns.flags.DO, EDNS_PAYLOAD)
    resolver.cache = None
    return resolver
