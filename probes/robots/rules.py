"""robots.txt as RFC 9309 reads it: pure parsing and matching, no I/O.

Python's `urllib.robotparser` predates the RFC: it takes the first matching rule rather
than the longest, knows no `*` or `$`, and picks one group where the RFC merges every group
naming the crawler. This module does what the RFC says, and only that:

- a group is one or more `user-agent` lines followed by `allow` / `disallow` rules; a
  `user-agent` line after rules starts the next group; other records (`sitemap`,
  `crawl-delay`) are skipped without ending a group; rules before any group are ignored;
- the crawler obeys every group whose product token equals its own (case-insensitively),
  merged; failing that every `*` group, merged; failing that nothing (all allowed);
- the longest matching pattern wins, `allow` on a tie; `*` matches any run of characters and
  a trailing `$` anchors the end; an empty `disallow` matches nothing;
- paths and patterns are compared percent-normalised (non-ASCII UTF-8 encoded, unreserved
  octets decoded, hex digits upper case); `/robots.txt` itself is always allowed;
- only the first `MAX_BYTES` are parsed (the RFC's 500 KiB floor).

The file is hostile input: matching a pattern is a series of `str.find` calls, linear in the
path for each rule, so no pattern of stars can make it backtrack.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

MAX_BYTES = 500 * 1024
_UNRESERVED = frozenset(string.ascii_letters + string.digits + "-._~")
_PERCENT = re.compile(r"%([0-9A-Fa-f]{2})")
_TOKEN = re.compile(r"[A-Za-z_-]*")
_LINES = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True, slots=True)
class Rule:
    """One `allow` or `disallow` line, its pattern percent-normalised."""

    allow: bool
    pattern: str


@dataclass(frozen=True, slots=True)
class RobotsRules:
    """The rules that apply to one product token; `allows(path)` answers for a path."""

    rules: tuple[Rule, ...] = ()

    def allows(self, path: str) -> bool:
        """Whether the crawler may fetch `path` (path and query of the URL)."""
        target = normalise(path if path.startswith("/") else "/" + path)
        if target == "/robots.txt":
            return True
        best: Rule | None = None
        for rule in self.rules:
            if not matches(rule.pattern, target):
                continue
            if best is None or _beats(rule, best):
                best = rule
        return best is None or best.allow


ALLOW_ALL = RobotsRules()
"""No robots.txt (a 4xx answer): everything may be fetched (RFC 9309 section 2.3.1.3)."""
DISALLOW_ALL = RobotsRules((Rule(allow=False, pattern="/"),))
"""robots.txt unreachable (5xx, a network error): assume complete disallow (2.3.1.4)."""


def _beats(rule: Rule, best: Rule) -> bool:
    if len(rule.pattern) != len(best.pattern):
        return len(rule.pattern) > len(best.pattern)
    return rule.allow and not best.allow


def parse_robots(body: bytes | str, product: str) -> RobotsRules:
    """The rules of `body` that apply to the crawler whose product token is `product`."""
    if isinstance(body, bytes):
        body = body[:MAX_BYTES].decode("utf-8", errors="replace")
    body = body.removeprefix("\ufeff")
    groups: list[tuple[set[str], list[Rule]]] = []
    agents: set[str] | None = None
    rules: list[Rule] = []
    seen_rule = False
    for line in _LINES.split(body):
        key, value = _record(line)
        if key == "user-agent":
            if agents is None or seen_rule:
                agents, rules, seen_rule = set(), [], False
                groups.append((agents, rules))
            agents.add(_token(value))
        elif key in ("allow", "disallow") and agents is not None:
            seen_rule = True
            if value:
                rules.append(Rule(allow=key == "allow", pattern=normalise(value)))
    wanted = product.lower()
    chosen = [r for names, r in groups if wanted in names] or [
        r for names, r in groups if "*" in names
    ]
    return RobotsRules(tuple(rule for group in chosen for rule in group))


def _record(line: str) -> tuple[str, str]:
    """`key: value # comment` as (lower-case key, value); ("", "") when not a record."""
    content = line.split("#", 1)[0]
    key, colon, value = content.partition(":")
    if not colon:
        return "", ""
    return key.strip().lower(), value.strip()


def _token(value: str) -> str:
    """The product token a `user-agent` value names, lower case; `*` for the wildcard."""
    if value.startswith("*"):
        return "*"
    match = _TOKEN.match(value)
    return match.group(0).lower() if match else ""


def normalise(text: str) -> str:
    """Percent-normalise a path or pattern so equal resources compare equal (RFC 9309 2.2.2)."""
    encoded = "".join(
        char if char.isascii() else "".join(f"%{b:02X}" for b in _utf8(char)) for char in text
    )

    def unescape(match: re.Match[str]) -> str:
        char = chr(int(match.group(1), 16))
        return char if char in _UNRESERVED else f"%{match.group(1).upper()}"

    return _PERCENT.sub(unescape, encoded)


def _utf8(char: str) -> bytes:
    return char.encode("utf-8", errors="surrogatepass")


def matches(pattern: str, path: str) -> bool:
    """Whether a normalised pattern (`*` any run, trailing `$` the end) matches the path."""
    anchored = pattern.endswith("$")
    parts = (pattern[:-1] if anchored else pattern).split("*")
    head = parts[0]
    if not path.startswith(head):
        return False
    if len(parts) == 1:
        return path == head if anchored else True
    position = len(head)
    for middle in parts[1:-1]:
        found = path.find(middle, position)
        if found < 0:
            return False
        position = found + len(middle)
    tail = parts[-1]
    if anchored:
        return path.endswith(tail) and len(path) - len(tail) >= position
    return path.find(tail, position) >= 0
