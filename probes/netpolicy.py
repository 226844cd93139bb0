"""Which addresses a stranger's URL may make us connect to (the SSRF guard).

Resolve once, judge every address, pin the approved ones: collectors connect to the pinned
address only, so a name that re-resolves to 127.0.0.1 a moment later gains nothing. A name
with several addresses is refused if any one of them is refused, because the caller cannot
choose which one a client library would use.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from probes.errors import TargetRejected, Unreachable
from probes.special_addresses import IPAddress, IPNetwork, Reach, classify, embedded_ipv4
from probes.target import EndpointUrl, Target

Resolver = Callable[[str, int], Awaitable[list[str]]]

# Cloud instance-metadata services: refused even when private targets are allowed, unless an
# operator lists them in `allowed_networks` explicitly.
METADATA_ADDRESSES: frozenset[IPAddress] = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack
        "169.254.170.2",  # AWS ECS task metadata
        "fd00:ec2::254",  # AWS IPv6
        "100.100.100.200",  # Alibaba Cloud
        "192.0.0.192",  # Oracle Cloud
    )
)


@dataclass(frozen=True, slots=True, kw_only=True)
class NetworkPolicy:
    """Operator choices about non-public targets; the default refuses all of them.

    Attributes:
        allow_private: permit loopback, private, link-local, CGNAT and the other blocks the
            special-purpose registries mark not globally reachable (never multicast, the
            unspecified or broadcast address, nor metadata): tests and set-ups on loopback.
        allowed_networks: networks permitted whatever their kind, checked first.
        allow_public: permit global addresses outside `allowed_networks`; off confines
            probing to the allow-list (a partner range, or a test that fuzzes the API and
            must never reach the internet).
    """

    allow_private: bool = False
    allowed_networks: tuple[IPNetwork, ...] = ()
    allow_public: bool = True

    def refusal(self, address: IPAddress) -> str | None:  # noqa: PLR0911 - one exit per kind
        """Say why the address may not be probed, or None when it may.

        An IPv6 address that carries IPv4 addresses (mapped, compatible, translated, NAT64,
        6to4, Teredo) is refused if any of them is; then the most specific block of the IANA
        special-purpose registries decides (probes/special_addresses.py).
        """
        if any(address in net for net in self.allowed_networks if net.version == address.version):
            return None
        if address in METADATA_ADDRESSES:
            return f"{address} is a cloud metadata address"
        for embedded in embedded_ipv4(address):
            reason = self.refusal(embedded)
            if reason is not None:
                return f"{address} embeds {embedded}: {reason}"
        block = classify(address)
        if block.reach is Reach.NEVER:
            return f"{address} is {block.describes}"
        if block.reach in (Reach.GLOBAL, Reach.EMBEDDED):
            return None if self.allow_public else f"{address} is outside the allowed networks"
        if self.allow_private:
            return None
        return f"{address} is {block.describes}"

    def check(self, addresses: list[str]) -> tuple[str, ...]:
        """Approve every address or raise TargetRejected naming the first refused one."""
        if not addresses:
            raise Unreachable("the host has no addresses")
        approved: list[str] = []
        for text in addresses:
            address = ipaddress.ip_address(text)
            reason = self.refusal(address)
            if reason is not None:
                raise TargetRejected(f"target refused by network policy: {reason}")
            approved.append(address.compressed)
        return tuple(dict.fromkeys(approved))


async def system_resolver(host: str, port: int) -> list[str]:
    """Resolve with the operating system (getaddrinfo), keeping the order it returns."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise Unreachable(f"cannot resolve {host}: {exc.strerror}") from exc
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


async def resolve_target(
    endpoint: EndpointUrl, policy: NetworkPolicy, resolver: Resolver = system_resolver
) -> Target:
    """Resolve the endpoint's host once and pin the addresses the policy approves."""
    if endpoint.host_is_ip:
        addresses = [endpoint.host]
    else:
        addresses = await resolver(endpoint.host, endpoint.port)
    return Target(endpoint=endpoint, addresses=policy.check(addresses))
