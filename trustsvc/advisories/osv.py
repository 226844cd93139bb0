"""Turn one OSV record (ossf.github.io/osv-schema) into a bounded, typed `Advisory`.

Advisory feeds are third-party input, so every field is re-checked and bounded here. A record
is refused (`OsvError`) only when it cannot be identified or ordered (`id`, `modified`) or when
it names packages but none in an ecosystem trustsvc matches (PyPI, npm). Everything else is
kept, truncated or dropped with a line in `Advisory.notes`.

Decisions:
- A record without `affected` (or with an empty list) is valid: it is stored and matches
  nothing. An `affected` that is not a list is malformed and refused.
- Unknown ecosystems are skipped per entry with a note; the ecosystem is matched
  case-insensitively and stored in OSV's spelling (`PyPI`, `npm`).
- Names are kept as published; `AffectedPackage.key` holds the normalised form to match on
  (PEP 503 for PyPI, lowercase for npm, scopes kept).
- Range events must each hold exactly one of introduced/fixed/last_affected/limit; others are
  dropped with a note. Event versions are not parsed here (that depends on the range type, see
  `versions.py`), only bounded.
- Only http(s) reference URLs are kept, so a report never renders a `javascript:` link.
- Free text loses NUL characters and lone surrogates (PostgreSQL cannot store them).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeGuard

from trustsvc.advisories.severity import Severity, severity_of
from trustsvc.clock import parse_rfc3339

ECOSYSTEMS = {"pypi": "PyPI", "npm": "npm"}
EVENT_KINDS = ("introduced", "fixed", "last_affected", "limit")
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}", re.ASCII)

SUMMARY_MAX = 500
DETAILS_MAX = 4000
MAX_ALIASES = 50
MAX_REFERENCES = 50
URL_MAX = 2048
MAX_AFFECTED = 200
MAX_RANGES = 20
MAX_EVENTS = 100
MAX_VERSIONS = 5000  # some databases enumerate every affected release
NAME_MAX = 255
VERSION_MAX = 255
MAX_NOTES = 50

_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")
_PEP503 = re.compile(r"[-_.]+")
_HTTP = re.compile(r"https?://", re.IGNORECASE)


class OsvError(ValueError):
    """A record that cannot be stored; `reason` says why in a few words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Range:
    """One `affected[].ranges[]` entry: its type and its (kind, version) events in order."""

    type: str
    events: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class AffectedPackage:
    """One usable `affected[]` entry: a package in a supported ecosystem."""

    ecosystem: str
    name: str
    ranges: tuple[Range, ...]
    versions: tuple[str, ...]

    @property
    def key(self) -> tuple[str, str]:
        """(ecosystem, normalised name): what a package lookup matches on."""
        return self.ecosystem, normalise_name(self.ecosystem, self.name)


@dataclass(frozen=True)
class Advisory:
    """A parsed OSV record; `notes` lists what was dropped or skipped, and why."""

    id: str
    modified: dt.datetime
    published: dt.datetime | None
    withdrawn: dt.datetime | None
    aliases: tuple[str, ...]
    summary: str | None
    details: str | None
    severity: Severity | None
    references: tuple[str, ...]
    affected: tuple[AffectedPackage, ...]
    notes: tuple[str, ...] = ()


def normalise_ecosystem(text: str) -> str | None:
    """OSV's spelling of a supported ecosystem, matched case-insensitively, or None."""
    return ECOSYSTEMS.get(text.strip().lower())


def normalise_name(ecosystem: str, name: str) -> str:
    """The comparable form of a package name: PEP 503 for PyPI, lowercase for npm."""
    canonical = normalise_ecosystem(ecosystem)
    if canonical == "PyPI":
        return _PEP503.sub("-", name.strip()).lower()
    if canonical == "npm":
        return name.strip().lower()
    raise ValueError(f"unsupported ecosystem: {ecosystem!r}")


