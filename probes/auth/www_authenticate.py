"""A forgiving parser for WWW-Authenticate (RFC 9110 section 11.6.1).

The header is attacker-controlled text, so the parser never raises and caps what it keeps.
The grammar is ambiguous where commas separate both auth-params and challenges; as in RFC 9110
11.6.1, a token followed by "=" (and a value) is a parameter, any other token starts the next
challenge, and a lone run of token68 characters after a scheme is that challenge's token68.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from probes.auth.observation import Challenge

MAX_HEADER_CHARS = 8192
MAX_CHALLENGES = 16
MAX_PARAMS = 32

# RFC 9110 5.6.2 tchar; 11.2 token68.
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_TOKEN68 = re.compile(r"[A-Za-z0-9._~+/-]+=*")
_OWS = re.compile(r"[ \t]*")


class _Scanner:
    """Cursor over one header value."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    @property
    def done(self) -> bool:
        return self.pos >= len(self.text)

    def peek(self) -> str:
        return self.text[self.pos] if not self.done else ""

    def skip_ows(self) -> None:
        match = _OWS.match(self.text, self.pos)
        self.pos = match.end() if match else self.pos

    def skip_separators(self) -> None:
        while not self.done and self.peek() in ", \t":
            self.pos += 1

    def skip_to_comma(self) -> None:
        """Recover from garbage: drop everything up to the next comma."""
        comma = self.text.find(",", self.pos)
        self.pos = len(self.text) if comma < 0 else comma

    def token(self) -> str | None:
        match = _TOKEN.match(self.text, self.pos)
        if match is None:
            return None
        self.pos = match.end()
        return match.group()

    def quoted_string(self) -> str:
        """Read a quoted-string (RFC 9110 5.6.4); an unterminated one runs to the end."""
        self.pos += 1  # the opening quote
        chars: list[str] = []
        while not self.done:
            char = self.peek()
            self.pos += 1
            if char == '"':
                break
            if char == "\\" and not self.done:
                char = self.peek()
                self.pos += 1
            chars.append(char)
        return "".join(chars)

    def at_param(self) -> bool:
        """Whether a `token BWS "=" BWS value` starts here (not a token68 or a new scheme)."""
        match = _TOKEN.match(self.text, self.pos)
        if match is None:
            return False
        rest = self.text[match.end() :].lstrip(" \t")
        if not rest.startswith("="):
            return False
        value = rest[1:].lstrip(" \t")
        return value.startswith('"') or _TOKEN.match(value) is not None

    def at_scheme(self) -> bool:
        """Whether a token that is not a parameter name starts here (or the value ended)."""
        match = _TOKEN.match(self.text, self.pos)
        if match is None:
            return self.done
        return not self.text[match.end() :].lstrip(" \t").startswith("=")

    def token68(self) -> str | None:
        """A token68 that ends the challenge (followed by a comma or the end)."""
        match = _TOKEN68.match(self.text, self.pos)
        if match is None or self.at_param():
            return None
        after = self.text[match.end() :].lstrip(" \t")
        if after and not after.startswith(","):
            return None
        self.pos = match.end()
        return match.group()


def _params(scanner: _Scanner) -> list[tuple[str, str]]:
    """Read auth-params until the next challenge's scheme or the end."""
    params: list[tuple[str, str]] = []
    while not scanner.done:
        scanner.skip_separators()
        if not scanner.at_param():
            if scanner.at_scheme():
                break  # the next challenge
            scanner.skip_to_comma()  # a malformed parameter: drop it, keep the rest
            continue
        name = scanner.token() or ""
        scanner.skip_ows()
        scanner.pos += 1  # "="
        scanner.skip_ows()
        value = scanner.quoted_string() if scanner.peek() == '"' else scanner.token() or ""
        if len(params) < MAX_PARAMS:
            params.append((name.lower(), value))
        scanner.skip_ows()
        if scanner.peek() not in ("", ","):
            scanner.skip_to_comma()
    return params


def _challenges(text: str) -> list[Challenge]:
    scanner = _Scanner(text)
    found: list[Challenge] = []
    while not scanner.done:
        scanner.skip_separators()
        start = scanner.pos
        scheme = scanner.token()
        if scheme is None:
            scanner.skip_to_comma()
            if scanner.pos == start:
                scanner.pos += 1
            continue
        if scanner.peek() not in ("", " ", "\t", ","):
            scanner.skip_to_comma()  # "Bearer=x" or similar: not a challenge
            continue
        scanner.skip_ows()
        token68 = scanner.token68()
        params = [] if token68 is not None else _params(scanner)
        found.append(Challenge(scheme=scheme, params=tuple(params), token68=token68))
    return found


def parse_www_authenticate(values: Iterable[str]) -> tuple[Challenge, ...]:
    """Every challenge in the given header values (one header may carry several)."""
    found: list[Challenge] = []
    for value in values:
        found.extend(_challenges(value[:MAX_HEADER_CHARS]))
        if len(found) >= MAX_CHALLENGES:
            break
    return tuple(found[:MAX_CHALLENGES])
