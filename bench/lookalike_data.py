#!/usr/bin/env python3
"""Generate the labelled impersonations bench/lookalikes.py scores the lookalike check on.

Written from the typosquatting literature, not from the detector: every operation of
dnstwist's list (addition, bitsquatting, homoglyph, hyphenation, insertion, omission,
repetition, replacement, subdomain, transposition, vowel-swap, dictionary, tld-swap) is
re-implemented here with its own vocabulary, plus the ASCII look-alike pairs (rn/m, cl/d,
q/g, vv/w, 1/l, 0/o, alone and in combination) and the campaign shapes issue 18 names
(`chat-gpt-<word>.<tld>`, `claude.ai.<tld>`, `<brand>.com.<anything>`). It is seeded, so
the file is reproducible:
`python bench/lookalike_data.py > bench/data/lookalikes/impersonations.tsv`.

Held out by brand: a trusted domain whose crc32 is 0 mod 4 is in the `heldout` part, which
is not looked at while the detector is tuned (bench/lookalikes.py reports it separately).
"""

from __future__ import annotations

import functools
import random
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRUSTED = ROOT / "probes" / "domain" / "data" / "trusted_domains.txt"
PER_OPERATION = 4
MIN_LABEL = 4  # the detector fuzzes labels of 4+ characters; shorter brands are out of scope

KEYBOARD = {
    "q": "12wa", "w": "23qase", "e": "34wsdr", "r": "45edft", "t": "56rfgy", "y": "67tghu",
    "u": "78yhji", "i": "89ujko", "o": "90iklp", "p": "0ol", "a": "qwsz", "s": "weadzx",
    "d": "erfcxs", "f": "rtgvcd", "g": "tyhbvf", "h": "yujnbg", "j": "uikmnh", "k": "iolmj",
    "l": "opk", "z": "asx", "x": "zsdc", "c": "xdfv", "v": "cfgb", "b": "vghn", "n": "bhjm",
    "m": "njk", "1": "2q", "2": "13qw", "3": "24we", "4": "35er", "5": "46rt", "6": "57ty",
    "7": "68yu", "8": "79ui", "9": "80io", "0": "9op",
}  # fmt: skip
VOWELS = "aeiou"
ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
# ASCII look-alikes a reader confuses, both ways.
ASCII_PAIRS = (
    ("m", "rn"), ("rn", "m"), ("d", "cl"), ("cl", "d"), ("g", "q"), ("q", "g"), ("w", "vv"),
    ("vv", "w"), ("l", "1"), ("1", "l"), ("i", "1"), ("l", "i"), ("i", "l"), ("o", "0"),
    ("0", "o"), ("u", "v"),
)  # fmt: skip
CYRILLIC = {"a": "\u0430", "e": "\u0435", "o": "\u043e", "p": "\u0440", "c": "\u0441",
            "x": "\u0445", "y": "\u0443", "i": "\u0456"}  # fmt: skip
# Words real phishing and squatting campaigns add to a brand (a broad, generator-only list).
WORDS = (
    "login", "signin", "secure", "verify", "account", "support", "help", "app", "apps", "pro",
    "plus", "premium", "free", "online", "web", "official", "portal", "access", "auth", "sso",
    "update", "billing", "pay", "wallet", "download", "desktop", "mobile", "ios", "android",
    "chat", "bot", "ai", "gpt", "agent", "agents", "mcp", "server", "api", "dev", "developer",
    "docs", "status", "team", "teams", "enterprise", "business", "cloud", "hub", "store",
    "shop", "deal", "promo", "gift", "reward", "bonus", "claim", "token", "airdrop", "news",
    "info", "center", "service", "services", "tools", "plugin", "extension", "setup", "install",
    "my", "get", "go", "try", "new", "best", "now", "live", "max", "ultra", "unlocked", "jp",
    "us", "uk", "de", "br", "2fa", "mfa", "recovery", "reset", "alert", "notice", "security",
)  # fmt: skip
TLDS = (
    "com", "net", "org", "io", "ai", "app", "dev", "co", "xyz", "top", "online", "site",
    "shop", "live", "pro", "info", "cc", "me", "tech", "store", "club", "vip", "icu", "buzz",
    "sbs", "cfd", "click", "link", "support", "cloud", "website", "space", "fun", "us", "uk",
    "de", "ru", "cn", "in", "br", "tk", "ml", "ga", "gq", "work", "digital", "chat", "bot",
)  # fmt: skip
RANDOM_APEX = (
    "example", "host", "secure-login", "verify-now", "cdn-edge", "auth-portal",
    "mcp-gateway", "files", "web-app", "account-check", "srv", "cloudfront-x",
)  # fmt: skip


