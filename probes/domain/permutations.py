"""The one adapter around dnstwist's permutation engine, so its untyped API stays here.

dnstwist is the field's standard typosquat generator (the same fuzzers phishing monitors run);
only its pure `Fuzzer` is used, in-process: no DNS, no WHOIS, no threads. Its two-pass
`homoglyph` fuzzer is left out: it is 80-95 % of the permutations and of the build time
(~20,000 names for a 20-letter label), and the Unicode skeleton in `confusables.py` matches any
number of substituted glyphs in O(1) instead.
"""

from __future__ import annotations

from collections.abc import Iterable

import dnstwist

FUZZERS = (
    "addition",
    "bitsquatting",
    "cyrillic",
    "hyphenation",
    "insertion",
    "omission",
    "plural",
    "repetition",
    "replacement",
    "subdomain",
    "transposition",
    "vowel-swap",
    "dictionary",
    "various",
)
# Words squatters add to a brand (anthropic-mcp.com, login-github.com): dnstwist's dictionary.
ADDED_WORDS = (
    "mcp",
    "api",
    "app",
    "ai",
    "auth",
    "login",
    "signin",
    "sso",
    "secure",
    "security",
    "account",
    "verify",
    "support",
    "help",
    "dev",
    "docs",
    "server",
    "tools",
    "cdn",
    "cloud",
    "online",
    "official",
    "portal",
    "connect",
)


def permutations(domain: str, words: Iterable[str] = ADDED_WORDS) -> list[tuple[str, str]]:
    """(permuted domain, dnstwist fuzzer name) pairs for one registrable domain, IDNA-encoded."""
    fuzzer = dnstwist.Fuzzer(domain, dictionary=list(words), tld_dictionary=[])
    fuzzer.generate(fuzzers=list(FUZZERS))
    found: list[tuple[str, str]] = []
    for permutation in fuzzer.domains:
        name = str(permutation["domain"])
        technique = str(permutation["fuzzer"])
        if name and name != domain:
            found.append((name, technique))
    return sorted(found)
