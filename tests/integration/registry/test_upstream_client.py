"""UpstreamClient against the fake registry: paging, filters, retries, caps and bad pages."""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.servers.registry import FakeRegistry, make_entry
from trustsvc.registry.records import UpstreamPage, UpstreamStatus
from trustsvc.registry.upstream import (
    UpstreamClient,
    UpstreamConfig,
    UpstreamError,
    format_rfc3339,
)

T0 = dt.datetime(2025, 10, 1, 12, 0, tzinfo=dt.UTC)


class Sleeps:
    """A `sleep` that records the delays instead of waiting."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


@pytest.fixture
async def registry() -> AsyncIterator[FakeRegistry]:
    async with FakeRegistry() as server:
        server.clock.set(T0)
        yield server


def client(
    registry: FakeRegistry,
    sleeps: Sleeps | None = None,
    **config: Any,  # noqa: ANN401
) -> UpstreamClient:
    settings = UpstreamConfig(base_url=registry.url, **config)
    return UpstreamClient(settings, sleep=sleeps or Sleeps())


async def walk(
    upstream: UpstreamClient,
    *,
    updated_since: dt.datetime | None = None,
    include_deleted: bool = True,
) -> list[UpstreamPage]:
    pages: list[UpstreamPage] = []
    cursor = None
    while True:
        page = await upstream.page(
            cursor=cursor, updated_since=updated_since, include_deleted=include_deleted
        )
        pages.append(page)
        cursor = page.next_cursor
        if cursor is None:
            return pages


def names(pages: list[UpstreamPage]) -> list[tuple[str, str]]:
    return [(r.name, r.version) for page in pages for r in page.records]


def populate(registry: FakeRegistry, count: int) -> list[tuple[str, str]]:
    for i in reversed(range(count)):
        registry.add(make_entry(f"io.github.u{i % 3}/s{i:03d}", "1.0.0", published_at=T0))
    return sorted((f"io.github.u{i % 3}/s{i:03d}", "1.0.0") for i in range(count))


# -- paging -----------------------------------------------------------------------------------


@pytest.mark.parametrize("legacy", [False, True], ids=["nextCursor", "next_cursor"])
async def test_paging_walks_every_row_in_order(registry: FakeRegistry, legacy: bool) -> None:  # noqa: FBT001
    registry.legacy_cursor = legacy
    expected = populate(registry, 10)
    async with client(registry, page_size=3) as upstream:
        pages = await walk(upstream)
    assert [page.raw_count for page in pages] == [3, 3, 3, 1]
    assert names(pages) == expected
    assert all(page.rejections == () for page in pages)
    assert pages[-1].next_cursor is None
    assert pages[0].next_cursor == ":".join(expected[2])


async def test_a_full_last_page_is_followed_by_an_empty_one(registry: FakeRegistry) -> None:
    populate(registry, 6)
    async with client(registry, page_size=3) as upstream:
        pages = await walk(upstream)
    assert [page.raw_count for page in pages] == [3, 3, 0]
    assert len(registry.requests) == 3


async def test_the_cursor_is_sent_exactly_as_received(registry: FakeRegistry) -> None:
    versions = ["1.0.0+build.1", "1.0.0 beta&x=y#z", "2.0.0-ü"]
    for version in versions:
        registry.add(make_entry("com.example/odd", version))
    async with client(registry, page_size=1) as upstream:
        pages = await walk(upstream)
    assert sorted(v for _, v in names(pages)) == sorted(versions)
    sent = [query.get("cursor") for query in registry.queries]
    assert sent == [None, *(f"com.example/odd:{v}" for v in sorted(versions))]


async def test_the_request_carries_limit_and_include_deleted(registry: FakeRegistry) -> None:
    async with client(registry, page_size=100) as upstream:
        await upstream.page(cursor=None, updated_since=None, include_deleted=True)
        await upstream.page(cursor=None, updated_since=None, include_deleted=False)
    assert registry.queries == [{"limit": "100", "include_deleted": "true"}, {"limit": "100"}]
    assert registry.requests[0] == "/v0.1/servers?limit=100&include_deleted=true"


async def test_a_base_url_with_a_path_prefix_is_kept(registry: FakeRegistry) -> None:
    config = UpstreamConfig(base_url=registry.url + "/")
    assert config.servers_url == registry.url + "/v0.1/servers"
    assert UpstreamConfig(base_url="https://r.example/api").servers_url == (
        "https://r.example/api/v0.1/servers"
    )


@pytest.mark.parametrize("bad", [{"page_size": 0}, {"page_size": 101}, {"max_retries": -1}])
def test_bad_configs_are_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="must"):
        UpstreamConfig(base_url="https://r.example", **bad)


# -- filters ----------------------------------------------------------------------------------


async def test_updated_since_returns_only_later_rows_with_deletions(
    registry: FakeRegistry,
) -> None:
    populate(registry, 5)
    registry.clock.advance(60)
    registry.touch("io.github.u1/s001", "1.0.0")
    registry.delete("io.github.u2/s002", "1.0.0", "spam")
    registry.publish("io.github.u0/s000", "2.0.0")
    async with client(registry, page_size=2) as upstream:
        pages = await walk(upstream, updated_since=T0, include_deleted=False)
    assert names(pages) == [
        ("io.github.u0/s000", "2.0.0"),
        ("io.github.u1/s001", "1.0.0"),
        ("io.github.u2/s002", "1.0.0"),
    ]
    deleted = pages[1].records[0]
    assert deleted.status is UpstreamStatus.DELETED
    assert deleted.status_message == "spam"
    assert deleted.status_changed_at == T0 + dt.timedelta(seconds=60)
    # The 400 rule: include_deleted=false is never sent with updated_since.
    assert all("include_deleted" not in query for query in registry.queries)
    assert all(query["updated_since"] == "2025-10-01T12:00:00Z" for query in registry.queries)


async def test_updated_since_is_strict(registry: FakeRegistry) -> None:
    populate(registry, 2)
    async with client(registry) as upstream:
        at_t0 = await upstream.page(cursor=None, updated_since=T0, include_deleted=True)
        before = await upstream.page(
            cursor=None, updated_since=T0 - dt.timedelta(microseconds=1), include_deleted=True
        )
    assert at_t0.raw_count == 0
    assert before.raw_count == 2
    assert registry.queries[1]["updated_since"] == "2025-10-01T11:59:59.999999Z"


async def test_an_old_version_losing_latest_is_invisible_incrementally(
    registry: FakeRegistry,
) -> None:
    registry.publish("com.example/x", "1.0.0")
    registry.clock.advance(60)
    registry.publish("com.example/x", "2.0.0")
    async with client(registry) as upstream:
        (page,) = await walk(upstream, updated_since=T0)
        (full,) = await walk(upstream)
    assert [(r.version, r.is_latest) for r in page.records] == [("2.0.0", True)]
    assert [(r.version, r.is_latest) for r in full.records] == [("1.0.0", False), ("2.0.0", True)]


async def test_deleted_rows_appear_only_when_asked(registry: FakeRegistry) -> None:
    populate(registry, 3)
    registry.delete("io.github.u1/s001", "1.0.0")
    async with client(registry) as upstream:
        hidden = await upstream.page(cursor=None, updated_since=None, include_deleted=False)
        shown = await upstream.page(cursor=None, updated_since=None, include_deleted=True)
    assert hidden.raw_count == 2
    assert shown.raw_count == 3
    assert {r.status for r in shown.records} == {UpstreamStatus.ACTIVE, UpstreamStatus.DELETED}


async def test_the_fake_answers_400_to_include_deleted_false_with_updated_since(
    registry: FakeRegistry,
) -> None:
    async with client(registry) as upstream:
        session = upstream._session
        assert session is not None
        url = (
            f"{registry.url}/v0.1/servers?updated_since=2025-01-01T00:00:00Z&include_deleted=false"
        )
        async with session.get(url) as response:
            assert response.status == 400


def test_format_rfc3339_needs_an_aware_datetime() -> None:
    assert format_rfc3339(
        dt.datetime(2025, 1, 1, 3, tzinfo=dt.timezone(dt.timedelta(hours=3)))
    ) == ("2025-01-01T00:00:00Z")
    with pytest.raises(ValueError, match="timezone-aware"):
        format_rfc3339(dt.datetime(2025, 1, 1))  # noqa: DTZ001 - the point of the test


# -- rows -------------------------------------------------------------------------------------


async def test_bad_rows_become_rejections_and_the_page_survives(registry: FakeRegistry) -> None:
    registry.add(make_entry("com.example/good", "1.0.0"))
    registry.add(make_entry("bad name", "1.0.0"))
    registry.add(make_entry("com.example/latest", "latest"))
    registry.add(
        make_entry(
            "com.example/http", "1.0.0", remotes=[{"type": "sse", "url": "http://10.0.0.1/"}]
        )
    )
    async with client(registry) as upstream:
        page = await upstream.page(cursor=None, updated_since=None, include_deleted=True)
    assert page.raw_count == 4
    assert sorted(r.name for r in page.records) == ["com.example/good", "com.example/http"]
    assert sorted(r.name or "" for r in page.rejections) == ["bad name", "com.example/latest"]
    http = next(r for r in page.records if r.name == "com.example/http")
    assert http.remotes[0].problems == ("not https", "IP-literal host", "private host")


async def test_the_date_header_is_parsed(registry: FakeRegistry) -> None:
    registry.clock.set(dt.datetime(2025, 11, 5, 8, 30, 15, 999, tzinfo=dt.UTC))
    async with client(registry) as upstream:
        page = await upstream.page(cursor=None, updated_since=None, include_deleted=True)
    assert page.server_date == dt.datetime(2025, 11, 5, 8, 30, 15, tzinfo=dt.UTC)


# -- retries ----------------------------------------------------------------------------------


async def test_a_500_is_retried_once_then_succeeds(registry: FakeRegistry) -> None:
    populate(registry, 4)
    registry.fail_request(2)
    sleeps = Sleeps()
    async with client(registry, sleeps, page_size=2) as upstream:
        pages = await walk(upstream)
    assert len(names(pages)) == 4
    assert sleeps.delays == [0.5]
    assert len(registry.requests) == 4
    assert registry.queries[1] == registry.queries[2]


async def test_backoff_doubles_and_is_bounded(registry: FakeRegistry) -> None:
    registry.fail_next(503, times=5)
    sleeps = Sleeps()
    async with client(
        registry, sleeps, max_retries=5, backoff_s=1.0, max_backoff_s=5.0
    ) as upstream:
        page = await upstream.page(cursor=None, updated_since=None, include_deleted=True)
    assert page.raw_count == 0
    assert sleeps.delays == [1.0, 2.0, 4.0, 5.0, 5.0]


@pytest.mark.parametrize(
    ("retry_after", "delay"),
    [("7", 7.0), ("0", 0.0), ("9999", 30.0), ("soon", 0.5)],
)
async def test_429_honours_retry_after_seconds(
    registry: FakeRegistry, retry_after: str, delay: float
) -> None:
    registry.throttle_once(retry_after)
    sleeps = Sleeps()
    async with client(registry, sleeps) as upstream:
        await upstream.page(cursor=None, updated_since=None, include_deleted=True)
    assert sleeps.delays == [delay]
    assert len(registry.requests) == 2


async def test_429_honours_retry_after_as_an_http_date(registry: FakeRegistry) -> None:
    later = email.utils.format_datetime(T0 + dt.timedelta(seconds=12), usegmt=True)
    registry.throttle_once(later)
    sleeps = Sleeps()
    async with client(registry, sleeps) as upstream:
        await upstream.page(cursor=None, updated_since=None, include_deleted=True)
    assert sleeps.delays == [12.0]  # measured against the server's Date, not our clock


async def test_retries_exhausted_raise(registry: FakeRegistry) -> None:
    registry.fail_next(500, times=10)
    sleeps = Sleeps()
    async with client(registry, sleeps, max_retries=2) as upstream:
        with pytest.raises(UpstreamError, match="gave up after 3 attempts: HTTP 500") as caught:
            await upstream.page(cursor=None, updated_since=None, include_deleted=True)
    assert caught.value.detail.endswith("HTTP 500")
    assert len(registry.requests) == 3
    assert len(sleeps.delays) == 2


@pytest.mark.parametrize("status", [400, 404, 410, 422])
async def test_other_4xx_fail_at_once(registry: FakeRegistry, status: int) -> None:
    registry.fail_next(status)
    sleeps = Sleeps()
    async with client(registry, sleeps) as upstream:
        with pytest.raises(UpstreamError, match=f"HTTP {status}: .*injected failure"):
            await upstream.page(cursor=None, updated_since=None, include_deleted=True)
    assert sleeps.delays == []
    assert len(registry.requests) == 1


async def test_a_wrong_path_is_a_404_without_retry(registry: FakeRegistry) -> None:
    sleeps = Sleeps()
    config = UpstreamConfig(base_url=registry.url + "/nowhere")
    async with UpstreamClient(config, sleep=sleeps) as upstream:
        with pytest.raises(UpstreamError, match="HTTP 404"):
            await upstream.page(cursor=None, updated_since=None, include_deleted=True)
    assert sleeps.delays == []


async def test_connection_refused_is_retried_then_raises() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sleeps = Sleeps()
    config = UpstreamConfig(base_url=f"http://127.0.0.1:{port}", max_retries=3)
    async with UpstreamClient(config, sleep=sleeps) as upstream:
        with pytest.raises(UpstreamError, match="gave up after 4 attempts: ClientConnectorError"):
            await upstream.page(cursor=None, updated_since=None, include_deleted=True)
    assert sleeps.delays == [0.5, 1.0, 2.0]


async def test_a_timeout_is_retried() -> None:
    accepted: list[asyncio.StreamWriter] = []

    async def silent(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(writer)

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    sleeps = Sleeps()
    config = UpstreamConfig(base_url=f"http://127.0.0.1:{port}", timeout_s=0.2, max_retries=1)
    try:
        async with UpstreamClient(config, sleep=sleeps) as upstream:
            with pytest.raises(UpstreamError, match="gave up after 2 attempts"):
                await upstream.page(cursor=None, updated_since=None, include_deleted=True)
    finally:
        for writer in accepted:
            writer.close()
        server.close()
        await server.wait_closed()
    assert len(accepted) == 2
    assert sleeps.delays == [0.5]


async def test_page_outside_the_context_manager_is_a_bug(registry: FakeRegistry) -> None:
    upstream = client(registry)
    with pytest.raises(RuntimeError, match="async with"):
        await upstream.page(cursor=None, updated_since=None, include_deleted=True)


# -- bad pages --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("not-json", "not JSON"),
        ("not-object", "not a JSON object"),
        ("no-servers", "no `servers` list"),
        ("servers-not-list", "no `servers` list"),
        ("bad-cursor", "nextCursor` is not a string"),
    ],
)
async def test_a_malformed_page_fails_as_a_whole(
    registry: FakeRegistry, kind: str, message: str
) -> None:
    registry.malformed_once(kind)
    sleeps = Sleeps()
    async with client(registry, sleeps) as upstream:
        with pytest.raises(UpstreamError, match=message):
            await upstream.page(cursor=None, updated_since=None, include_deleted=True)
    assert sleeps.delays == []


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
async def test_an_oversized_body_fails(registry: FakeRegistry, chunked: bool) -> None:  # noqa: FBT001
    registry.chunked = chunked
    registry.padding = 200_000
    async with client(registry, max_page_bytes=100_000) as upstream:
        with pytest.raises(UpstreamError, match="exceeds 100000 bytes"):
            await upstream.page(cursor=None, updated_since=None, include_deleted=True)
    registry.padding = 50_000
    async with client(registry, max_page_bytes=100_000) as upstream:
        page = await upstream.page(cursor=None, updated_since=None, include_deleted=True)
    assert page.raw_count == 0


async def test_a_cursor_that_does_not_advance_fails(registry: FakeRegistry) -> None:
    registry.serve_once(b'{"servers": [], "metadata": {"nextCursor": "com.example/a:1"}}')
    async with client(registry) as upstream:
        with pytest.raises(UpstreamError, match="would loop"):
            await upstream.page(cursor="com.example/a:1", updated_since=None, include_deleted=True)


@pytest.mark.parametrize(
    ("metadata", "cursor"),
    [
        ("{}", None),
        ('{"nextCursor": ""}', None),
        ('{"nextCursor": null}', None),
        ('{"next_cursor": "a/b:1"}', "a/b:1"),
        ('{"nextCursor": "", "next_cursor": "c/d:2"}', "c/d:2"),
    ],
)
async def test_cursor_spellings_and_ends(
    registry: FakeRegistry, metadata: str, cursor: str | None
) -> None:
    registry.serve_once(b'{"servers": [], "metadata": ' + metadata.encode() + b"}")
    registry.serve_once(b'{"servers": []}')
    async with client(registry) as upstream:
        first = await upstream.page(cursor=None, updated_since=None, include_deleted=True)
        second = await upstream.page(cursor=None, updated_since=None, include_deleted=True)
    assert first.next_cursor == cursor
    assert second.next_cursor is None


async def test_nan_is_not_json(registry: FakeRegistry) -> None:
    registry.serve_once(b'{"servers": [{"server": NaN}]}')
    async with client(registry) as upstream:
        with pytest.raises(UpstreamError, match="not JSON"):
            await upstream.page(cursor=None, updated_since=None, include_deleted=True)