def label_and_suffix(domain: str) -> tuple[str, str]:
    label, _, suffix = domain.partition(".")
    return label, suffix


def edits(label: str, rng: random.Random, op: str) -> str | None:  # noqa: C901, PLR0911
    """One edit of `op` at a random position of the label, or None if it cannot apply."""
    n = len(label)
    i = rng.randrange(n)
    c = label[i]
    if op == "addition":
        return label + rng.choice("abcdefghijklmnopqrstuvwxyz0123456789")
    if op == "bitsquatting":
        flipped = chr(ord(c) ^ (1 << rng.randrange(7)))
        return label[:i] + flipped + label[i + 1 :] if flipped in ALNUM else None
    if op == "hyphenation":
        return label[: i or 1] + "-" + label[i or 1 :] if n > 1 else None
    if op == "insertion":
        near = KEYBOARD.get(c)
        return label[:i] + rng.choice(near) + label[i:] if near else None
    if op == "omission":
        return label[:i] + label[i + 1 :]
    if op == "repetition":
        return label[:i] + c + label[i:]
    if op == "replacement":
        near = KEYBOARD.get(c)
        return label[:i] + rng.choice(near) + label[i + 1 :] if near else None
    if op == "transposition":
        return label[:i] + label[i + 1] + c + label[i + 2 :] if i < n - 1 else None
    if op == "vowel-swap":
        spots = [j for j, ch in enumerate(label) if ch in VOWELS]
        if not spots:
            return None
        j = rng.choice(spots)
        return label[:j] + rng.choice(VOWELS.replace(label[j], "")) + label[j + 1 :]
    raise ValueError(op)


def ascii_homoglyph(label: str, rng: random.Random, count: int) -> str | None:
    """Up to `count` ASCII look-alike substitutions (rn for m, 0 for o, ...)."""
    out = label
    for _ in range(count):
        options = [(a, b) for a, b in ASCII_PAIRS if a in out]
        if not options:
            break
        a, b = rng.choice(options)
        spots = [j for j in range(len(out)) if out.startswith(a, j)]
        j = rng.choice(spots)
        out = out[:j] + b + out[j + len(a) :]
    return out if out != label else None


def unicode_homoglyph(label: str, rng: random.Random) -> str | None:
    spots = [j for j, ch in enumerate(label) if ch in CYRILLIC]
    if not spots:
        return None
    j = rng.choice(spots)
    return label[:j] + CYRILLIC[label[j]] + label[j + 1 :]


def brand_pieces(label: str, rng: random.Random) -> str:
    """The brand as written in a campaign: whole, or split by a hyphen (chat-gpt)."""
    if len(label) >= 6 and rng.random() < 0.35:
        cut = rng.randrange(3, len(label) - 2)
        return f"{label[:cut]}-{label[cut:]}"
    return label


def dictionary(label: str, suffix: str, rng: random.Random) -> str:
    """Brand plus one or two generic words, on the brand's or any TLD."""
    brand = brand_pieces(label, rng)
    words = rng.sample(WORDS, rng.choice((1, 1, 2)))
    glue = rng.choice(("-", "-", ""))
    parts = [brand, *words] if rng.random() < 0.6 else [*words, brand]
    if len(words) == 2 and rng.random() < 0.5:
        parts = [words[0], brand, words[1]]
    tld = suffix if rng.random() < 0.2 else rng.choice(TLDS)
    return f"{glue.join(parts)}.{tld}"


