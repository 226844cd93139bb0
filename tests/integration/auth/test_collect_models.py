"""The auth family against open, gated, stateless and legacy SDK servers, and odd 401s.

Shows each auth model on a real server, both sides of the SDK's Origin check, and the SSRF
guard refusing a resource_metadata URL that points outside the allowed network.
"""

from __future__ import annotations

import socket

from probes.auth.family import AUTH_FAMILY
from probes.auth.observation import AuthModel, PrmSource
from probes.model import AttemptStatus, ErrorReason
from probes.runner import run_families
from probes.target import Target, parse_endpoint_url
from tests.integration.auth.servers import (
    API_KEY,
    ApiKeyGate,
    Documents,
    UvicornServer,
    json_server,
    sdk_app,
)
from tests.integration.auth.support import NA, NAV, ContextFactory, F, T, assess
from tests.servers.mcp import mcp_server

HYGIENE = ("bogus_origin_accepted", "session_id_weak", "unsupported_protocol_version_accepted")


async def test_open_sdk_server_refuses_a_bogus_origin(make_ctx: ContextFactory) -> None:
    with mcp_server() as server:  # TransportSecuritySettings with allowed_origins
        result = await assess(server.url, make_ctx())
    assert result.model is AuthModel.NONE
    outcomes = result.outcomes()
    assert outcomes["endpoint_open_without_credentials"] is T
    assert outcomes["model_broken"] is F
    assert {outcomes[p] for p in HYGIENE} == {F}
    assert result.observation.bogus_origin is not None
    assert result.observation.bogus_origin.status == 403
    first, second = result.observation.session_ids
    assert first is not None
    assert second is not None
    assert first != second
    assert outcomes["protected_resource_metadata_published"] is NA
    assert outcomes["pkce_s256_supported"] is NA


async def test_open_sdk_server_without_origin_checks_accepts_a_bogus_origin(
    make_ctx: ContextFactory,
) -> None:
    with UvicornServer(lambda base: sdk_app(base, check_origin=False)) as server:
        result = await assess(server.url, make_ctx())
    assert result.model is AuthModel.NONE
    finding = result.findings["auth_bogus_origin_accepted"]
    assert finding.outcome is T
    assert finding.evidence["origin_status"] == 200


async def test_icons_are_judged_by_scheme(make_ctx: ContextFactory) -> None:
    icons = ("data:image/png;base64,iVBORw0KGgo=", "javascript:alert(1)")
    with UvicornServer(lambda base: sdk_app(base, icons=icons)) as server:
        result = await assess(server.url, make_ctx())
    advertised = [(u.where, u.url) for u in result.observation.advertised_urls]
    assert advertised == [
        ("serverInfo.icons[0].src", icons[0]),
        ("serverInfo.icons[1].src", icons[1]),
    ]
    finding = result.findings["auth_dangerous_url_scheme_advertised"]
    assert finding.outcome is T
    assert finding.evidence["dangerous_urls"] == (
        "serverInfo.icons[1].src=javascript:alert(1) (javascript: scheme)"
    )


async def test_a_401_without_discovery_is_broken(make_ctx: ContextFactory) -> None:
    with UvicornServer(lambda base: ApiKeyGate(sdk_app(base))) as server:
        result = await assess(server.url, make_ctx())
    assert result.model is AuthModel.BROKEN
    outcomes = result.outcomes()
    assert outcomes["model_broken"] is T
    assert outcomes["challenge_lacks_resource_metadata"] is T
    assert outcomes["protected_resource_metadata_published"] is F
    assert outcomes["endpoint_open_without_credentials"] is F
    assert {outcomes[p] for p in HYGIENE} == {NA}


async def test_the_same_gate_with_the_operator_key_is_declared_key(
    make_ctx: ContextFactory,
) -> None:
    ctx = make_ctx({"X-Api-Key": API_KEY})
    with UvicornServer(lambda base: ApiKeyGate(sdk_app(base))) as server:
        result = await assess(server.url, ctx)
    assert result.model is AuthModel.DECLARED_KEY
    assert result.observation.unauthenticated.initialize.status == 401  # the key was not sent
    assert result.observation.credentialed is not None
    assert result.observation.credentialed.open
    outcomes = result.outcomes()
    assert outcomes["model_broken"] is F
    assert outcomes["challenge_lacks_resource_metadata"] is NA
    assert outcomes["protected_resource_metadata_published"] is NA
    assert {outcomes[p] for p in HYGIENE} == {F}
    evidence = result.findings["auth_model_broken"].evidence
    assert (evidence["auth_model"], evidence["credentials_accepted"]) == ("declared-key", True)


