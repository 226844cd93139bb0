"""Where the domain family's facts come from; the library default asks no network source.

`probes` reads no configuration itself: `trustsvc` builds DomainSources from its settings
(registries, resolvers, blocklists and feeds an operator chose), and tests point every
source at loopback. With the defaults only the offline lexical lookalike check runs, so a
library user never sends DNS or RDAP traffic without asking for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from probes.domain.cache import CachePolicy
from probes.domain.dns_client import DnsConfig
from probes.domain.dnsbl import DnsblZone
from probes.domain.feeds import BlocklistFeed
from probes.domain.rdap_collect import RegistrationSources
from probes.domain.trusted import TrustedList, default_trusted


@dataclass(frozen=True, slots=True, kw_only=True)
class DomainSources:
    """The domain family's sources; None turns a network source off.

    Attributes:
        registration: RDAP bootstrap, mirror and WHOIS fallback; None: no registration data.
        dns: the resolver for DNS posture and DNSBL questions; None: no DNS questions.
        dnsbl_zones: DNS blocklists asked about the host and its registrable domain.
        feeds: offline blocklists loaded from files an operator dropped in.
        trusted: the domains lookalikes are judged against.
        cache: how long facts are shared across scans of the same domain.
    """

    registration: RegistrationSources | None = None
    dns: DnsConfig | None = None
    dnsbl_zones: tuple[DnsblZone, ...] = ()
    feeds: tuple[BlocklistFeed, ...] = ()
    trusted: TrustedList = field(default_factory=default_trusted)
    cache: CachePolicy = field(default_factory=CachePolicy)
