"""The one adapter around dnstwist's permutation engine, so its untyped API stays here.

dnstwist is the field's standard typosquat generator (the same fuzzers phishing monitors run);
only its pure `Fuzzer` is used, in-process: no DNS, no WHOIS, no threads. Its two-pass
`homoglyph` fuzzer is left out: it is 80-95 % of the permutations and of the build time
(~20,000 names for a 20-letter label), and the Unicode skeleton in `confusables.py` matches any
number of substituted glyphs in O(1) instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import dnstwist
import idna

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


# A lowercase LDH name whose labels are valid IDNA A-labels as they stand: no leading or
# trailing hyphen, no "--" at positions 3-4 (which also sends every xn-- label to idna),
# at most 63 characters each; the whole at most 253 (idna's limit).
_LABEL = r"(?!..--)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_PLAIN_NAME = re.compile(rf"(?=.{{1,253}}$)(?:{_LABEL}\.)*{_LABEL}")


class _PlainFirstIdna:
    """idna with a fast path for names that are already plain ASCII.

    dnstwist IDNA-encodes every permutation (~300 per trusted domain). For a plain lowercase
    LDH name that encoding is the name itself, and idna's per-codepoint checks were 60 % of
    building the lookalike index (so of `check-domain --offline`). Any other name, and every
    decode, goes to idna unchanged. Installed as dnstwist's `idna`, used only from here.
    """

    @staticmethod
    def encode(name: str) -> bytes:
        if _PLAIN_NAME.fullmatch(name):
            return name.encode("ascii")
        return idna.encode(name)

    @staticmethod
    def decode(name: str | bytes) -> str:
        return idna.decode(name)


dnstwist.idna = _PlainFirstIdna


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