def subdomain(domain: str, rng: random.Random) -> str:
    """The brand's name in the labels left of an unrelated registrable domain."""
    label, _ = label_and_suffix(domain)
    apex = f"{rng.choice(RANDOM_APEX)}{rng.randrange(100)}.{rng.choice(TLDS)}"
    word = rng.choice(WORDS)
    shapes = (
        f"{domain}.{apex}",  # github.com.evil.io
        f"{domain}.{rng.choice(TLDS)}",  # claude.ai.cx: the trusted name with its TLD
        f"{domain}-{word}.{rng.choice(TLDS)}",  # openai.com-login.xyz
        f"{word}.{domain}.{apex}",  # login.anthropic.com.x.net
        f"{label}.{word}-{rng.choice(WORDS)}.{rng.choice(TLDS)}",  # paypal.verify-account.top
        f"{word}-{domain}.{apex}",  # secure-paypal.com.x.net
    )
    return rng.choice(shapes)


def tld_swap(domain: str, rng: random.Random) -> str:
    label, suffix = label_and_suffix(domain)
    return f"{label}.{rng.choice([t for t in TLDS if t != suffix])}"


def generate(domain: str, rng: random.Random) -> list[tuple[str, str]]:
    """(impersonation, operation) pairs for one trusted domain."""
    label, suffix = label_and_suffix(domain)
    out: list[tuple[str, str]] = []
    simple = ("addition", "bitsquatting", "hyphenation", "insertion", "omission",
              "repetition", "replacement", "transposition", "vowel-swap")  # fmt: skip
    makers: dict[str, Callable[[], str | None]] = {
        op: functools.partial(_edited, label, suffix, rng, op) for op in simple
    }
    makers["homoglyph-ascii"] = lambda: _with(
        ascii_homoglyph(label, rng, rng.choice((1, 2, 3))), suffix
    )
    makers["homoglyph-ascii+tld"] = lambda: _with(ascii_homoglyph(label, rng, 2), rng.choice(TLDS))
    makers["homoglyph-unicode"] = lambda: _with(unicode_homoglyph(label, rng), suffix)
    makers["dictionary"] = lambda: dictionary(label, suffix, rng)
    makers["homoglyph-ascii+dictionary"] = lambda: _glyph_dictionary(label, suffix, rng)
    makers["subdomain"] = lambda: subdomain(domain, rng)
    makers["tld-swap"] = lambda: tld_swap(domain, rng)
    for op, make in makers.items():
        seen: set[str] = set()
        for _ in range(PER_OPERATION * 6):
            name = make()
            if name and name != domain and name not in seen and _plausible(name):
                seen.add(name)
            if len(seen) == PER_OPERATION:
                break
        out += [(name, op) for name in sorted(seen)]
    return out


def _edited(label: str, suffix: str, rng: random.Random, op: str) -> str | None:
    return _with(edits(label, rng, op), suffix)


def _glyph_dictionary(label: str, suffix: str, rng: random.Random) -> str | None:
    glyphed = ascii_homoglyph(label, rng, 1)
    return dictionary(glyphed, suffix, rng) if glyphed else None


def _with(label: str | None, suffix: str) -> str | None:
    return f"{label}.{suffix}" if label else None


def _plausible(name: str) -> bool:
    labels = name.split(".")
    return all(lab and not lab.startswith("-") and not lab.endswith("-") for lab in labels)


def split_of(domain: str) -> str:
    return "heldout" if zlib.crc32(domain.encode()) % 4 == 0 else "dev"


def main() -> int:
    trusted = sorted(
        line.split("#", 1)[0].strip()
        for line in TRUSTED.read_text("utf-8").splitlines()
        if line.split("#", 1)[0].strip()
    )
    rng = random.Random(18_05)  # noqa: S311 - reproducible test data, not secrets
    everything = set(trusted)
    print("# impersonation\toperation\ttrusted domain\tsplit (dev|heldout, by brand)")
    for domain in trusted:
        if len(label_and_suffix(domain)[0]) < MIN_LABEL:
            continue
        for name, op in generate(domain, rng):
            if name not in everything:
                everything.add(name)
                print(f"{name}\t{op}\t{domain}\t{split_of(domain)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
