"""A URL's host as the WHATWG URL standard reads it: UTS #46 mapping first, then IPv4 numbers.

Browsers and most client libraries map a host through UTS #46 before deciding whether it is an
IPv4 address, so `0x7f。1` (an ideographic full stop), the same in fullwidth digits and
full stops, and `0x7f.1` are all 127.0.0.1. Parsing the numbers before mapping made the first
two host names: one endpoint could be stored under two canonical URLs, and the SSRF policy saw a
name where a client connects to an address. The order here is the standard's host parser:
percent-decode, UTS #46 map (the `idna` package's table, non-transitional, without the STD3
rules), the forbidden-code-point check, then "ends in a number" and the IPv4 number parser,
written out instead of glibc's inet_aton so the result is the same on every libc.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

import idna

from probes.errors import TargetRejected

# WHATWG "forbidden domain code points" (C0 controls, space, and URL delimiters).
_FORBIDDEN = re.compile(r"[\x00-\x20\x7f#%/:<>?@\[\\\]^|]")
_DIGITS = {8: frozenset("01234567"), 10: frozenset("0123456789"), 16: frozenset("0123456789abcdef")}
_MAX_PARTS = 4


def mapped_host(raw: str) -> str:
    """The host percent-decoded and UTS #46-mapped, lowercase, trailing dots removed.

    Raises:
        TargetRejected: the host decodes to invalid UTF-8, maps to nothing, or holds a code
            point a host may not (disallowed by UTS #46, a control, a URL delimiter).
    """
    host = raw
    if "%" in host:
        try:
            host = unquote(host, errors="strict")
        except UnicodeDecodeError as exc:
            raise TargetRejected(f"host {raw!r} percent-decodes to invalid UTF-8") from exc
    host = host.lower()
    if not host.isascii():
        try:
            host = idna.uts46_remap(host, std3_rules=False, transitional=False)
        except idna.IDNAError as exc:
            raise TargetRejected(f"host {raw!r} is not a valid domain name: {exc}") from exc
    if _FORBIDDEN.search(host):
        raise TargetRejected(f"host {raw!r} contains characters a host name may not")
    host = host.rstrip(".")
    if not host:
        raise TargetRejected("URL has no host")
    return host


def ends_in_a_number(host: str) -> bool:
    """WHATWG "ends in a number": the last label is digits or an IPv4 number (`0x1f`)."""
    last = host.rsplit(".", 1)[-1]
    return last.isascii() and (last.isdigit() or _ipv4_number(last) is not None)


def parse_ipv4(host: str) -> str:
    """The dotted-quad form of a WHATWG IPv4 host (1 to 4 parts, decimal, octal or hex).

    Raises:
        TargetRejected: a part is not a number, there are more than four, or a value overflows.
    """
    parts = host.split(".")
    numbers = [_ipv4_number(part) for part in parts]
    if len(parts) > _MAX_PARTS or any(n is None for n in numbers):
        raise TargetRejected(f"host {host!r} is not a valid IPv4 address")
    values = [n for n in numbers if n is not None]
    if any(n > 255 for n in values[:-1]) or values[-1] >= 256 ** (5 - len(values)):  # noqa: PLR2004
        raise TargetRejected(f"host {host!r} is not a valid IPv4 address (a part overflows)")
    address = values[-1]
    for index, value in enumerate(values[:-1]):
        address += value * 256 ** (3 - index)
    return ".".join(str((address >> shift) & 0xFF) for shift in (24, 16, 8, 0))


def _ipv4_number(part: str) -> int | None:
    """The WHATWG IPv4 number parser: `0x` hex, leading-zero octal, else decimal."""
    if not part:
        return None
    radix = 10
    if part.startswith("0x"):
        radix, part = 16, part[2:]
    elif len(part) > 1 and part.startswith("0"):
        radix, part = 8, part[1:]
    if not part:
        return 0
    if not set(part) <= _DIGITS[radix]:
        return None
    return int(part, radix)