def parse_advisory(document: object) -> Advisory:
    """Check and bound one OSV record; raise `OsvError` when it cannot be stored."""
    if not isinstance(document, Mapping):
        raise OsvError("record is not an object")
    ident = document.get("id")
    if not isinstance(ident, str) or not ID_PATTERN.fullmatch(ident):
        raise OsvError("missing or invalid id")
    modified = parse_rfc3339(document.get("modified"))
    if modified is None:
        raise OsvError("missing or invalid modified date")
    notes: list[str] = []
    affected = _affected(document.get("affected"), notes)
    published = _date(document, "published", notes)
    withdrawn = _date(document, "withdrawn", notes)
    aliases = _aliases(document.get("aliases"), notes)
    summary = _text(document, "summary", SUMMARY_MAX, notes)
    details = _text(document, "details", DETAILS_MAX, notes)
    references = _references(document.get("references"), notes)
    if len(notes) > MAX_NOTES:
        notes[MAX_NOTES - 1 :] = [f"{len(notes) - MAX_NOTES + 1} more notes left out"]
    return Advisory(
        id=ident,
        modified=modified,
        published=published,
        withdrawn=withdrawn,
        aliases=aliases,
        summary=summary,
        details=details,
        severity=severity_of(document),
        references=references,
        affected=affected,
        notes=tuple(notes),
    )


def _date(document: Mapping[str, object], field: str, notes: list[str]) -> dt.datetime | None:
    value = document.get(field)
    if value is None:
        return None
    when = parse_rfc3339(value)
    if when is None:
        notes.append(f"{field}: not an RFC 3339 date, ignored")
    return when


def _text(document: Mapping[str, object], field: str, limit: int, notes: list[str]) -> str | None:
    value = document.get(field)
    if value is None:
        return None
    if not isinstance(value, str):
        notes.append(f"{field}: not a string, ignored")
        return None
    value = _UNSTORABLE.sub("", value).strip()
    if len(value) > limit:
        notes.append(f"{field}: truncated to {limit} characters")
        value = value[: limit - 1] + "\u2026"
    return value or None


def _strings(value: object, field: str, notes: list[str]) -> list[object]:
    if value is None:
        return []
    if not isinstance(value, list):
        notes.append(f"{field}: not a list, ignored")
        return []
    return value


def _aliases(value: object, notes: list[str]) -> tuple[str, ...]:
    aliases: list[str] = []
    for item in _strings(value, "aliases", notes):
        if not isinstance(item, str) or not ID_PATTERN.fullmatch(item):
            notes.append("aliases: an invalid id was dropped")
        elif item not in aliases:
            aliases.append(item)
    if len(aliases) > MAX_ALIASES:
        notes.append(f"aliases: only the first {MAX_ALIASES} kept")
    return tuple(aliases[:MAX_ALIASES])


def _references(value: object, notes: list[str]) -> tuple[str, ...]:
    urls: list[str] = []
    dropped = 0
    for item in _strings(value, "references", notes):
        url = item.get("url") if isinstance(item, Mapping) else None
        if (
            not isinstance(url, str)
            or len(url) > URL_MAX
            or not _HTTP.match(url)
            or _CONTROL.search(url)
        ):
            dropped += 1
        elif url not in urls:
            urls.append(url)
    if dropped:
        notes.append(f"references: {dropped} without an http(s) URL dropped")
    if len(urls) > MAX_REFERENCES:
        notes.append(f"references: only the first {MAX_REFERENCES} kept")
    return tuple(urls[:MAX_REFERENCES])


