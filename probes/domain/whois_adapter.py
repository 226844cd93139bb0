"""The WHOIS fallback (RFC 3912) through python-whois: the only module that imports `whois`.

python-whois is untyped and blocking, so it is confined here and run in the context's bounded
thread pool. It has no host or port parameter; with a server configured we shell out to
Debian's `whois -h HOST -p PORT`, which is also how tests reach a local server. Its failures
(socket.gaierror despite ignore_socket_errors, an entry whose every field is None) become
SourceUnavailable, so "no data" is never read as an old domain.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
import subprocess
from collections.abc import Callable
from typing import Any

import whois

from probes.context import ProbeContext
from probes.domain.registration_observation import RegistrationFacts, RegistrationSource
from probes.errors import SourceUnavailable

_MAX_TEXT = 200
_WHOIS_CLI = shutil.which("whois") or "whois"
_MAX_STATUSES = 20


async def lookup_whois(
    domain: str, *, server: str | None, port: int | None, ctx: ProbeContext
) -> RegistrationFacts:
    """Ask a WHOIS server about `domain` in the bounded pool, within the request timeout.

    `server` None uses python-whois's own server choice on port 43 (production only: it
    resolves names with the system resolver). A thread cannot be cancelled, so the CLI is
    also killed at the same timeout, which frees its pool slot.

    Raises:
        SourceUnavailable: no answer, an unparseable answer, or an answer with no fields.
    """
    query = _query(domain, server, port, ctx.limits.request_timeout_s)
    try:
        async with asyncio.timeout(ctx.limits.request_timeout_s):
            entry = await ctx.run_blocking(query)
    except TimeoutError as exc:
        raise SourceUnavailable(f"WHOIS gave no answer for {domain} in time") from exc
    except Exception as exc:  # the library raises anything, socket.gaierror included
        raise SourceUnavailable(
            f"WHOIS failed for {domain}: {type(exc).__name__}: {exc}"[:300]
        ) from exc
    return facts_from_entry(entry)


def _query(
    domain: str, server: str | None, port: int | None, timeout_s: float
) -> Callable[[], Any]:
    if server is None:
        return lambda: whois.whois(domain, quiet=True, timeout=max(1, int(timeout_s)))
    # whois.whois(command=True) would run the same CLI but leaks its pipe and never reaps or
    # times out the process; running it here bounds it, and python-whois still parses.
    # --no-recursion: never follow a registry's referral to another (real) registrar server.
    argv = [_WHOIS_CLI, "--no-recursion", "-h", server, "-p", str(port or 43), "--", domain]

    def run() -> Any:  # noqa: ANN401 - python-whois's WhoisEntry
        done = subprocess.run(argv, capture_output=True, timeout=timeout_s, check=False)  # noqa: S603
        text = done.stdout.decode("utf-8", "replace")
        if not text.strip():
            raise SourceUnavailable(f"whois exited {done.returncode} with no output")
        return whois.WhoisEntry.load(domain, text)

    return run


def facts_from_entry(entry: Any) -> RegistrationFacts:  # noqa: ANN401 - python-whois's dict
    """Map a python-whois entry to facts; any field may be None, a scalar or a list.

    Raises:
        SourceUnavailable: the entry carries none of the fields we read (failed lookup).
    """
    if not isinstance(entry, dict):
        raise SourceUnavailable("WHOIS returned no entry")
    problems: list[str] = []
    registered_at = _date(entry.get("creation_date"), min, problems)
    expires_at = _date(entry.get("expiration_date"), min, problems)
    last_changed_at = _date(entry.get("updated_date"), max, problems)
    registrar = _first_text(entry.get("registrar"))
    statuses = _texts(entry.get("status"))
    if not any((registered_at, expires_at, last_changed_at, registrar, statuses)):
        # python-whois returns an all-None entry when the server never answered.
        raise SourceUnavailable("the WHOIS answer has no registration fields")
    return RegistrationFacts(
        source=RegistrationSource.WHOIS,
        registered_at=registered_at,
        expires_at=expires_at,
        last_changed_at=last_changed_at,
        registrar=registrar,
        statuses=statuses,
        dnssec_delegated=_dnssec(entry.get("dnssec")),
        problems=tuple(problems),
    )


def _date(
    raw: object, choose: Callable[[list[dt.datetime]], dt.datetime], problems: list[str]
) -> dt.datetime | None:
    """The chosen date of a field; naive datetimes are taken as UTC (python-whois drops zones)."""
    values = raw if isinstance(raw, list) else [raw]
    dates = [
        value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        for value in values
        if isinstance(value, dt.datetime)
    ]
    if any(isinstance(value, str) for value in values):
        problems.append("a WHOIS date could not be parsed")
    return choose(dates).astimezone(dt.UTC) if dates else None


def _texts(raw: object) -> tuple[str, ...]:
    values = raw if isinstance(raw, list) else [raw]
    texts = (str(value).strip()[:_MAX_TEXT] for value in values if isinstance(value, str))
    return tuple(dict.fromkeys(text for text in texts if text))[:_MAX_STATUSES]


def _first_text(raw: object) -> str | None:
    texts = _texts(raw)
    return texts[0] if texts else None


def _dnssec(raw: object) -> bool | None:
    texts = [text.lower() for text in _texts(raw)]
    if any(text.startswith(("signed", "yes")) for text in texts):
        return True
    if any(text.startswith(("unsigned", "no")) for text in texts):
        return False
    return None
