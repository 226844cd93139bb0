"""Is one package version inside an OSV affected entry? OSV's evaluation, each ecosystem's order.

Versions are ordered the way the ecosystem orders them: PEP 440 (`packaging`) for PyPI, SemVer
2.0 (`semver`) for npm and for any SEMVER range. An answer of None means "cannot tell": the
version does not parse, and the caller must say so rather than report "not vulnerable".

Decisions (https://ossf.github.io/osv-schema/#evaluation):
- Within a range the events are sorted by version and the last one at or below the version
  decides; `introduced: "0"` opens the range from the beginning. At equal versions an
  `introduced` sorts first, so `introduced X, last_affected X` affects exactly X.
- `fixed` and `limit` are exclusive, `last_affected` inclusive; a version must be below at
  least one `limit` (`"*"` is no limit) when a range has any.
- Event versions that do not parse are skipped: an unparseable `introduced` never opens a
  range, and an unparseable `fixed` or `limit` does not close one.
- GIT and unknown range types are ignored. A SEMVER range on a PyPI package whose version is
  not SemVer cannot be evaluated: if nothing else matches, the answer is None, not False.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol, Self

import semver
from packaging.version import InvalidVersion, Version

from trustsvc.advisories.osv import VERSION_MAX, AffectedPackage, normalise_ecosystem

EVALUATED = ("ECOSYSTEM", "SEMVER")
_TIE_ORDER = {"introduced": 0, "last_affected": 1, "fixed": 2}


class Comparable(Protocol):
    """A version of one ordering; only versions of the same ordering are compared."""

    def __lt__(self, other: Self, /) -> bool: ...

    def __le__(self, other: Self, /) -> bool: ...


Parser = Callable[[str], Comparable | None]


def parse_pep440(text: str) -> Comparable | None:
    """A PEP 440 version (PyPI's ordering), or None."""
    if len(text) > VERSION_MAX:
        return None
    try:
        return Version(text)
    except InvalidVersion:
        return None


def parse_semver(text: str) -> Comparable | None:
    """A SemVer 2.0 version, after npm's cleaning of spaces and a leading `v` or `=`."""
    cleaned = text.strip().lstrip("=v").strip()
    if len(cleaned) > VERSION_MAX:
        return None
    try:
        return semver.Version.parse(cleaned)
    except ValueError:
        return None


_ECOSYSTEM_PARSERS: dict[str, Parser] = {"PyPI": parse_pep440, "npm": parse_semver}


def parse_version(ecosystem: str, text: str) -> Comparable | None:
    """`text` as a version of `ecosystem` (PyPI or npm, any case), or None."""
    parser = _parser_for(ecosystem)
    return parser(text) if parser else None


def affects(package: AffectedPackage, version: str) -> bool | None:
    """Whether `version` is affected; None when it cannot be ordered, so nothing is claimed."""
    parser = _parser_for(package.ecosystem)
    wanted = parser(version) if parser else None
    if parser is None or wanted is None:
        return None
    if _listed(parser, wanted, package.versions):
        return True
    undecided = False
    for entry in package.ranges:
        if entry.type not in EVALUATED:
            continue
        range_parser = parse_semver if entry.type == "SEMVER" else parser
        here = wanted if range_parser is parser else range_parser(version)
        if here is None:
            undecided = True
        elif _in_range(here, entry.events, range_parser):
            return True
    return None if undecided else False


def fixed_versions(package: AffectedPackage) -> tuple[str, ...]:
    """Every `fixed` version of the ECOSYSTEM and SEMVER ranges, in record order, once each."""
    found = (
        version
        for entry in package.ranges
        if entry.type in EVALUATED
        for kind, version in entry.events
        if kind == "fixed"
    )
    return tuple(dict.fromkeys(found))


def _parser_for(ecosystem: str) -> Parser | None:
    canonical = normalise_ecosystem(ecosystem)
    return _ECOSYSTEM_PARSERS.get(canonical) if canonical else None


def _listed(parser: Parser, wanted: Comparable, versions: Iterable[str]) -> bool:
    return any(parser(listed) == wanted for listed in versions)


def _in_range(version: Comparable, events: Iterable[tuple[str, str]], parser: Parser) -> bool:
    vulnerable, points, limits = _walkable(events, parser)
    if limits and not any(version < limit for limit in limits):
        return False
    for point, _, kind in points:
        # last_affected is inclusive: only a version above it leaves the range.
        reached = point < version if kind == "last_affected" else point <= version
        if reached:
            vulnerable = kind == "introduced"
    return vulnerable


def _walkable(
    events: Iterable[tuple[str, str]], parser: Parser
) -> tuple[bool, list[tuple[Comparable, int, str]], list[Comparable]]:
    """Whether the range opens at "0", its other events sorted, and its limits (none: no bound)."""
    from_start, unbounded = False, False
    points: list[tuple[Comparable, int, str]] = []
    limits: list[Comparable] = []
    for kind, text in events:
        from_start = from_start or (kind == "introduced" and text == "0")
        unbounded = unbounded or (kind == "limit" and text == "*")
        parsed = None if text in {"0", "*"} and kind in {"introduced", "limit"} else parser(text)
        if parsed is None:
            continue
        if kind == "limit":
            limits.append(parsed)
        elif kind in _TIE_ORDER:
            points.append((parsed, _TIE_ORDER[kind], kind))
    points.sort(key=lambda item: (item[0], item[1]))
    return from_start, points, [] if unbounded else limits
