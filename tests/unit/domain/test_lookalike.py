"""Each lookalike technique, the inputs that are not lookalikes, and awkward host spellings."""

from __future__ import annotations

import pytest

from probes.domain.confusables import skeleton
from probes.domain.lookalike import detect_lookalike, permutation_index
from probes.domain.permutations import permutations
from probes.domain.trusted import TrustedListError, default_trusted, with_extra
from probes.errors import TargetRejected

TRUSTED = default_trusted()


@pytest.mark.parametrize(
    ("host", "of", "technique"),
    [
        ("githbu.com", "github.com", "transposition"),
        ("gthub.com", "github.com", "omission"),
        ("gitthub.com", "github.com", "repetition"),
        ("npnjs.com", "npmjs.com", "replacement"),
        ("anthropic-mcp.com", "anthropic.com", "dictionary"),
        ("xn--80ak6aa92e.com", "apple.com", "cyrillic"),
        ("git.hub.com", "github.com", "subdomain"),
        ("github.com.evil.io", "github.com", "subdomain-trick"),
        ("login-anthropic.com.example.net", "anthropic.com", "subdomain-trick"),
        ("anthropic.net", "anthropic.com", "tld-swap"),
        ("anthropic-claude-api.com", "anthropic.com", "added-word"),
        ("xn--nthropic-06g.com", "anthropic.com", "homoglyph"),
        ("rnicrosoft.com", "microsoft.com", "homoglyph"),
    ],
)
def test_techniques(host: str, of: str, technique: str) -> None:
    verdict = detect_lookalike(host, TRUSTED)
    assert (verdict.lookalike_of, verdict.technique) == (of, technique)


def test_bit_flip_is_found_by_dnstwist() -> None:
    assert ("gmthub.com", "bitsquatting") in permutations("github.com")


def test_unicode_host_is_compared_by_skeleton() -> None:
    verdict = detect_lookalike("https://\u0430nthropic.com/mcp", TRUSTED)  # Cyrillic a
    assert verdict.registrable_domain == "xn--nthropic-06g.com"
    assert verdict.lookalike_of == "anthropic.com"


@pytest.mark.parametrize(
    "host", ["github.com", "api.github.com", "GitHub.COM.", "https://api.github.com:8443/x"]
)
def test_trusted_domain_and_its_subdomains_are_not_lookalikes(host: str) -> None:
    verdict = detect_lookalike(host, TRUSTED)
    assert verdict.applicable
    assert verdict.registrable_domain == "github.com"
    assert verdict.lookalike_of is None


@pytest.mark.parametrize("host", ["127.0.0.1", "https://[2001:db8::1]/mcp", "localhost"])
def test_no_registrable_domain_is_not_applicable(host: str) -> None:
    verdict = detect_lookalike(host, TRUSTED)
    assert not verdict.applicable
    assert verdict.registrable_domain is None
    assert verdict.lookalike_of is None


@pytest.mark.parametrize("host", ["", "http://", "exa mple.com", "ftp://github.com"])
def test_unusable_input_is_rejected(host: str) -> None:
    with pytest.raises(TargetRejected):
        detect_lookalike(host, TRUSTED)


def test_operator_extension_makes_a_neighbour_trusted() -> None:
    assert detect_lookalike("stripe.shop", TRUSTED).lookalike_of == "stripe.com"
    extended = with_extra(["Stripe.shop."])
    assert detect_lookalike("stripe.shop", extended).lookalike_of is None


def test_extension_rejects_non_registrable_entries() -> None:
    with pytest.raises(TrustedListError):
        with_extra(["api.github.com"])
    with pytest.raises(TrustedListError):
        with_extra(["github.io"])


def test_short_labels_are_matched_exactly_only() -> None:
    assert all(len(domain.split(".")[0]) >= 4 for domain in TRUSTED.fuzzy())


def test_skeleton_uses_unicode_confusables() -> None:
    assert skeleton("\u0440\u0430\u0443\u0440\u0430l") == skeleton("paypal")  # Cyrillic
    assert skeleton("g00gle") == skeleton("google")
    assert skeleton("g\u00edthub") == "github"
    assert skeleton("gitlab") != skeleton("github")


def test_permutation_index_is_built_once_per_list() -> None:
    first = permutation_index(TRUSTED)
    assert permutation_index(TRUSTED) is first
    assert len(first.entries) > 10_000
    assert not set(first.entries) & TRUSTED.domains
