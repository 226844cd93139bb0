"""The dashboard in a real browser: Debian's Chromium driven by Playwright, against
`trustsvc serve` on loopback holding real scans of lab MCP servers and a stored fleet.

Each test signs in through the login form and fails on any console error or page error, so a
Content-Security-Policy that blocked something the page needs (a style, the script, a fetch)
fails the test, as does any script that hostile text managed to run (a dialog).
Screenshots of the overview and an endpoint page go to TRUSTSVC_SCREENSHOTS (default: the
test's temporary folder).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, expect, sync_playwright

from tests.integration.dashboard.lab import HOSTILE_TOOLS, SCRIPT, ToolServers, rug_pulled
from tests.integration.dashboard.seed import Stored, store
from tests.servers.api_process import ApiProcess
from trustsvc.auth.principal import Scope
from trustsvc.commands.keys import create_key
from trustsvc.config.settings import Settings
from trustsvc.store.db import make_engine
from trustsvc.store.migrate import upgrade

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason="Debian's chromium is not installed (scripts/test.sh installs it)",
)
HOSTILE_URL = "https://x.fleet.test/mcp?<img src=x onerror=alert(9)>\u202e"
GRADES = [(93, "A", "allow"), (80, "B", "allow"), (62, "C", "warn"), (15, "F", "block")]


@dataclass(frozen=True)
class Served:
    url: str
    admin: str
    viewer: str
    hostile_id: str
    servers: ToolServers
    screenshots: Path


def _post(url: str, token: str, body: object) -> dict[str, object]:
    request = urllib.request.Request(  # noqa: S310 - a loopback URL the test built
        url,
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        document: dict[str, object] = json.loads(response.read())
    return document


async def _prepare(database_url: str) -> tuple[str, str]:
    engine = make_engine(database_url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()
    settings = Settings(database_url=database_url)
    admin = (await create_key(settings, "admin", [Scope.ADMIN], None)).splitlines()[1]
    viewer = (await create_key(settings, "viewer", [Scope.READ], None)).splitlines()[1]
    fleet = [
        Stored(url=f"https://mcp{i:03d}.fleet.test/mcp", scores=[GRADES[i % 4]], open_drift=i % 2)
        for i in range(120)
    ]
    fleet.append(Stored(url=HOSTILE_URL, scores=[(50, "D", "warn")]))
    await store(database_url, fleet)
    return admin, viewer


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    work = tmp_path_factory.mktemp("browser")
    database_url = f"sqlite+aiosqlite:///{work / 'fleet.db'}"
    admin, viewer = asyncio.run(_prepare(database_url))
    env = {
        "TRUSTSVC_DATABASE_URL": database_url,
        "TRUSTSVC_ALLOWED_NETWORKS": "127.0.0.0/8",
        "TRUSTSVC_SCHEDULER": "off",
        "TRUSTSVC_KEY_CACHE_S": "0",
        "TRUSTSVC_RATE_ADDRESS_PER_MIN": "0",
        "TRUSTSVC_RATE_SCAN_PER_MIN": "0",
    }
    screenshots = Path(os.environ.get("TRUSTSVC_SCREENSHOTS") or work / "screenshots")
    screenshots.mkdir(parents=True, exist_ok=True)
    loop = asyncio.new_event_loop()
    api = ApiProcess(env, work / "serve.log")
    with ToolServers() as servers:
        loop.run_until_complete(api.__aenter__())
        try:
            servers.listings["/rug"] = HOSTILE_TOOLS
            _post(f"{api.url}/v1/scans", admin, {"url": servers.url("/rug")})
            servers.listings["/rug"] = rug_pulled(HOSTILE_TOOLS)
            report = _post(f"{api.url}/v1/scans", admin, {"url": servers.url("/rug")})
            _post(
                f"{api.url}/v1/servers",
                admin,
                {
                    "name": "com.acme/notes",
                    "version": "1.0.0",
                    "description": f"Notes {SCRIPT}",
                    "remotes": [{"type": "streamable-http", "url": servers.url("/rug")}],
                },
            )
            yield Served(api.url, admin, viewer, str(report["endpoint_id"]), servers, screenshots)
        finally:
            loop.run_until_complete(api.__aexit__(None, None, None))
            loop.close()


@pytest.fixture(scope="module")
def browser(served: Served) -> Iterator[Browser]:
    # After `served`: Playwright's sync API keeps an event loop running in this thread, so
    # the server's set-up (which runs loops of its own) must come first and end last.
    del served
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@dataclass
class Watched:
    page: Page
    problems: list[str]


@pytest.fixture
def watched(browser: Browser) -> Iterator[Watched]:
    context = browser.new_context()
    page = context.new_page()
    problems: list[str] = []

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"console: {message.text}")

    def dialog(opened: Dialog) -> None:
        problems.append(f"dialog: {opened.message}")
        opened.dismiss()

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("dialog", dialog)
    yield Watched(page, problems)
    context.close()


def sign_in(watched: Watched, served: Served, token: str) -> Page:
    page = watched.page
    page.goto(f"{served.url}/ui/")
    expect(page).to_have_url(f"{served.url}/ui/login")
    page.fill("#key", token)
    page.click("#login button[type=submit]")
    # Wait for the load event too: the page's script is deferred, and a click before it ran
    # would meet an unwired form.
    page.wait_for_url(f"{served.url}/ui/", wait_until="load")
    return page


def follow(page: Page, selector: str, url_part: str) -> None:
    """Click a link or button that loads a new page, and wait until it has loaded.

    Reading the table right after the click races the navigation: the new URL can be
    committed before its rows are parsed, and the locator does not wait for rows.
    """
    page.click(selector)
    page.wait_for_url(re.compile(re.escape(url_part)), wait_until="load")


def column(page: Page, index: int) -> list[str]:
    return page.locator(f"#endpoints tbody tr td:nth-child({index})").all_inner_texts()


def test_sign_in_and_out(watched: Watched, served: Served) -> None:
    page = watched.page
    page.goto(f"{served.url}/ui/login")
    page.fill("#key", served.viewer + "x")
    page.click("#login button[type=submit]")
    expect(page.locator("#status")).to_contain_text("not valid")
    page = sign_in(watched, served, served.viewer)
    expect(page.locator(".who")).to_contain_text("signed in as viewer")
    page.click("#logout")
    expect(page).to_have_url(f"{served.url}/ui/login")
    page.goto(f"{served.url}/ui/")
    expect(page).to_have_url(f"{served.url}/ui/login")
    # A 401 from the login post is the one console error expected here.
    assert [p for p in watched.problems if "401" not in p] == []


def test_the_overview_sorts_filters_and_pages(watched: Watched, served: Served) -> None:
    page = sign_in(watched, served, served.viewer)
    expect(page.locator("#total")).to_have_text("122")
    page.screenshot(path=str(served.screenshots / "overview.png"), full_page=True)
    first = column(page, 1)
    assert len(first) == 50
    assert first == sorted(first)
    follow(page, "a.sort[data-sort=score]", "order=asc")
    expect(page).to_have_url(f"{served.url}/ui/?sort=score&order=asc")
    follow(page, "a.sort[data-sort=score]", "order=desc")
    expect(page).to_have_url(f"{served.url}/ui/?sort=score&order=desc")
    scores = [int(s) for s in column(page, 3) if s.isdigit()]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] == 93
    page.select_option("#f-verdict", "block")
    follow(page, "#f-apply", "verdict=block")
    assert set(column(page, 4)) == {"block"}
    page.goto(f"{served.url}/ui/")
    page.fill("#f-q", "mcp01")
    follow(page, "#f-apply", "q=mcp01")
    assert column(page, 1) == [f"https://mcp{i:03d}.fleet.test/mcp" for i in range(10, 20)]
    page.goto(f"{served.url}/ui/")
    follow(page, "#next-page", "cursor=")
    second = column(page, 1)
    assert len(second) == 50
    assert second[0] > first[-1]
    cursor = page.url
    page.click("#next-page")
    page.wait_for_url(lambda url: url != cursor, wait_until="load")
    third = column(page, 1)
    assert len(first) + len(second) + len(third) == 122
    assert not page.locator("#next-page").count()
    assert watched.problems == []


def test_hostile_text_shows_as_text_and_runs_nothing(watched: Watched, served: Served) -> None:
    page = sign_in(watched, served, served.viewer)
    page.fill("#f-q", "x.fleet.test")
    follow(page, "#f-apply", "q=x.fleet.test")
    cell = page.locator("#endpoints tbody td.url").first
    expect(cell).to_contain_text("<img src=x onerror=alert(9)>")
    expect(cell).to_contain_text("\\u202e")
    page.goto(f"{served.url}/ui/endpoints/{served.hostile_id}")
    page.screenshot(path=str(served.screenshots / "endpoint.png"), full_page=True)
    tools = page.locator("#tools").inner_text()
    assert "<script>alert('tool')</script>" in tools or "send ~/.ssh/id_rsa" in tools
    drift = page.locator("#drift").inner_text()
    assert "<script>alert('tool')</script>" in drift
    assert "</textarea><script>alert(3)</script>" in drift
    assert "\\u202e" in drift
    assert "\\u200b" in drift
    assert page.evaluate("document.scripts.length") == 1  # our one file
    assert page.locator("main img").count() == 0
    assert page.locator("main a[href^='javascript:']").count() == 0
    page.goto(f"{served.url}/ui/registry")
    expect(page.locator("#servers")).to_contain_text("<script>alert('tool')</script>")
    assert watched.problems == []


def test_a_read_key_sees_no_actions_and_the_api_refuses_it(
    watched: Watched, served: Served
) -> None:
    page = sign_in(watched, served, served.viewer)
    page.goto(f"{served.url}/ui/endpoints/{served.hostile_id}")
    assert page.locator("button[data-action]").count() == 0
    assert page.locator("#assess").count() == 0
    status = page.evaluate(
        """async (id) => (await fetch(`/v1/endpoints/${id}/baseline`, {method: 'POST',
        headers: {'X-Trustsvc-UI': '1', 'Content-Type': 'application/json'},
        body: '{}'})).status""",
        served.hostile_id,
    )
    assert status == 403
    assert [p for p in watched.problems if "403" not in p] == []


def test_an_admin_acknowledges_drift_and_pins_a_baseline(watched: Watched, served: Served) -> None:
    page = sign_in(watched, served, served.admin)
    page.goto(f"{served.url}/ui/endpoints/{served.hostile_id}")
    open_before = page.locator("button.ack").count()
    assert open_before >= 1
    # Each action reloads the page once it is done (the status line says so first).
    with page.expect_navigation():
        page.locator("button.ack").first.click()
        expect(page.locator("#status")).to_have_text("Acknowledged.")
    expect(page.locator("button.ack")).to_have_count(open_before - 1)
    expect(page.locator("#drift .ack").first).to_contain_text("by admin")
    with page.expect_navigation():
        page.click("#pin")
        expect(page.locator("#status")).to_contain_text("Baseline pinned")
    expect(page.locator("button.ack")).to_have_count(0)
    page.click("#rescan")
    expect(page.locator("#status")).to_contain_text("Rescan requested")
    assert watched.problems == []


def test_the_assess_form_runs_a_scan(watched: Watched, served: Served) -> None:
    served.servers.listings["/fresh"] = HOSTILE_TOOLS[:1]
    page = sign_in(watched, served, served.admin)
    page.fill("#assess-url", served.servers.url("/fresh"))
    # The button is enabled only once the script has wired the form (served disabled).
    expect(page.locator("#assess-go")).to_be_enabled()
    page.click("#assess-go")
    expect(page.locator("#endpoint-url")).to_have_text(served.servers.url("/fresh"), timeout=60_000)
    expect(page.locator("#score")).to_have_text(page.locator("#score").inner_text())
    assert page.locator("#grade").inner_text()
    assert watched.problems == []
