"""The API docs load from the service itself, and `/` leads to them (issue 17).

`trustsvc serve` runs in a child process; the test reads the docs page it serves, collects
every script, style sheet, icon and image the page references, and fetches each from the
same server: none may point at another host, and each must answer 200 with content.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import aiohttp

from tests.servers.api_process import ApiProcess

REFERENCING = {"script": "src", "link": "href", "img": "src"}


class Assets(HTMLParser):
    """The URLs a page makes a browser fetch: scripts, linked sheets and icons, images."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = REFERENCING.get(tag)
        for name, value in attrs:
            if name == wanted and value:
                self.urls.append(value)


def env_for(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "TRUSTSVC_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'docs.db'}",
        "TRUSTSVC_DOMAIN_LOOKUPS": "off",
        **extra,
    }


async def test_the_docs_page_and_every_asset_come_from_the_service(tmp_path: Path) -> None:
    # Keys required: the docs stay public, the API does not.
    async with (
        ApiProcess(env_for(tmp_path, TRUSTSVC_AUTH="required"), tmp_path / "serve.log") as api,
        aiohttp.ClientSession() as http,
    ):
        async with http.get(f"{api.url}/", allow_redirects=False) as root:
            assert root.status in (301, 302, 307, 308)
            docs_url = urljoin(f"{api.url}/", root.headers["Location"])
        assert urlsplit(docs_url).netloc == urlsplit(api.url).netloc
        async with http.get(docs_url) as page:
            assert page.status == 200
            assert page.content_type == "text/html"
            html = await page.text()
        parser = Assets()
        parser.feed(html)
        assert len(parser.urls) >= 3  # the viewer's script, its preset and its style sheet
        for reference in parser.urls:
            absolute = urljoin(docs_url, reference)
            assert urlsplit(absolute).netloc == urlsplit(api.url).netloc, reference
            async with http.get(absolute) as asset:
                assert asset.status == 200, reference
                assert len(await asset.read()) > 0, reference
        async with http.get(f"{api.url}/schema/assets/swagger-ui/LICENSE") as licence:
            assert licence.status == 200
            assert "Apache License" in await licence.text()
        async with http.get(f"{api.url}/schema/openapi.json") as document:
            assert document.status == 200
            assert (await document.json())["openapi"].startswith("3.")
        async with http.get(f"{api.url}/v1/endpoints") as guarded:
            assert guarded.status == 401
        # The banner of the embedded default says the scheduler runs, and what it leaves off.
        assert "scheduler: re-probes due endpoints every 5 s" in api.log_tail()
        assert "registry sync off (TRUSTSVC_REGISTRY_SYNC=on imports" in api.log_tail()
