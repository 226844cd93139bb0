"""The WHOIS fallback through Debian's whois CLI against a loopback RFC 3912 server."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from probes.context import ProbeContext
from probes.domain.rdap_bootstrap import parse_bootstrap
from probes.domain.rdap_collect import RegistrationSources, collect_registration
from probes.domain.registration_observation import RegistrationSource
from probes.domain.registration_probes import REGISTRATION_PROBES
from probes.domain.whois_adapter import lookup_whois
from probes.errors import SourceUnavailable
from probes.model import Outcome
from tests.integration.domain_registration.conftest import no_dns, target
from tests.integration.domain_registration.documents import NOW
from tests.integration.domain_registration.servers import whois_server

pytestmark = pytest.mark.skipif(
    shutil.which("whois") is None,
    reason="Debian's whois CLI is missing (scripts/test.sh installs it with apt-get)",
)
T, F, NAV = Outcome.TRUE, Outcome.FALSE, Outcome.NOT_AVAILABLE


async def test_tld_absent_from_the_bootstrap_falls_back_to_whois(ctx: ProbeContext) -> None:
    # The bootstrap knows only .com, so .zz goes to WHOIS; nothing may reach a real server.
    bootstrap = parse_bootstrap({"services": [[["com"], ["http://127.0.0.1:9/"]]]})
    async with whois_server() as (port, queries):
        sources = RegistrationSources(
            bootstrap=bootstrap, whois_server="127.0.0.1", whois_port=port
        )
        seen = await collect_registration(
            target("https://mcp.fallback.xyz/mcp"), ctx, sources, resolver=no_dns, now=NOW
        )
    assert queries == ["fallback.xyz"]
    facts = seen.facts
    assert facts is not None
    assert facts.source is RegistrationSource.WHOIS
    assert facts.registered_at == dt.datetime(2026, 2, 20, 8, tzinfo=dt.UTC)
    assert facts.expires_at == dt.datetime(2027, 2, 20, 8, tzinfo=dt.UTC)
    assert facts.registrar == "Example Registrar, Inc."
    outcomes = [probe.judge(seen)[0] for probe in REGISTRATION_PROBES]
    assert [f.outcome for f in outcomes] == [F, T, T, F, T, NAV]
    assert {f.evidence["source"] for f in outcomes} == {"whois"}


async def test_empty_whois_answer_is_source_unavailable(ctx: ProbeContext) -> None:
    async with whois_server("No match for domain.\n") as (port, _):
        with pytest.raises(SourceUnavailable):
            await lookup_whois("nothing.zz", server="127.0.0.1", port=port, ctx=ctx)


async def test_refused_whois_connection_is_source_unavailable(ctx: ProbeContext) -> None:
    with pytest.raises(SourceUnavailable):
        await lookup_whois("nothing.zz", server="127.0.0.1", port=9, ctx=ctx)
