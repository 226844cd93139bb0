"""RDAP over a loopback aiohttp server: recorded documents, errors and hostile answers."""

from __future__ import annotations

import datetime as dt

import pytest

from probes.context import ProbeContext
from probes.domain.rdap import fetch_registration
from probes.domain.rdap_collect import RegistrationSources, collect_registration
from probes.domain.registration_observation import RegistrationSource
from probes.domain.registration_probes import REGISTRATION_PROBES
from probes.errors import SourceUnavailable
from probes.http import SafeHttp
from probes.model import Outcome
from tests.integration.domain_registration.conftest import no_dns, target
from tests.integration.domain_registration.documents import NOW
from tests.integration.domain_registration.servers import rdap_server

T, F, NAV = Outcome.TRUE, Outcome.FALSE, Outcome.NOT_AVAILABLE


async def collect(ctx: ProbeContext, host: str, base_url: str) -> dict[str, Outcome]:
    sources = RegistrationSources(rdap_base_url=base_url, whois_enabled=False)
    seen = await collect_registration(
        target(f"https://{host}/mcp"), ctx, sources, resolver=no_dns, now=NOW
    )
    outcomes: dict[str, Outcome] = {}
    for probe in REGISTRATION_PROBES:
        (finding,) = probe.judge(seen)
        outcomes[probe.spec.id] = finding.outcome
    return outcomes


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("mcp.young.com", [T, T, T, F, F, F]),
        ("mcp.old.com", [F, F, F, F, F, F]),
        ("mcp.held.com", [F, F, F, T, T, F]),
        ("mcp.moved.com", [F, T, T, NAV, F, T]),  # changed hands 20 days ago
        ("mcp.missing.com", [NAV] * 6),
    ],
)
async def test_recorded_documents(ctx: ProbeContext, host: str, expected: list[Outcome]) -> None:
    async with rdap_server() as (base_url, queries):
        outcomes = await collect(ctx, host, base_url)
    assert list(outcomes.values()) == expected
    assert queries == [(host.removeprefix("mcp."), "application/rdap+json")]


async def test_facts_of_the_young_domain(ctx: ProbeContext) -> None:
    async with rdap_server() as (base_url, _), SafeHttp(ctx, target(base_url)) as http:
        facts = await fetch_registration(http, "young.com", base_urls=[base_url])
    assert facts.source is RegistrationSource.RDAP
    assert facts.registered_at == NOW - dt.timedelta(days=3)
    assert facts.registrar == "Example Registrar, Inc."
    assert facts.registrar_iana_id == "292"
    assert facts.dnssec_delegated is False
    assert facts.statuses == ("add period", "active")


@pytest.mark.parametrize(
    ("name", "detail"),
    [
        ("malformed.com", "invalid JSON"),
        ("array.com", "not an object"),
        ("html.com", "content type text/html"),
        ("huge.com", "exceeds"),
        ("slow.com", "RDAP unavailable"),
        ("limited.com", "HTTP 429, Retry-After 60"),
        ("broken.com", "HTTP 500"),
        ("truncated.com", "RDAP unavailable"),
    ],
)
async def test_bad_answers_are_source_unavailable(
    ctx: ProbeContext, name: str, detail: str
) -> None:
    async with rdap_server() as (base_url, _), SafeHttp(ctx, target(base_url)) as http:
        with pytest.raises(SourceUnavailable) as raised:
            await fetch_registration(http, name, base_urls=[base_url])
    assert detail in raised.value.detail


async def test_second_base_url_answers_when_the_first_fails(ctx: ProbeContext) -> None:
    async with rdap_server() as (base_url, _), SafeHttp(ctx, target(base_url)) as http:
        dead = "http://127.0.0.1:9/"
        facts = await fetch_registration(http, "old.com", base_urls=[dead, base_url])
    assert facts.found


async def test_ip_literal_target_is_not_applicable(ctx: ProbeContext) -> None:
    sources = RegistrationSources(rdap_base_url="http://127.0.0.1:9/", whois_enabled=False)
    seen = await collect_registration(
        target("http://127.0.0.1:8080/mcp"), ctx, sources, resolver=no_dns, now=NOW
    )
    assert seen.registrable_domain is None
    assert {p.judge(seen)[0].outcome for p in REGISTRATION_PROBES} == {Outcome.NOT_APPLICABLE}


async def test_tld_without_rdap_and_whois_disabled_is_not_available(ctx: ProbeContext) -> None:
    sources = RegistrationSources(whois_enabled=False)
    seen = await collect_registration(
        target("https://mcp.example.de/mcp"), ctx, sources, resolver=no_dns, now=NOW
    )
    assert seen.facts is None
    assert seen.unavailable_reason == ".de has no RDAP service and WHOIS is disabled"
    assert {p.judge(seen)[0].outcome for p in REGISTRATION_PROBES} == {NAV}
