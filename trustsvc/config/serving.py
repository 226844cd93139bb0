"""How `trustsvc serve` holds its connections: timeouts, a per-client cap, trusted proxies."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass

from trustsvc.config.env import SettingsError, items, number

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True, slots=True, kw_only=True)
class ServingSettings:
    """Connection limits of the API server (issue 16: slow clients must not hold it).

    Attributes:
        header_timeout_s: a connection must deliver a whole request head this long after
            it opened, or after its first byte when it was idle between requests; else the
            server closes it. A client that trickles header bytes (slow loris) is dropped.
        body_timeout_s: a declared request body must arrive whole this long after its
            head; bodies are at most `TRUSTSVC_MAX_BODY_BYTES`, so this is generous.
        keep_alive_s: an idle connection between requests is closed after this long.
        max_connections_per_client: open connections one client address may hold; more
            are closed as they open. Addresses of trusted proxies are exempt (each
            carries many clients); 0 turns the cap off.
        trusted_proxies: the peers whose `X-Forwarded-For` is believed: the client is then
            the rightmost address in it that is not itself a trusted proxy. Empty (the
            default): the header is ignored and the client is the peer, so no caller can
            pick the address its rate limits are counted under.
    """

    header_timeout_s: float = 10.0
    body_timeout_s: float = 30.0
    keep_alive_s: float = 5.0
    max_connections_per_client: int = 256
    trusted_proxies: tuple[IPNetwork, ...] = ()

    def is_trusted_proxy(self, address: str) -> bool:
        """Whether a peer address is one of the trusted proxies."""
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.trusted_proxies)


def load_serving_settings(env: Mapping[str, str]) -> ServingSettings:
    """Read the TRUSTSVC_* connection settings (see `ServingSettings`).

    `TRUSTSVC_TRUSTED_PROXIES` is a comma-separated list of addresses or CIDR blocks.
    """
    try:
        proxies = tuple(
            ipaddress.ip_network(part, strict=False)
            for part in items(env.get("TRUSTSVC_TRUSTED_PROXIES", ""))
        )
    except ValueError as exc:
        raise SettingsError(f"TRUSTSVC_TRUSTED_PROXIES: {exc}") from exc
    return ServingSettings(
        header_timeout_s=number(env, "TRUSTSVC_HEADER_TIMEOUT_S", 10.0),
        body_timeout_s=number(env, "TRUSTSVC_BODY_TIMEOUT_S", 30.0),
        keep_alive_s=number(env, "TRUSTSVC_KEEP_ALIVE_S", 5.0),
        max_connections_per_client=int(
            number(env, "TRUSTSVC_MAX_CONNECTIONS_PER_CLIENT", 256, allow_zero=True)
        ),
        trusted_proxies=proxies,
    )
