"""Is a host's registrable domain a lookalike of a trusted domain? Offline, lexical only.

Permutations of every trusted domain are generated once per list (dnstwist) and indexed, so
judging a candidate is a dictionary lookup plus a few checks over its own labels. An exact
trusted domain or any subdomain of one (`api.github.com`) is never a lookalike; IP literals
and names without a registrable domain have no domain facts (not applicable, not an error).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from probes.domain import brand_terms, lexical
from probes.domain.permutations import permutations
from probes.domain.trusted import TrustedList
from probes.target import EndpointUrl, parse_endpoint_url, suffix_is_private

ENGINE_DNSTWIST = "dnstwist"
ENGINE_LEXICAL = "trustsvc"


@dataclass(frozen=True, slots=True)
class PermutationIndex:
    """Permuted name -> (trusted domain, dnstwist fuzzer), built once per trusted list."""

    entries: Mapping[str, tuple[str, str]]
    build_ms: int


@dataclass(frozen=True, slots=True, kw_only=True)
class LookalikeVerdict:
    """The lexical answer for one host, with what it was compared against."""

    domain: str | None
    registrable_domain: str | None
    lookalike_of: str | None
    technique: str | None
    engine: str | None
    applicable: bool
    reason: str

    @property
    def is_lookalike(self) -> bool:
        """Whether a trusted domain was matched."""
        return self.lookalike_of is not None


@functools.lru_cache(maxsize=8)
def permutation_index(trusted: TrustedList) -> PermutationIndex:
    """The permutation map of a trusted list; cached, since a list rarely changes in a process."""
    started = time.perf_counter()
    entries: dict[str, tuple[str, str]] = {}
    for domain in trusted.fuzzy():  # sorted: the first trusted domain claims a shared name
        for name, technique in permutations(domain):
            if name not in trusted.domains:
                entries.setdefault(name, (domain, technique))
    build_ms = round((time.perf_counter() - started) * 1000)
    return PermutationIndex(entries=MappingProxyType(entries), build_ms=build_ms)


def endpoint_of(host_or_url: str) -> EndpointUrl:
    """A host name or URL as a canonical endpoint; raises TargetRejected for unusable input."""
    text = host_or_url.strip()
    return parse_endpoint_url(text if "://" in text else f"https://{text}")


def detect_lookalike(host_or_url: str, trusted: TrustedList) -> LookalikeVerdict:
    """Judge a host or URL against a trusted list; raises TargetRejected for unusable input."""
    endpoint = endpoint_of(host_or_url)
    host, registrable = endpoint.host, endpoint.registrable_domain
    if endpoint.host_is_ip or registrable is None:
        # An apex the public suffix list does not know (`claude.ai.zzz`, a private zone) has no
        # domain facts, but a trusted name followed by more labels is still the trick.
        of = None if endpoint.host_is_ip else lexical.subdomain_trick(host, host, trusted)
        if of is not None:
            reason = f"subdomain-trick of {of} (under a suffix the public suffix list lacks)"
            return _verdict(
                host, None, of=of, technique="subdomain-trick", engine=ENGINE_LEXICAL, reason=reason
            )
        why = "an IP literal" if endpoint.host_is_ip else "a name without a registrable domain"
        return _verdict(host, registrable, applicable=False, reason=f"{why} has no domain facts")
    if registrable in trusted:
        return _verdict(host, registrable, reason="a trusted domain or one of its subdomains")
    if trusted.owns(host, registrable):
        return _verdict(host, registrable, reason="a trusted brand's own other domain")
    match = _match(host, registrable, trusted)
    if match is None:
        return _verdict(host, registrable, reason="no trusted domain matched")
    of, technique, engine = match
    return _verdict(
        host, registrable, of=of, technique=technique, engine=engine, reason=f"{technique} of {of}"
    )


_LexicalCheck = Callable[[str, TrustedList], str | None]
_LEXICAL: tuple[tuple[str, _LexicalCheck], ...] = (
    ("homoglyph", lexical.homograph),
    ("tld-swap", lexical.tld_swap),
    ("added-word", lexical.added_word),
    ("ascii-homoglyph", brand_terms.shape_match),
    ("brand-term", brand_terms.brand_term),
)
# Under a private suffix (github.io, vercel.app) the label is an account on a platform: the
# brand's own name there (`openai.github.io`) is its account, not a TLD swap.
_ACCOUNT_SAFE = frozenset({"tld-swap"})


def _match(host: str, registrable: str, trusted: TrustedList) -> tuple[str, str, str] | None:
    of = lexical.subdomain_trick(host, registrable, trusted)
    if of is None:
        of = brand_terms.brand_label_subdomain(host, registrable, trusted)
    if of is not None:
        return of, "subdomain-trick", ENGINE_LEXICAL
    index = permutation_index(trusted).entries
    # dnstwist's `subdomain` fuzzer splits the label (git.hub.com), so the whole host counts too.
    for name in (registrable, host):
        if name in index:
            of, technique = index[name]
            return of, technique, ENGINE_DNSTWIST
    private = suffix_is_private(registrable)
    for technique, check in _LEXICAL:
        if private and technique in _ACCOUNT_SAFE:
            continue
        of = check(registrable, trusted)
        if of is not None:
            return of, technique, ENGINE_LEXICAL
    return None


def _verdict(
    host: str,
    registrable: str | None,
    *,
    of: str | None = None,
    technique: str | None = None,
    engine: str | None = None,
    applicable: bool = True,
    reason: str,
) -> LookalikeVerdict:
    return LookalikeVerdict(
        domain=host,
        registrable_domain=registrable,
        lookalike_of=of,
        technique=technique,
        engine=engine,
        applicable=applicable,
        reason=reason,
    )
