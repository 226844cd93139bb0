"""The domain family's sources as an operator configures them (TRUSTSVC_DOMAIN_*, _DNS_*, ...).

`load_settings` reads these from the environment with network lookups on: a deployment
judges real domains. `DomainSettings()` built in code is offline (the lexical lookalike
check only), so a test or an embedding program never asks a registry or resolver it did
not name. Files (RDAP bootstrap, feeds, trusted list) are read once when the service starts,
and an unreadable one stops the start with a clear message instead of silently scoring less.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from trustsvc.config.env import SettingsError, flag, items, number, port

if TYPE_CHECKING:
    from probes.domain.dnsbl import DnsblZone
    from probes.domain.sources import DomainSources
    from probes.domain.trusted import TrustedList

# The probes.domain modules (aiohttp, dnspython, python-whois, tldextract) are imported by
# the functions that build sources, not here: every command reads these settings at start,
# and most never build a domain source (`trustsvc --help`, a refused URL, `keys list`).


class DomainSettingsError(SettingsError):
    """A domain-source variable or file cannot be used."""


@dataclass(frozen=True, slots=True, kw_only=True)
class DomainSettings:
    """Which domain sources to ask; all network sources off unless `lookups` is on.

    Attributes:
        lookups: ask registries, resolvers and blocklists at all.
        nameservers / dns_port / dns_timeout_s: the resolver (empty: the system's).
        rdap_bootstrap: an RFC 9224 file replacing the bundled snapshot.
        rdap_base_url: one RDAP base URL for every TLD (an operator's mirror).
        whois: fall back to WHOIS for TLDs without RDAP.
        whois_server / whois_port: a fixed WHOIS server instead of python-whois's choice.
        dnsbl_zones: DNS blocklist zones, each `zone` or `label=zone` (a label keeps a
            Spamhaus DQS key out of stored evidence); none by default, since public mirrors
            refuse queries from shared resolvers.
        feeds: blocklist files (hosts format, domain or URL lists, PhishTank CSV).
        trusted_file: domains added to the shipped trusted list for lookalike checks.
        cache_ttl_s: how long facts about a domain are reused across scans.
    """

    lookups: bool = False
    nameservers: tuple[str, ...] = ()
    dns_port: int = 53
    dns_timeout_s: float = 3.0
    rdap_bootstrap: Path | None = None
    rdap_base_url: str | None = None
    whois: bool = True
    whois_server: str | None = None
    whois_port: int | None = None
    dnsbl_zones: tuple[str, ...] = ()
    feeds: tuple[Path, ...] = ()
    trusted_file: Path | None = None
    cache_ttl_s: float = 3600.0


def load_domain_settings(env: Mapping[str, str]) -> DomainSettings:
    """Read the domain variables; lookups default to on for a deployment."""
    whois_server, whois_port = _hostport(env.get("TRUSTSVC_WHOIS_SERVER", ""))
    base_url = env.get("TRUSTSVC_RDAP_BASE_URL") or None
    if base_url is not None:
        _check_url("TRUSTSVC_RDAP_BASE_URL", base_url)
    return DomainSettings(
        lookups=flag(env, "TRUSTSVC_DOMAIN_LOOKUPS", default=True),
        nameservers=items(env.get("TRUSTSVC_DNS_NAMESERVERS", "")),
        dns_port=port(env.get("TRUSTSVC_DNS_PORT", "53"), "TRUSTSVC_DNS_PORT"),
        dns_timeout_s=number(env, "TRUSTSVC_DNS_TIMEOUT_S", 3.0),
        rdap_bootstrap=_path(env.get("TRUSTSVC_RDAP_BOOTSTRAP")),
        rdap_base_url=base_url,
        whois=flag(env, "TRUSTSVC_WHOIS", default=True),
        whois_server=whois_server,
        whois_port=whois_port,
        dnsbl_zones=items(env.get("TRUSTSVC_DNSBL_ZONES", "")),
        feeds=tuple(Path(p) for p in items(env.get("TRUSTSVC_BLOCKLIST_FEEDS", ""))),
        trusted_file=_path(env.get("TRUSTSVC_TRUSTED_DOMAINS_FILE")),
        cache_ttl_s=number(env, "TRUSTSVC_DOMAIN_CACHE_TTL_S", 3600.0, allow_zero=True),
    )


def domain_sources(settings: DomainSettings) -> DomainSources:
    """Build the sources, reading every configured file now.

    Raises:
        DomainSettingsError: a file is missing or unusable.
    """
    from probes.domain.cache import CachePolicy  # noqa: PLC0415 - see the module note
    from probes.domain.dns_client import DnsConfig  # noqa: PLC0415
    from probes.domain.feeds import FeedError, load_feed  # noqa: PLC0415
    from probes.domain.rdap_bootstrap import BootstrapError, load_bootstrap  # noqa: PLC0415
    from probes.domain.rdap_collect import RegistrationSources  # noqa: PLC0415
    from probes.domain.sources import DomainSources  # noqa: PLC0415

    trusted = trusted_list(settings)
    cache = CachePolicy(ttl_s=settings.cache_ttl_s)
    try:
        feeds = tuple(load_feed(path) for path in settings.feeds)
    except FeedError as exc:
        raise DomainSettingsError(str(exc)) from exc
    if not settings.lookups:
        return DomainSources(feeds=feeds, trusted=trusted, cache=cache)
    try:
        bootstrap = load_bootstrap(settings.rdap_bootstrap)
    except BootstrapError as exc:
        raise DomainSettingsError(str(exc)) from exc
    registration = RegistrationSources(
        bootstrap=bootstrap,
        rdap_base_url=settings.rdap_base_url,
        whois_enabled=settings.whois,
        whois_server=settings.whois_server,
        whois_port=settings.whois_port,
    )
    dns = DnsConfig(
        nameservers=settings.nameservers, port=settings.dns_port, timeout_s=settings.dns_timeout_s
    )
    return DomainSources(
        registration=registration,
        dns=dns,
        dnsbl_zones=tuple(_zone(entry) for entry in settings.dnsbl_zones),
        feeds=feeds,
        trusted=trusted,
        cache=cache,
    )


def _zone(entry: str) -> DnsblZone:
    from probes.domain.dnsbl import DnsblZone  # noqa: PLC0415 - see the module note

    label, sep, zone = entry.rpartition("=")
    try:
        return DnsblZone(zone, label=label.strip() or None) if sep else DnsblZone(entry)
    except ValueError as exc:
        raise DomainSettingsError(f"TRUSTSVC_DNSBL_ZONES: {exc}") from exc


def trusted_list(settings: DomainSettings) -> TrustedList:
    """The shipped trusted domains plus the operator's file (the lexical check's only input)."""
    from probes.domain.trusted import TrustedListError, parse_trusted, with_extra  # noqa: PLC0415

    path = settings.trusted_file
    if path is None:
        return with_extra(())
    try:
        return with_extra(parse_trusted(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, TrustedListError) as exc:
        raise DomainSettingsError(f"TRUSTSVC_TRUSTED_DOMAINS_FILE: {exc}") from exc


def _path(raw: str | None) -> Path | None:
    return Path(raw) if raw else None


def _hostport(raw: str) -> tuple[str | None, int | None]:
    if not raw.strip():
        return None, None
    host, sep, digits = raw.strip().rpartition(":")
    if not sep or "]" in digits:
        return raw.strip(), None
    return host.strip("[]"), port(digits, "TRUSTSVC_WHOIS_SERVER")


def _check_url(name: str, raw: str) -> None:
    if not raw.startswith(("https://", "http://")):
        raise DomainSettingsError(f"{name} must be an http(s) URL, got {raw!r}")
    from probes.errors import TargetRejected  # noqa: PLC0415 - see the module note
    from probes.target import parse_endpoint_url  # noqa: PLC0415

    try:
        parse_endpoint_url(raw)
    except TargetRejected as exc:
        raise DomainSettingsError(f"{name}: {exc.detail}") from exc