async def test_stateless_server_has_no_session_to_judge(make_ctx: ContextFactory) -> None:
    with mcp_server(mode="stateless") as server:
        result = await assess(server.url, make_ctx())
    assert result.model is AuthModel.NONE
    assert result.observation.session_ids == (None, None)
    assert result.outcome("auth_session_id_weak") is NA
    assert result.outcome("auth_unsupported_protocol_version_accepted") is F
    assert result.outcome("auth_bogus_origin_accepted") is F


async def test_legacy_sse_server_checks_origin_on_its_stream(make_ctx: ContextFactory) -> None:
    with mcp_server(mode="legacy_sse") as server:
        result = await assess(server.url, make_ctx())
    assert result.model is AuthModel.NONE
    assert result.observation.unauthenticated.generation == "legacy_sse"
    assert result.observation.bogus_origin is not None
    assert result.observation.bogus_origin.status == 403
    assert result.outcome("auth_bogus_origin_accepted") is F
    assert result.outcome("auth_session_id_weak") is NA
    assert "2024-11-05" in result.findings["auth_unsupported_protocol_version_accepted"].message


def pointer_outside_the_policy(base_url: str) -> Documents:
    challenge = 'Bearer resource_metadata="http://10.255.0.1/.well-known/oauth-protected-resource"'
    return {"/mcp": (401, {"WWW-Authenticate": challenge}, {"error": "invalid_token"})}


async def test_a_resource_metadata_url_outside_the_policy_is_never_fetched(
    make_ctx: ContextFactory,
) -> None:
    async with json_server(pointer_outside_the_policy) as server:
        result = await assess(f"{server.base_url}/mcp", make_ctx())
    assert result.model is AuthModel.OAUTH  # the challenge names resource metadata
    challenge = next(
        d for d in result.observation.protected_resource if d.source is PrmSource.CHALLENGE
    )
    assert challenge.reply.status is None
    assert challenge.reply.error is not None
    assert challenge.reply.error.startswith("refused_by_policy")
    assert result.outcome("auth_protected_resource_metadata_published") is NAV


async def test_an_endpoint_nobody_listens_on_fails_the_family_as_unreachable(
    make_ctx: ContextFactory,
) -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]  # closed again at once: nothing listens there
    target = Target(
        endpoint=parse_endpoint_url(f"http://127.0.0.1:{port}/mcp"), addresses=("127.0.0.1",)
    )
    result = await run_families(target, make_ctx(), (AUTH_FAMILY,))
    (attempt,) = result.attempts
    assert (attempt.status, attempt.reason) == (AttemptStatus.ERROR, ErrorReason.UNREACHABLE)
    assert {f.outcome for f in result.findings} == {NAV}
    assert len(result.findings) == len(AUTH_FAMILY.probes)


async def test_a_url_that_is_not_an_mcp_endpoint_is_not_judged_broken(
    make_ctx: ContextFactory,
) -> None:
    """A 200 JSON page or a 404 says nothing about an MCP server's access model."""
    pages: Documents = {"/page": (200, {}, {"hello": "world"})}
    async with json_server(lambda _base: pages) as server:
        for path in ("/page", "/missing"):
            url = f"{server.base_url}{path}"
            target = Target(endpoint=parse_endpoint_url(url), addresses=("127.0.0.1",))
            result = await run_families(target, make_ctx(), (AUTH_FAMILY,))
            (attempt,) = result.attempts
            assert (attempt.status, attempt.reason) == (
                AttemptStatus.ERROR,
                ErrorReason.PROTOCOL_ERROR,
            ), path
            assert "not an MCP endpoint" in attempt.detail
            assert {f.outcome for f in result.findings} == {NAV}
