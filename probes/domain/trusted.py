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
# Shorter labels (x.ai, aws) have too many innocent one-edit neighbours to fuzz.
MIN_FUZZY_LABEL = 4


class TrustedListError(ValueError):
    """An entry of a trusted list is not a registrable domain."""


@dataclass(frozen=True, slots=True)
class TrustedList:
    """Registrable domains (ASCII/punycode, lowercase) that lookalikes are compared with."""

    domains: frozenset[str]

    def __contains__(self, domain: object) -> bool:
        return domain in self.domains

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


@functools.cache
def default_trusted() -> TrustedList:
    """The shipped list of the AI/MCP ecosystem's well-known domains."""
    text = resources.files("probes.domain").joinpath("data", DEFAULT_LIST).read_text("utf-8")
    return TrustedList(parse_trusted(text))


def with_extra(extra: Iterable[str], base: TrustedList | None = None) -> TrustedList:
    """The base list (default: the shipped one) extended with an operator's own domains."""
    start = base if base is not None else default_trusted()
    return TrustedList(start.domains | {normalise_trusted(entry) for entry in extra})
