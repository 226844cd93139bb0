"""Fetching robots.txt from a loopback site: what each answer means under RFC 9309 2.3.1."""

from __future__ import annotations

from probes.context import ProbeContext
from probes.netpolicy import NetworkPolicy, resolve_target
from probes.robots.collect import RobotsAnswer, fetch_robots
from probes.robots.rules import MAX_BYTES
from probes.target import parse_endpoint_url
from tests.servers.robots_site import RobotsAnswer as Serve
from tests.servers.robots_site import RobotsSite

UA = "trustsvc/9.9 (+https://ops.example/contact; MCP endpoint trust assessment)"
CTX = ProbeContext(
    policy=NetworkPolicy(allow_private=True),
    user_agent=UA,
    extra_headers={"Authorization": "Bearer for-the-endpoint-only"},
)


async def fetched(site: RobotsSite, serve: Serve, path: str = "/mcp") -> RobotsAnswer:
    site.robots = serve
    target = await resolve_target(parse_endpoint_url(site.url(path)), CTX.policy)
    return await fetch_robots(CTX, target, product="trustsvc")


async def test_a_disallowing_file_is_read_with_an_honest_user_agent() -> None:
    async with RobotsSite() as site:
        answer = await fetched(
            site, Serve(status=200, body=b"User-agent: trustsvc\nDisallow: /mcp\n")
        )
        assert not answer.allows(site.url("/mcp"))
        assert answer.allows(site.url("/other"))
        assert answer.outcome == "read (HTTP 200)"
        [seen] = site.seen
        assert seen.path == "/robots.txt"
        assert seen.user_agent == UA


async def test_the_query_counts_in_the_path() -> None:
    async with RobotsSite() as site:
        answer = await fetched(site, Serve(status=200, body=b"User-agent: *\nDisallow: /mcp?x\n"))
        assert not answer.allows(site.url("/mcp?x=1"))
        assert answer.allows(site.url("/mcp"))


async def test_no_file_allows_everything_and_a_server_error_nothing() -> None:
    async with RobotsSite() as site:
        for status in (404, 410, 401, 403):
            assert (await fetched(site, Serve(status=status))).allows(site.url("/mcp"))
        for status in (500, 503):
            answer = await fetched(site, Serve(status=status, body=b"User-agent: *\nAllow: /\n"))
            assert not answer.allows(site.url("/mcp"))
            assert answer.outcome == f"unreachable (HTTP {status})"


async def test_a_closed_port_is_unreachable_so_disallowed() -> None:
    async with RobotsSite() as site:
        port = site.port
    target = await resolve_target(parse_endpoint_url(f"http://127.0.0.1:{port}/mcp"), CTX.policy)
    answer = await fetch_robots(CTX, target, product="trustsvc")
    assert not answer.allows(f"http://127.0.0.1:{port}/mcp")
    assert answer.outcome.startswith("unreachable: ")


async def test_five_redirects_are_followed_and_a_sixth_is_too_many() -> None:
    body = b"User-agent: *\nDisallow: /mcp\n"
    async with RobotsSite() as site:
        five = await fetched(site, Serve(location="/hop/4", body=body))  # 1 + 4 hops + final
        assert not five.allows(site.url("/mcp"))
        assert five.outcome == "read (HTTP 200)"
        six = await fetched(site, Serve(location="/hop/5", body=b"User-agent: *\nAllow: /\n"))
        assert six.outcome.startswith("unreachable: ")
        assert not six.allows(site.url("/mcp"))


async def test_a_huge_file_is_read_for_its_first_500_kib_only() -> None:
    head = b"User-agent: *\nDisallow: /mcp\n"
    body = head + b"#" * (MAX_BYTES - len(head)) + b"\nAllow: /mcp\n" + b"#" * (4 * MAX_BYTES)
    async with RobotsSite() as site:
        answer = await fetched(site, Serve(status=200, body=body))
        assert not answer.allows(site.url("/mcp"))


async def test_an_operator_credential_is_never_sent_for_robots() -> None:
    assert CTX.extra_headers  # the context carries one for the endpoint
    async with RobotsSite() as site:
        await fetched(site, Serve(status=404))
        [seen] = site.seen
        assert seen.authorization is None
