"""The interactive API docs, served from the installed package: nothing loads from a CDN.

Litestar's viewers fetch their JavaScript, styles and favicon from public CDNs, so offline
(or behind a strict egress policy) `/schema` was a blank page. Swagger UI's files come from
the `swagger-ui-py` distribution instead (Apache-2.0, its LICENSE is served beside them) and
are served under `/schema/assets/swagger-ui/`, inside the docs' public prefix. `/schema`
and `/schema/swagger` render the viewer, `/schema/openapi.json` the document, and `/`
redirects to the viewer.

The directory is located without importing `swagger_ui`, whose package imports jinja2 and
its framework handlers for nothing we use.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from litestar import Router, get
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.response import Redirect
from litestar.static_files import create_static_files_router

from trustsvc.config.access import OPENAPI_ROUTES

DOCS_PATH = "/schema"
ASSETS = "/assets/swagger-ui"
ASSETS_URL = DOCS_PATH + ASSETS
VIEWER_URL = DOCS_PATH + "/swagger"


def swagger_ui_dir() -> Path:
    """The installed Swagger UI files (swagger-ui-py's `static` directory)."""
    spec = importlib.util.find_spec("swagger_ui")
    locations = None if spec is None else spec.submodule_search_locations
    if not locations:
        raise RuntimeError("swagger-ui-py is not installed: pip install swagger-ui-py")
    return Path(next(iter(locations))) / "static"


class LocalSwagger(SwaggerRenderPlugin):
    """Swagger UI with every asset served by this app, from the package."""

    def __init__(self) -> None:
        super().__init__(
            js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
            css_url=f"{ASSETS_URL}/swagger-ui.css",
            standalone_preset_js_url=f"{ASSETS_URL}/swagger-ui-standalone-preset.js",
            favicon=f"<link rel='icon' type='image/png' href='{ASSETS_URL}/favicon-32x32.png'>",
            path=["/", "/swagger"],
        )

    def receive_router(self, router: Router) -> None:
        """Add the asset route (and Swagger UI's OAuth2 redirect page) to the docs' router."""
        super().receive_router(router)
        router.register(
            create_static_files_router(
                path=ASSETS,
                directories=[swagger_ui_dir()],
                name="swagger-ui-assets",
                include_in_schema=False,
            )
        )


@get("/", operation_id=OPENAPI_ROUTES, include_in_schema=False, sync_to_thread=False)
def root() -> Redirect:
    """`/` is where a newcomer looks first: send them to the docs."""
    return Redirect(VIEWER_URL)
