"""Fetching an origin's robots.txt through SafeHttp: the network policy, pins and caps apply.

What the answer means follows RFC 9309 section 2.3.1: a 2xx body is parsed (its first
500 KiB), a 4xx means there are no rules, and a 5xx, a network failure or a redirect chain
longer than five hops means the file is unreachable, so everything is disallowed.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import urlsplit

from probes.context import ProbeContext
from probes.errors import ProbeError
from probes.http import SafeHttp
from probes.netpolicy import Resolver, system_resolver
from probes.robots.rules import ALLOW_ALL, DISALLOW_ALL, MAX_BYTES, RobotsRules, parse_robots
from probes.target import Target

REDIRECTS = 5
"""RFC 9309 2.3.1.2: crawlers follow at least five consecutive redirects."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RobotsAnswer:
    """What an origin's robots.txt says to one product token, and how it was learnt."""

    url: str
    rules: RobotsRules
    outcome: str

    def allows(self, endpoint_url: str) -> bool:
        """Whether the rules allow the path and query of `endpoint_url`."""
        parts = urlsplit(endpoint_url)
        return self.rules.allows((parts.path or "/") + (f"?{parts.query}" if parts.query else ""))


def robots_url(target: Target) -> str:
    """`/robots.txt` at the endpoint's origin (scheme, host and port)."""
    endpoint = target.endpoint
    parts = urlsplit(endpoint.url)
    return f"{endpoint.scheme}://{parts.netloc}/robots.txt"


async def fetch_robots(
    ctx: ProbeContext, target: Target, *, product: str, resolver: Resolver = system_resolver
) -> RobotsAnswer:
    """Fetch and read the origin's robots.txt for `product`; never raises a ProbeError."""
    url = robots_url(target)
    limits = dataclasses.replace(ctx.limits, max_redirects=REDIRECTS)
    fetching = dataclasses.replace(ctx, limits=limits, extra_headers={})
    try:
        async with (
            SafeHttp(fetching, target, resolver=resolver) as http,
            http.stream("GET", url, accept="text/plain", send_credentials=False) as response,
        ):
            status = response.status
            if HTTPStatus.OK <= status < HTTPStatus.MULTIPLE_CHOICES:
                body = await response.read_prefix(MAX_BYTES)
                return RobotsAnswer(
                    url=url, rules=parse_robots(body, product), outcome=f"read (HTTP {status})"
                )
    except ProbeError as exc:
        return RobotsAnswer(url=url, rules=DISALLOW_ALL, outcome=f"unreachable: {exc.detail}")
    if HTTPStatus.BAD_REQUEST <= status < HTTPStatus.INTERNAL_SERVER_ERROR:
        return RobotsAnswer(url=url, rules=ALLOW_ALL, outcome=f"none (HTTP {status})")
    return RobotsAnswer(url=url, rules=DISALLOW_ALL, outcome=f"unreachable (HTTP {status})")