def _affected(value: object, notes: list[str]) -> tuple[AffectedPackage, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise OsvError("affected is not a list")
    if not value:
        return ()
    packages: list[AffectedPackage] = []
    for index, entry in enumerate(value[:MAX_AFFECTED]):
        package = _package(entry, f"affected[{index}]", notes)
        if package is not None:
            packages.append(package)
    if len(value) > MAX_AFFECTED:
        notes.append(f"affected: only the first {MAX_AFFECTED} entries read")
    if not packages:
        raise OsvError("no affected entry for a supported ecosystem")
    return tuple(packages)


def _package(entry: object, where: str, notes: list[str]) -> AffectedPackage | None:
    package = entry.get("package") if isinstance(entry, Mapping) else None
    if not isinstance(entry, Mapping) or not isinstance(package, Mapping):
        notes.append(f"{where}: no package object, skipped")
        return None
    raw_ecosystem, name = package.get("ecosystem"), package.get("name")
    ecosystem = normalise_ecosystem(raw_ecosystem) if isinstance(raw_ecosystem, str) else None
    if ecosystem is None:
        shown = raw_ecosystem[:40] if isinstance(raw_ecosystem, str) else raw_ecosystem
        notes.append(f"{where}: unsupported ecosystem {shown!r}, skipped")
        return None
    if not _is_token(name, NAME_MAX):
        notes.append(f"{where}: missing or invalid package name, skipped")
        return None
    ranges = _ranges(entry.get("ranges"), where, notes)
    versions = _versions(entry.get("versions"), where, notes)
    if not ranges and not versions:
        notes.append(f"{where}: no usable ranges or versions, matches nothing")
    return AffectedPackage(ecosystem=ecosystem, name=name.strip(), ranges=ranges, versions=versions)


def _is_token(value: object, limit: int) -> TypeGuard[str]:
    """A non-empty, bounded string without control characters (a name or a version)."""
    return (
        isinstance(value, str)
        and bool(value.strip())
        and len(value) <= limit
        and not _CONTROL.search(value)
    )


def _ranges(value: object, where: str, notes: list[str]) -> tuple[Range, ...]:
    items = _strings(value, f"{where}.ranges", notes)
    ranges: list[Range] = []
    for index, item in enumerate(items[:MAX_RANGES]):
        parsed = _range(item, f"{where}.ranges[{index}]", notes)
        if parsed is not None:
            ranges.append(parsed)
    if len(items) > MAX_RANGES:
        notes.append(f"{where}.ranges: only the first {MAX_RANGES} read")
    return tuple(ranges)


def _range(value: object, where: str, notes: list[str]) -> Range | None:
    kind = value.get("type") if isinstance(value, Mapping) else None
    if not isinstance(value, Mapping) or not _is_token(kind, 32):
        notes.append(f"{where}: no range type, skipped")
        return None
    raw_events = _strings(value.get("events"), f"{where}.events", notes)
    events: list[tuple[str, str]] = []
    for item in raw_events[:MAX_EVENTS]:
        event = _event(item)
        if event is None:
            notes.append(f"{where}: a malformed event was dropped")
        else:
            events.append(event)
    if len(raw_events) > MAX_EVENTS:
        notes.append(f"{where}: only the first {MAX_EVENTS} events read")
    if not events:
        notes.append(f"{where}: no events, skipped")
        return None
    return Range(type=kind.strip().upper(), events=tuple(events))


def _event(value: object) -> tuple[str, str] | None:
    if not isinstance(value, Mapping):
        return None
    present = [(kind, value[kind]) for kind in EVENT_KINDS if kind in value]
    if len(present) != 1:
        return None
    kind, version = present[0]
    if not _is_token(version, VERSION_MAX):
        return None
    return kind, version.strip()


def _versions(value: object, where: str, notes: list[str]) -> tuple[str, ...]:
    items = _strings(value, f"{where}.versions", notes)
    versions = [item.strip() for item in items[:MAX_VERSIONS] if _is_token(item, VERSION_MAX)]
    if len(versions) < min(len(items), MAX_VERSIONS):
        notes.append(f"{where}.versions: invalid entries dropped")
    if len(items) > MAX_VERSIONS:
        notes.append(f"{where}.versions: only the first {MAX_VERSIONS} read")
    return tuple(versions)
