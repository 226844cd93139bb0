"""RDAP domain lookups (RFC 9083 over RFC 7480 HTTP) reduced to RegistrationFacts.

The registry's answer is third-party input: every field is type-checked, a field of the wrong
type or an unparseable date is dropped and named in `problems`, and nothing in the document
can raise. Transport failures, rate limits and server errors become SourceUnavailable so the
family records why it has no data instead of guessing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from probes.domain.registration_observation import RegistrationFacts, RegistrationSource
from probes.errors import ProbeError, SourceUnavailable
from probes.http import SafeHttp, json_body

RDAP_JSON = "application/rdap+json"
_NOT_FOUND = 404
_OK = 200
_MAX_PROBLEMS = 20
_MAX_TEXT = 200
# RFC 9083 section 10.2.3 and the IANA "RDAP JSON Values" registry (event actions).
_REGISTRATION = "registration"
_EXPIRATION = "expiration"
_LAST_CHANGED = "last changed"
_OWNERSHIP_CHANGES = frozenset({"transfer", "reregistration"})
_IANA_REGISTRAR_ID = "iana registrar id"


async def fetch_registration(
    http: SafeHttp, domain: str, *, base_urls: Iterable[str]
) -> RegistrationFacts:
    """Ask each base URL in turn for `domain/<name>`; the first usable answer wins.

    A 404 is the registry saying it has no such domain: a "not found" fact, not an error.
    The byte cap and timeouts come from the SafeHttp's ProbeContext limits.

    Raises:
        SourceUnavailable: every base URL failed (transport, 429, 5xx, not RDAP JSON).
    """
    failures: list[str] = []
    for base in base_urls:
        url = f"{base}domain/{domain.lower().rstrip('.')}"
        try:
            return await _fetch_one(http, url, domain)
        except ProbeError as exc:
            failures.append(f"{url}: {exc.detail}"[:300])
    if not failures:
        raise SourceUnavailable(f"no RDAP base URL is known for {domain}")
    raise SourceUnavailable("RDAP unavailable: " + "; ".join(failures))


async def _fetch_one(http: SafeHttp, url: str, domain: str) -> RegistrationFacts:
    # Operator credentials belong to the target, never to a registry.
    response = await http.request("GET", url, accept=RDAP_JSON, send_credentials=False)
    if response.status == _NOT_FOUND:
        return RegistrationFacts(source=RegistrationSource.RDAP, found=False)
    if response.status != _OK:
        retry = response.headers.get("retry-after")
        hint = f", Retry-After {retry[:40]}" if retry else ""
        raise SourceUnavailable(f"HTTP {response.status}{hint}")
    return parse_domain(json_body(response), domain)


def parse_domain(document: object, domain: str) -> RegistrationFacts:
    """Read an RFC 9083 domain object; wrong types are ignored and recorded, never raised."""
    if not isinstance(document, dict):
        raise SourceUnavailable(
            f"the RDAP answer is a JSON {type(document).__name__}, not an object"
        )
    problems: list[str] = []
    note = problems.append
    if document.get("objectClassName") != "domain":
        note(f"objectClassName is {_short(document.get('objectClassName'))}, not 'domain'")
    name = document.get("ldhName")
    if isinstance(name, str) and name.lower().rstrip(".") != domain.lower().rstrip("."):
        note(f"ldhName {_short(name)} differs from the queried {domain}")
    dates = _events(document.get("events"), note)
    registrar, iana_id = _registrar(document.get("entities"), note)
    return RegistrationFacts(
        source=RegistrationSource.RDAP,
        registered_at=_pick(dates, {_REGISTRATION}, min),
        expires_at=_pick(dates, {_EXPIRATION}, min),
        last_changed_at=_pick(dates, {_LAST_CHANGED}, max),
        transferred_at=_pick(dates, _OWNERSHIP_CHANGES, max),
        registrar=registrar,
        registrar_iana_id=iana_id,
        statuses=_statuses(document.get("status"), note),
        dnssec_delegated=_dnssec(document.get("secureDNS"), note),
        problems=tuple(problems[:_MAX_PROBLEMS]),
    )


def parse_rdap_date(value: object) -> dt.datetime | None:
    """An RFC 3339 date-time as an aware UTC datetime; a date without offset is taken as UTC."""
    if not isinstance(value, str) or len(value) > 64:  # noqa: PLR2004 - no date is longer
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


def _events(raw: object, note: Callable[[str], None]) -> list[tuple[str, dt.datetime]]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        note(f"events is a {type(raw).__name__}, not a list")
        return []
    dates: list[tuple[str, dt.datetime]] = []
    for event in raw:
        if not isinstance(event, dict) or not isinstance(event.get("eventAction"), str):
            note("an event without an eventAction string was ignored")
            continue
        action = event["eventAction"].strip().lower()
        when = parse_rdap_date(event.get("eventDate"))
        if when is None:
            note(f"the {_short(action)} event has no usable eventDate")
            continue
        dates.append((action, when))
    return dates


def _pick(
    dates: list[tuple[str, dt.datetime]],
    actions: set[str] | frozenset[str],
    choose: Callable[[list[dt.datetime]], dt.datetime],
) -> dt.datetime | None:
    matching = [when for action, when in dates if action in actions]
    return choose(matching) if matching else None


def _registrar(raw: object, note: Callable[[str], None]) -> tuple[str | None, str | None]:
    """The registrar's name (vCard "fn", RFC 7095 jCard) and IANA id from `publicIds`."""
    if raw is None:
        return None, None
    if not isinstance(raw, list):
        note(f"entities is a {type(raw).__name__}, not a list")
        return None, None
    for entity in raw:
        roles = entity.get("roles") if isinstance(entity, dict) else None
        if not isinstance(entity, dict) or not isinstance(roles, list) or "registrar" not in roles:
            continue
        return _vcard_fn(entity.get("vcardArray")), _iana_id(entity.get("publicIds"))
    return None, None


def _vcard_fn(raw: object) -> str | None:
    # A jCard (RFC 7095) is a "vcard" tag and a list of name, params, type, value items.
    if not (isinstance(raw, list) and len(raw) == 2 and isinstance(raw[1], list)):  # noqa: PLR2004
        return None
    for item in raw[1]:
        if isinstance(item, list) and len(item) >= 4 and item[0] == "fn":  # noqa: PLR2004
            return _text(item[3])
    return None


def _iana_id(raw: object) -> str | None:
    if not isinstance(raw, list):
        return None
    for public_id in raw:
        if (
            isinstance(public_id, dict)
            and isinstance(public_id.get("type"), str)
            and public_id["type"].strip().lower() == _IANA_REGISTRAR_ID
        ):
            return _text(public_id.get("identifier"))
    return None


def _statuses(raw: object, note: Callable[[str], None]) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        note(f"status is a {type(raw).__name__}, not a list")
        return ()
    kept = tuple(text for text in (_text(v) for v in raw if isinstance(v, str)) if text)
    if len(kept) != len(raw):
        note("a status value that is not a string was ignored")
    return kept[:_MAX_PROBLEMS]


def _dnssec(raw: object, note: Callable[[str], None]) -> bool | None:
    if raw is None:
        return None
    signed = raw.get("delegationSigned") if isinstance(raw, dict) else None
    if isinstance(signed, bool):
        return signed
    note("secureDNS.delegationSigned is missing or not a boolean")
    return None


def _text(value: object) -> str | None:
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        text = str(value).strip()
        return text[:_MAX_TEXT] or None
    return None


def _short(value: object) -> str:
    return repr(value)[:60]
