"""One MCP handshake per scan: requests counted at a real SDK server (issue 14).

The auth, tools and publisher families run through the runner as a scan runs them, against
tests/servers/mcp.py behind a request log. A scan must send what one client's handshake and
listing send, plus only the auth family's deliberate extra requests and the publisher's Server
Card lookups; an endpoint that needs a token, one that fails its handshake and one that stalls
mid-listing still give every family its own classified outcome.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import pytest

from probes.auth.family import AUTH_FAMILY
from probes.auth.observation import AuthObservation
from probes.context import ProbeContext
from probes.mcp.identity import ClientInfo
from probes.mcp.shared import SharedMcp
from probes.model import AttemptStatus, ErrorReason, Family
from probes.publisher.advisories import KnownVulnerability
from probes.publisher.family import publisher_family
from probes.publisher.observation import PublisherObservation
from probes.publisher.sources import PublisherSources
from probes.runner import RunResult, run_families
from probes.target import Target, parse_endpoint_url
from probes.tools.family import TOOLS_FAMILY
from probes.tools.observation import ToolsObservation
from tests.integration.mcp.support import ROOMY_LIMITS, make_context, observe
from tests.servers.mcp import GOOD_TOKEN, McpTestServer, mcp_server
from tests.servers.request_log import RequestLog, SeenRequest

BAD_VERSION = "1999-01-01"
PRM_PATH = "/.well-known/oauth-protected-resource/mcp"
PRM_ROOT = "/.well-known/oauth-protected-resource"
TOKEN = {"Authorization": f"Bearer {GOOD_TOKEN}"}


def role(request: SeenRequest) -> tuple[str, ...]:
    """What a request was for: method and JSON-RPC method (or path), and its odd markers."""
    marks = [request.http_method, request.rpc_method or request.path]
    if "origin" in request.headers:
        marks.append("bogus origin")
    if request.headers.get("mcp-protocol-version") == BAD_VERSION:
        marks.append("bad version")
    if request.credentialed:
        marks.append("token")
    return tuple(marks)


def auth_extras(*, token: bool = False) -> Counter[tuple[str, ...]]:
    """The auth family's deliberate requests on a working session-era endpoint.

    A second session (its id is compared with the handshake's), the unsupported protocol
    version sent on it, its DELETE, and an initialize with a bogus Origin (refused: no session).
    """
    extra = ("token",) if token else ()
    return Counter(
        {
            ("POST", "initialize", *extra): 1,
            ("POST", "notifications/initialized", *extra): 1,
            ("POST", "tools/list", "bad version", *extra): 1,
            ("DELETE", "/mcp", *extra): 1,
            ("POST", "initialize", "bogus origin", *extra): 1,
        }
    )


WELL_KNOWN = Counter({("GET", PRM_PATH): 1, ("GET", PRM_ROOT): 1})
# The publisher family's Server Card lookups at the endpoint's origin, without credentials.
CARD_LOOKUPS = Counter(
    {
        ("GET", path): 1
        for path in (
            "/mcp/server-card",
            "/.well-known/mcp/server-card.json",
            "/.well-known/mcp.json",
            "/.well-known/ai-catalog.json",
            "/.well-known/mcp/catalog.json",
        )
    }
)


class Advisories:
    """An advisory database that knows nothing and remembers what it was asked."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, str, str]] = []

    async def __call__(
        self, ecosystem: str, name: str, version: str
    ) -> tuple[KnownVulnerability, ...]:
        self.asked.append((ecosystem, name, version))
        return ()


@contextmanager
def logged_server(log: RequestLog, *, auth: bool = False) -> Iterator[McpTestServer]:
    """The default SDK server (session era, SSE replies) behind `log`; held requests end first.

    Tests that stall or abandon requests get a server of their own: a request still on its
    way when a test ends would be counted by the next one.
    """
    with mcp_server(auth=auth, wrap=log.wrap) as server:
        try:
            yield server
        finally:
            log.release()


@pytest.fixture(scope="module")
def shared_lab() -> Iterator[tuple[McpTestServer, RequestLog]]:
    """One open server for the tests whose every request is answered before the scan ends."""
    log = RequestLog()
    with logged_server(log) as server:
        yield server, log


@pytest.fixture
def lab(shared_lab: tuple[McpTestServer, RequestLog]) -> tuple[McpTestServer, RequestLog]:
    """The shared server with its log cleared and its behaviour reset."""
    shared_lab[1].reset()
    return shared_lab


def target_for(url: str) -> Target:
    return Target(endpoint=parse_endpoint_url(url), addresses=("127.0.0.1",))


async def scan(url: str, ctx: ProbeContext, advisories: Advisories) -> RunResult:
    """The three MCP-speaking families, as the scan service runs them."""
    publisher = publisher_family(PublisherSources(advisories=advisories))
    return await run_families(target_for(url), ctx, (AUTH_FAMILY, publisher, TOOLS_FAMILY))


def outcomes(result: RunResult) -> Mapping[Family, tuple[AttemptStatus, ErrorReason | None]]:
    return {a.family: (a.status, a.reason) for a in result.attempts}


COMPLETED = (AttemptStatus.COMPLETED, None)


async def test_an_open_endpoint_sees_one_handshake_and_the_auth_extras_only(
    lab: tuple[McpTestServer, RequestLog],
) -> None:
    server, log = lab
    ctx = make_context(limits=ROOMY_LIMITS)
    advisories = Advisories()
    await observe(ctx, server.url)  # what one client's handshake and listing send
    alone = log.counts(role)
    mark = len(log.requests)
    result = await scan(server.url, ctx, advisories)
    scanned = log.counts(role, since=mark)
    assert alone[("POST", "initialize")] == 1
    assert alone[("POST", "tools/list")] == 1
    assert scanned == alone + auth_extras() + WELL_KNOWN + CARD_LOOKUPS
    assert set(outcomes(result).values()) == {COMPLETED}
    tools = result.observations[Family.TOOLS]
    assert isinstance(tools, ToolsObservation)
    assert sorted(str(d.name) for d in tools.of_kind("tool")) == ["add", "echo"]
    assert advisories.asked == [
        ("npm", "trustsvc-test", "1.0.0"),
        ("PyPI", "trustsvc-test", "1.0.0"),
    ]
    findings = {f.probe_id: f.outcome.value for f in result.findings}
    assert findings["auth_endpoint_open_without_credentials"] == "true"
    assert findings["auth_session_id_weak"] == "false"  # two ids: the handshake's and one more


async def test_a_token_endpoint_shares_the_credentialed_handshake() -> None:
    log = RequestLog()
    ctx = make_context(limits=ROOMY_LIMITS, headers=TOKEN)
    advisories = Advisories()
    with logged_server(log, auth=True) as server:
        await observe(ctx, server.url)
        alone = log.counts(role)
        mark = len(log.requests)
        result = await scan(server.url, ctx, advisories)
        scanned = log.counts(role, since=mark)
    assert alone[("POST", "initialize", "token")] == 1
    # Auth's unauthenticated probing is refused at once (401), then discovery, uncredentialed.
    unauthenticated = Counter({("POST", "server/discover"): 1, ("POST", "initialize"): 1})
    expected = alone + auth_extras(token=True) + unauthenticated + WELL_KNOWN + CARD_LOOKUPS
    assert scanned == expected
    assert set(outcomes(result).values()) == {COMPLETED}
    tools = result.observations[Family.TOOLS]
    assert isinstance(tools, ToolsObservation)
    assert sorted(str(d.name) for d in tools.of_kind("tool")) == ["add", "echo"]
    assert len(advisories.asked) == 2
    findings = {f.probe_id: f.outcome.value for f in result.findings}
    assert findings["auth_endpoint_open_without_credentials"] == "false"
    assert findings["auth_protected_resource_metadata_published"] == "true"


async def test_a_failed_handshake_is_tried_once_and_each_family_classifies_it(
    lab: tuple[McpTestServer, RequestLog],
) -> None:
    server, log = lab
    log.reset(answer={"initialize": 500})
    ctx = make_context(limits=ROOMY_LIMITS)
    advisories = Advisories()
    result = await scan(server.url, ctx, advisories)
    # One shared attempt, and auth's one bare initialize to tell a refusal from "not MCP".
    assert log.counts(role) == Counter(
        {("POST", "server/discover"): 1, ("POST", "initialize"): 2, **WELL_KNOWN, **CARD_LOOKUPS}
    )
    assert outcomes(result) == {
        Family.AUTH: COMPLETED,
        Family.TOOLS: (AttemptStatus.ERROR, ErrorReason.PROTOCOL_ERROR),
        Family.PUBLISHER: COMPLETED,
    }
    publisher = result.observations[Family.PUBLISHER]
    assert isinstance(publisher, PublisherObservation)
    assert publisher.advisories_reason is not None
    assert "no serverInfo: the endpoint does not speak MCP" in publisher.advisories_reason
    assert advisories.asked == []


async def test_a_listing_that_stalls_still_lets_the_advisories_read_server_info() -> None:
    log = RequestLog(hold="tools/list")
    ctx = make_context(limits=ROOMY_LIMITS)
    advisories = Advisories()
    with logged_server(log) as server:
        result = await scan(server.url, ctx, advisories)
        stalled = log.counts(role)
    assert stalled[("POST", "tools/list")] == 1  # shared: not one per family
    assert outcomes(result) == {
        Family.AUTH: (AttemptStatus.ERROR, ErrorReason.TIMEOUT),
        Family.TOOLS: (AttemptStatus.ERROR, ErrorReason.TIMEOUT),
        Family.PUBLISHER: COMPLETED,
    }
    assert advisories.asked == [
        ("npm", "trustsvc-test", "1.0.0"),
        ("PyPI", "trustsvc-test", "1.0.0"),
    ]


async def test_a_waiter_giving_up_leaves_the_handshake_to_the_others() -> None:
    log = RequestLog(hold="tools/list")
    ctx = make_context(limits=ROOMY_LIMITS)
    with logged_server(log) as server:
        async with SharedMcp(target_for(server.url), ctx) as mcp:
            impatient = asyncio.create_task(mcp.observe())
            identified = await mcp.identified()
            impatient.cancel()
            log.release()
            listed = await mcp.observe()
    assert impatient.cancelled()
    assert identified.server_name == "trustsvc-test"
    assert identified.tools == ()
    assert listed.server_name == "trustsvc-test"
    assert log.counts(role)[("POST", "tools/list")] == 1
    assert log.counts(role)[("POST", "initialize")] == 1


async def test_another_client_identity_is_one_more_handshake(
    lab: tuple[McpTestServer, RequestLog],
) -> None:
    server, log = lab
    ctx = make_context(limits=ROOMY_LIMITS)
    other = ClientInfo("cursor", "1.0")
    async with SharedMcp(target_for(server.url), ctx) as mcp:
        first, again, as_other = await asyncio.gather(
            mcp.observe(), mcp.observe(), mcp.observe(client=other)
        )
    assert first is again
    assert as_other is not first
    names = Counter(r.client_name for r in log.requests if r.rpc_method == "initialize")
    assert names == Counter({"trustsvc-probe": 1, "cursor": 1})
    assert [t["name"] for t in as_other.tools] == [t["name"] for t in first.tools]


async def test_early_hygiene_is_dropped_when_the_listing_needs_credentials(
    lab: tuple[McpTestServer, RequestLog],
) -> None:
    """Initialize served but tools/list refused: not open, so no hygiene is judged."""
    server, log = lab
    log.reset(answer={"tools/list": 401})
    result = await scan(server.url, make_context(), Advisories())
    seen = log.counts(role)
    auth = result.observations[Family.AUTH]
    assert isinstance(auth, AuthObservation)
    assert not auth.unauthenticated.open
    assert (auth.bogus_origin, auth.session_ids, auth.unsupported_version) == (
        None,
        (None, None),
        None,
    )
    findings = {f.probe_id: f.outcome.value for f in result.findings}
    assert findings["auth_session_id_weak"] == "not_applicable"
    # The checks had started at identification; the session they opened was still deleted.
    assert seen[("POST", "initialize", "bogus origin")] == 1
    assert seen[("POST", "initialize")] == 2
    assert seen[("DELETE", "/mcp")] == 2
