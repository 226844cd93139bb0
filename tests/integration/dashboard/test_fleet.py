"""The fleet overview and endpoints table through the real app over a stored fleet."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from tests.integration.dashboard.seed import Stored, store
from trustsvc.api.app import create_app
from trustsvc.config.settings import Settings
from trustsvc.dashboard.index import FleetIndex
from trustsvc.dashboard.memory_table import MemoryTable
from trustsvc.dashboard.table import NEVER, Sort, TableQuery, table_page
from trustsvc.store.db import make_engine, make_sessionmaker
from trustsvc.store.migrate import upgrade
from trustsvc.store.models import ScoreRow

Client = AsyncTestClient[Litestar]
GRADES = [(93, "A", "allow"), (80, "B", "allow"), (62, "C", "warn"), (15, "F", "block")]


def fleet() -> list[Stored]:
    items = [
        Stored(url=f"https://mcp{i:03d}.fleet.test/mcp", scores=[GRADES[i % 4]], open_drift=i % 3)
        for i in range(57)
    ]
    items.append(Stored(url="https://never.fleet.test/mcp"))
    # Fell from 90 to 40 this week, now blocked after allowing: both lists name it.
    items.append(
        Stored(
            url="https://fell.fleet.test/mcp",
            scores=[(90, "A", "allow"), (40, "D", "block")],
            hours_ago=0.5,
        )
    )
    return items


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[Client]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'fleet.db'}"
    async with AsyncTestClient(app=create_app(Settings(database_url=url, auto_migrate=True))) as c:
        await store(url, fleet())
        yield c


def urls(html: str) -> list[str]:
    return re.findall(r'<td class="url"><a href="/ui/endpoints/[^"]+">([^<]+)</a>', html)


def next_link(html: str) -> str | None:
    match = re.search(r'id="next-page" href="([^"]+)"', html)
    return None if match is None else match.group(1).replace("&amp;", "&")


async def walk(client: Client, path: str) -> list[str]:
    seen: list[str] = []
    link: str | None = path
    while link is not None:
        response = await client.get(link)
        assert response.status_code == 200, response.text
        seen.extend(urls(response.text))
        link = next_link(response.text)
    return seen


async def test_the_root_redirects_to_the_dashboard(client: Client) -> None:
    response = await client.get("/", follow_redirects=False)
    assert response.status_code in (301, 302, 307, 308)
    assert response.headers["location"] == "/ui/"


async def test_the_overview_counts_the_fleet(client: Client) -> None:
    response = await client.get("/ui/")
    assert response.status_code == 200
    html = response.text
    assert '<p class="big" id="total">59</p>' in html
    verdicts = re.search(r'id="by-verdict">(.*?)</ul>', html, re.DOTALL)
    assert verdicts is not None
    counts = dict(re.findall(r"v-[\w-]+\">([\w ]+)</span> <b>(\d+)</b>", verdicts.group(1)))
    # 57 cycle allow, allow, warn, block; plus the fallen one (block) and one never assessed.
    assert counts == {"block": "15", "warn": "14", "allow": "29", "never assessed": "1"}
    drift = re.search(r'id="open-drift">(.*?)</ul>', html, re.DOTALL)
    assert drift is not None
    assert 's-high">high</span> <b>57</b>' in drift.group(1)  # sum of i % 3 for i < 57
    falls = re.search(r'id="falls">(.*?)</ul>', html, re.DOTALL)
    assert falls is not None
    assert "fell.fleet.test" in falls.group(1)
    assert "\u221250" in falls.group(1)  # a minus sign
    recent = re.search(r'id="recent">(.*?)</ul>', html, re.DOTALL)
    assert recent is not None
    assert "fell.fleet.test" in recent.group(1)
    assert "was allow" in recent.group(1)
    assert "<svg" in html
    assert 'aria-label="Endpoints by grade"' in html


async def test_pages_cover_every_endpoint_once_in_each_sort(client: Client) -> None:
    every = await walk(client, "/ui/?sort=url")
    assert len(every) == 59
    assert every == sorted(every)
    for sort in ("score", "grade", "verdict", "confidence", "assessed"):
        for order in ("asc", "desc"):
            seen = await walk(client, f"/ui/?sort={sort}&order={order}")
            assert sorted(seen) == sorted(every), (sort, order)


async def test_sorting_by_score_puts_the_best_first(client: Client) -> None:
    html = (await client.get("/ui/?sort=score&order=desc")).text
    scores = [int(s) for s in re.findall(r'<td class="num score">(\d+)</td>', html)]
    assert scores[0] == 93
    assert scores == sorted(scores, reverse=True)


async def test_filters_narrow_the_table(client: Client) -> None:
    blocked = await walk(client, "/ui/?verdict=block")
    assert len(blocked) == 15
    assert "https://fell.fleet.test/mcp" in blocked
    assert await walk(client, "/ui/?verdict=none") == ["https://never.fleet.test/mcp"]
    assert len(await walk(client, "/ui/?grade=C")) == 14
    assert await walk(client, "/ui/?q=FELL") == ["https://fell.fleet.test/mcp"]
    assert await walk(client, "/ui/?q=%25") == []  # LIKE wildcards are literal


async def test_a_cursor_we_did_not_issue_is_refused_as_a_page(client: Client) -> None:
    response = await client.get("/ui/?cursor=bm90LWpzb24")
    assert response.status_code == 400
    assert "cursor" in response.text
    second = next_link((await client.get("/ui/?sort=score")).text)
    assert second is not None
    cursor = second.split("cursor=")[1]
    other = await client.get(f"/ui/?sort=grade&cursor={cursor}")
    assert other.status_code == 400


async def test_pages_carry_a_strict_csp(client: Client) -> None:
    response = await client.get("/ui/")
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert "<script>" not in response.text  # the one script is a file
    assert response.headers["x-frame-options"] == "DENY"


FILTERS = [(None, None, ""), ("block", None, "mcp"), (NEVER, None, ""), (None, "C", "0")]


@pytest.mark.parametrize("sort", [s for s in Sort if s is not Sort.URL])
@pytest.mark.parametrize("order", ["asc", "desc"])
@pytest.mark.parametrize(("verdict", "grade", "text"), FILTERS)
async def test_the_memory_table_reads_the_pages_sql_reads(
    tmp_path: Path, sort: Sort, order: str, verdict: str | None, grade: str | None, text: str
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'same.db'}"
    engine = make_engine(url)
    await upgrade(engine)
    await store(url, fleet())
    sessions = make_sessionmaker(engine)
    memory = MemoryTable(FleetIndex(sessions, lambda: datetime.now(UTC)))
    query = TableQuery(
        sort=sort, descending=order == "desc", verdict=verdict, grade=grade, text=text, limit=7
    )
    try:
        async with sessions() as session:
            while True:
                from_sql = await table_page(session, query)
                from_memory = await memory.page(session, query)
                assert from_memory == from_sql
                if from_sql.next_cursor is None:
                    break
                query = dataclasses.replace(query, cursor=from_sql.next_cursor)
    finally:
        await engine.dispose()


async def test_the_index_follows_scores_stored_after_it_loaded(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'tail.db'}"
    engine = make_engine(url)
    await upgrade(engine)
    await store(url, fleet())
    sessions = make_sessionmaker(engine)
    index = FleetIndex(sessions, lambda: datetime.now(UTC), poll_s=0)
    try:
        async with sessions() as session:
            before = await index.overview(session)
            await store(
                url,
                [
                    Stored(
                        url="https://late.fleet.test/mcp",
                        scores=[(95, "A", "allow"), (5, "F", "block")],
                    )
                ],
            )
            after = await index.overview(session)
    finally:
        await engine.dispose()
    assert after.endpoints == before.endpoints + 1
    assert after.by_verdict["block"] == before.by_verdict["block"] + 1
    assert after.falls[0].url == "https://late.fleet.test/mcp"
    assert after.falls[0].drop == 90
    assert any(
        r.url == "https://late.fleet.test/mcp" and r.previous == "allow" for r in after.recent
    )


async def test_the_index_sees_a_score_that_commits_out_of_id_order(tmp_path: Path) -> None:
    """A lower score id committed after the index read past it (PostgreSQL can do this)."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'late.db'}"
    engine = make_engine(url)
    await upgrade(engine)
    await store(
        url, [Stored(url=f"https://o{i}.fleet.test/mcp", scores=[GRADES[3]]) for i in range(3)]
    )
    sessions = make_sessionmaker(engine)
    index = FleetIndex(sessions, lambda: datetime.now(UTC), poll_s=0)
    try:
        async with sessions.begin() as session:
            lowest = await session.scalar(select(ScoreRow).order_by(ScoreRow.id).limit(1))
            assert lowest is not None
            kept = {c.key: getattr(lowest, c.key) for c in ScoreRow.__table__.columns}
            await session.delete(lowest)
        async with sessions() as session:
            before = await index.overview(session)
        async with sessions.begin() as session:
            session.add(ScoreRow(**kept))
        async with sessions() as session:
            after = await index.overview(session)
    finally:
        await engine.dispose()
    assert before.by_verdict["block"] == 2
    assert after.by_verdict["block"] == 3
