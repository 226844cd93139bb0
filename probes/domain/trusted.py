"""The trusted domains lookalikes are judged against: shipped defaults plus operator additions.

A lookalike is only meaningful relative to a brand someone relies on, so the list is data (one
registrable domain per line) rather than code, and an operator can extend it with the domains
of their own organisation without editing the package.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

from probes.errors import TargetRejected
from probes.target import parse_endpoint_url

DEFAULT_LIST = "trusted_domains.txt"
BRAND_DOMAINS = "brand_domains.txt"
STOREFRONTS = "*cc"  # in BRAND_DOMAINS: the brand's label under any country-code suffix
# Country codes sold as generic names (startups, link shorteners, squatters): a brand's label
# there is no regional storefront.
VANITY_CCTLDS = frozenset(
    [
        "ai",
        "am",
        "cc",
        "co",
        "fm",
        "gg",
        "im",
        "io",
        "is",
        "la",
        "ly",
        "me",
        "ms",
        "nu",
        "sh",
        "so",
        "st",
        "to",
        "tv",
        "vc",
        "ws",
    ]
)
# Shorter labels (x.ai, aws) have too many innocent one-edit neighbours to fuzz.
MIN_FUZZY_LABEL = 4


class TrustedListError(ValueError):
    """An entry of a trusted list is not a registrable domain."""


@dataclass(frozen=True, slots=True)
class TrustedList:
    """Registrable domains (ASCII/punycode, lowercase) that lookalikes are compared with."""

    domains: frozenset[str]
    # Brands' own other domains (brand_domains.txt), never lookalikes, never fuzzed.
    owned: frozenset[str] = frozenset()
    # Labels of brands with regional storefronts (amazon: amazon.de, amazon.com.br).
    storefronts: frozenset[str] = frozenset()

    def __contains__(self, domain: object) -> bool:
        return domain in self.domains

    def owns(self, host: str, registrable: str) -> bool:
        """Whether a trusted brand owns this other domain (brand_domains.txt).

        Listed: the host or its registrable domain (an entry may be a public suffix itself,
        like googleapis.com); or a regional storefront: the brand's label under a country-code
        suffix whose last label has two letters and is not a vanity ccTLD (.ai, .io, .co).
        """
        # Not a parent of the host: under an owned platform suffix (vercel.app) live strangers.
        if host in self.owned or registrable in self.owned:
            return True
        country = suffix_of(registrable).rsplit(".", 1)[-1]
        regional = len(country) == 2 and country not in VANITY_CCTLDS  # noqa: PLR2004
        return regional and label_of(registrable) in self.storefronts

    def fuzzy(self) -> tuple[str, ...]:
        """The domains long enough to be matched by permutation, sorted for determinism."""
        return tuple(sorted(d for d in self.domains if len(label_of(d)) >= MIN_FUZZY_LABEL))


def label_of(domain: str) -> str:
    """The second-level label of a registrable domain (`github` of `github.com`)."""
    return domain.split(".", 1)[0]


def suffix_of(domain: str) -> str:
    """The public suffix of a registrable domain (`co.uk` of `example.co.uk`)."""
    return domain.split(".", 1)[1] if "." in domain else ""


def normalise_trusted(entry: str) -> str:
    """An entry as a canonical registrable domain, or TrustedListError saying why not."""
    text = entry.strip().rstrip(".").lower()
    try:
        endpoint = parse_endpoint_url(f"https://{text}/")
    except TargetRejected as exc:
        raise TrustedListError(f"{entry!r}: {exc.detail}") from exc
    registrable = endpoint.registrable_domain
    if registrable is None or registrable != endpoint.host:
        raise TrustedListError(f"{entry!r} is not a registrable domain (eTLD+1)")
    return registrable


def parse_trusted(text: str) -> frozenset[str]:
    """The domains of a list file: one per line, blank lines and `#` comments ignored."""
    entries = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return frozenset(normalise_trusted(entry) for entry in entries if entry)


def _owned_name(entry: str) -> str:
    """An owned domain: a host name (it may be a public suffix itself, like googleapis.com)."""
    text = entry.strip().rstrip(".").lower()
    try:
        endpoint = parse_endpoint_url(f"https://{text}/")
    except TargetRejected as exc:
        raise TrustedListError(f"{entry!r}: {exc.detail}") from exc
    if endpoint.host_is_ip or "." not in endpoint.host:
        raise TrustedListError(f"{entry!r} is not a domain name")
    return endpoint.host


def parse_brand_domains(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """(owned domains, storefront labels) of a brand-domains file (`brand: owned ... *cc`)."""
    owned: set[str] = set()
    storefronts: set[str] = set()
    for line in text.splitlines():
        brand, _, rest = line.split("#", 1)[0].partition(":")
        if not rest.strip():
            continue
        for entry in rest.split():
            if entry == STOREFRONTS:
                storefronts.add(label_of(normalise_trusted(brand)))
            else:
                owned.add(_owned_name(entry))
    return frozenset(owned), frozenset(storefronts)


@functools.cache
def default_trusted() -> TrustedList:
    """The shipped list of the AI/MCP ecosystem's well-known domains and their brands' others."""
    data = resources.files("probes.domain").joinpath("data")
    domains = parse_trusted(data.joinpath(DEFAULT_LIST).read_text("utf-8"))
    owned, storefronts = parse_brand_domains(data.joinpath(BRAND_DOMAINS).read_text("utf-8"))
    return TrustedList(domains, owned - domains, storefronts)


def with_extra(extra: Iterable[str], base: TrustedList | None = None) -> TrustedList:
    """The base list (default: the shipped one) extended with an operator's own domains."""
    start = base if base is not None else default_trusted()
    domains = start.domains | {normalise_trusted(entry) for entry in extra}
    return TrustedList(domains, start.owned - domains, start.storefronts)
