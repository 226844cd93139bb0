"""SafeHttp: the SSRF guard on every hop, byte caps, timeouts and where credentials may go."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from probes.context import ProbeContext
from probes.errors import (
    ProbeTimeout,
    ProtocolViolation,
    ResponseTooLarge,
    TargetRejected,
    TlsHandshakeFailed,
    Unreachable,
)
from probes.http import SafeHttp, json_body
from probes.target import Target, parse_endpoint_url
from tests.integration.mcp.support import LOOPBACK_ONLY, SMALL_LIMITS, make_context, open_http
from tests.servers.hostile import HostileServer
from tests.servers.pki import LabPki, mint_lab_pki
from tests.servers.tls import LabTlsConfig, LabTlsServer, unused_port

SECRET = {"Authorization": "Bearer operator-secret"}


@pytest.fixture
def credentialed() -> Iterator[ProbeContext]:
    """A context carrying an operator bearer token."""
    context = make_context(headers=SECRET)
    yield context
    context.executor.shutdown(wait=True)


@pytest.fixture(scope="module")
def lab_pki(tmp_path_factory: pytest.TempPathFactory) -> LabPki:
    return mint_lab_pki(tmp_path_factory.mktemp("pki"))


def _pinned(url: str, address: str = "127.0.0.1") -> Target:
    """A target for a host name, pinned without any DNS lookup."""
    return Target(endpoint=parse_endpoint_url(url), addresses=(address,))


async def _refuse_lookups(host: str, port: int) -> list[str]:
    raise AssertionError(f"no lookup expected, got {host}:{port}")


async def test_json_exchange(hostile: HostileServer, ctx: ProbeContext) -> None:
    async with await open_http(ctx, hostile.url("/")) as http:
        response = await http.request("GET", hostile.url("/headers"), accept="application/json")
    assert response.status == 200
    assert response.content_type == "application/json"
    assert response.redirects == ()
    names = json_body(response)
    assert isinstance(names, list)
    assert "accept" in names


@pytest.mark.parametrize(
    ("method", "path", "detail"),
    [
        ("GET", "/wrong-type", "got content type text/html"),
        ("POST", "/invalid-json", "invalid JSON"),
    ],
)
async def test_json_body_checks_type_then_syntax(
    method: str, path: str, detail: str, hostile: HostileServer, ctx: ProbeContext
) -> None:
    async with await open_http(ctx, hostile.url("/")) as http:
        response = await http.request(method, hostile.url(path))
    with pytest.raises(ProtocolViolation, match=detail):
        json_body(response)


async def test_redirect_loop_is_cut(hostile: HostileServer, ctx: ProbeContext) -> None:
    async with await open_http(ctx, hostile.url("/")) as http:
        with pytest.raises(ProtocolViolation, match="redirect loop or too many redirects"):
            await http.request("GET", hostile.url("/redirect-loop"))
    assert len(hostile.seen) == SMALL_LIMITS.max_redirects + 1


async def test_redirect_to_private_address_is_refused_before_connecting(
    hostile: HostileServer, ctx: ProbeContext
) -> None:
    async with await open_http(ctx, hostile.url("/")) as http:
        with pytest.raises(TargetRejected, match=r"10\.0\.0\.1 is a private address"):
            await http.request("GET", hostile.url("/redirect-private"))
    assert [seen.path for seen in hostile.seen] == ["/redirect-private"]


async def test_ip_literal_urls_are_checked(hostile: HostileServer, ctx: ProbeContext) -> None:
    async with await open_http(ctx, hostile.url("/")) as http:
        with pytest.raises(TargetRejected, match=r"169\.254\.169\.254 is a cloud metadata address"):
            await http.request("GET", "http://169.254.169.254/latest/meta-data/")
        with pytest.raises(TargetRejected, match="unsupported scheme 'file'"):
            await http.request("GET", "file:///etc/passwd")


async def test_other_hosts_are_resolved_once_and_checked(
    hostile: HostileServer, ctx: ProbeContext
) -> None:
    answers = {"auth.test": ["127.0.0.1"], "evil.test": ["10.1.2.3"]}
    lookups: list[str] = []

    async def resolver(host: str, port: int) -> list[str]:
        lookups.append(host)
        return answers[host]

    port = hostile.ports[0]
    async with SafeHttp(ctx, _pinned(hostile.url("/")), resolver=resolver) as http:
        first = await http.request("GET", f"http://auth.test:{port}/headers")
        second = await http.request("GET", f"http://auth.test:{port}/headers")
        with pytest.raises(TargetRejected, match=r"10\.1\.2\.3 is a private address"):
            await http.request("GET", f"http://evil.test:{port}/headers")
    assert (first.status, second.status) == (200, 200)
    assert lookups == ["auth.test", "evil.test"]


async def test_target_host_answers_from_its_pins(hostile: HostileServer, ctx: ProbeContext) -> None:
    """A rebinding name cannot move the target: its host is never looked up again."""
    url = f"http://rebind.test:{hostile.ports[0]}/headers"
    async with SafeHttp(ctx, _pinned(url), resolver=_refuse_lookups) as http:
        response = await http.request("GET", url)
    assert response.status == 200
    assert hostile.seen[0].headers["host"] == f"rebind.test:{hostile.ports[0]}"


async def test_credentials_go_to_the_target_origin_only(
    hostile: HostileServer, credentialed: ProbeContext
) -> None:
    async with await open_http(credentialed, hostile.url("/")) as http:
        response = await http.request("GET", hostile.url("/redirect-other"))
        await http.request("GET", hostile.url("/headers", other=True))
    assert response.status == 200
    assert [hop.status for hop in response.redirects] == [307]
    assert response.url == hostile.url("/headers", other=True)
    target, redirected, direct = hostile.seen
    assert target.headers["authorization"] == SECRET["Authorization"]
    assert "authorization" not in redirected.headers
    assert "authorization" not in direct.headers


async def test_caller_credentials_are_dropped_on_cross_origin_redirects(
    hostile: HostileServer, ctx: ProbeContext
) -> None:
    async with await open_http(ctx, hostile.url("/")) as http:
        await http.request(
            "GET", hostile.url("/redirect-other"), headers={"authorization": "Bearer caller"}
        )
    assert hostile.seen[0].headers["authorization"] == "Bearer caller"
    assert "authorization" not in hostile.seen[1].headers


async def test_send_credentials_false_leaves_them_out(
    hostile: HostileServer, credentialed: ProbeContext
) -> None:
    async with await open_http(credentialed, hostile.url("/")) as http:
        await http.request("GET", hostile.url("/headers"), send_credentials=False)
    assert "authorization" not in hostile.seen[0].headers


async def test_slow_drip_times_out(hostile: HostileServer, ctx: ProbeContext) -> None:
    async with await open_http(ctx, hostile.url("/")) as http:
        with pytest.raises(ProbeTimeout):
            await http.request("GET", hostile.url("/slow-drip"))


async def test_body_cap(hostile: HostileServer, ctx: ProbeContext) -> None:
    message = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}
    async with await open_http(ctx, hostile.url("/")) as http:
        with pytest.raises(ResponseTooLarge, match="65536-byte limit"):
            await http.request("POST", hostile.url("/mcp/huge"), json=message)


async def test_endless_stream_is_capped(hostile: HostileServer, ctx: ProbeContext) -> None:
    async with await open_http(ctx, hostile.url("/")) as http:
        with pytest.raises(ResponseTooLarge, match="stream exceeds"):
            async with http.stream("GET", hostile.url("/endless-sse")) as stream:
                async for _ in stream.events():
                    pass
    assert stream.bytes_read > SMALL_LIMITS.max_stream_bytes


async def test_stream_deadline_bounds_the_caller(hostile: HostileServer, ctx: ProbeContext) -> None:
    async with await open_http(ctx, hostile.url("/")) as http:
        with pytest.raises(ProbeTimeout, match="outlasted"):
            async with http.stream("GET", hostile.url("/headers"), max_duration_s=0.05):
                await asyncio.sleep(5)


async def test_events_refuse_a_non_sse_body(hostile: HostileServer, ctx: ProbeContext) -> None:
    async with (
        await open_http(ctx, hostile.url("/")) as http,
        http.stream("GET", hostile.url("/wrong-type")) as stream,
    ):
        with pytest.raises(ProtocolViolation, match="expected text/event-stream"):
            await anext(stream.events())


async def test_nothing_listening_is_unreachable(ctx: ProbeContext) -> None:
    url = f"http://127.0.0.1:{unused_port()}/mcp"
    async with await open_http(ctx, url) as http:
        with pytest.raises(Unreachable):
            await http.request("GET", url)


@pytest.mark.parametrize(
    ("scenario", "anchors", "error"),
    [
        ("valid", "lab-ca", None),
        ("valid", "system", "unable to get local issuer certificate"),
        ("wronghost", "lab-ca", "Hostname mismatch"),
        ("expired", "lab-ca", "certificate has expired"),
    ],
)
async def test_tls_verification(
    scenario: str, anchors: str, error: str | None, lab_pki: LabPki
) -> None:
    leaf = lab_pki[scenario]
    ca_file = lab_pki.ca_cert if anchors == "lab-ca" else None
    ctx = ProbeContext(policy=LOOPBACK_ONLY, limits=SMALL_LIMITS, ca_file=ca_file)
    with LabTlsServer(LabTlsConfig(chain=leaf.chain, key=leaf.key)) as server:
        url = server.url("/mcp", host="localhost")
        async with SafeHttp(ctx, _pinned(url), resolver=_refuse_lookups) as http:
            if error is None:
                response = await http.request("GET", url)
                assert response.status == 200
            else:
                with pytest.raises(TlsHandshakeFailed, match=error):
                    await http.request("GET", url)
    ctx.executor.shutdown()
