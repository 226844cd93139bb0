"""The API as served, plus one trivial route: the same-process baseline for bench/lookup.py.

Run by the benchmark as a factory (`uvicorn --factory lookup_app:app_factory --app-dir bench`
or `granian --factory ...`); settings come from TRUSTSVC_* variables, as for `trustsvc serve`.
"""

from __future__ import annotations

import os

from litestar import Litestar, get

from trustsvc.api.app import create_app
from trustsvc.config.settings import load_settings

# About 150 bytes of JSON, like the environment.md section 9 baseline's in-memory record.
_TRIVIAL = {
    "id": 42,
    "url": "https://mcp42.example.test/mcp",
    "grade": "A",
    "score": 93,
    "tls": {"min": "1.2", "max": "1.3"},
    "checked_at": "2026-11-21T00:00:00Z",
}


@get("/bench/trivial", sync_to_thread=False, include_in_schema=False)
def trivial() -> dict[str, object]:
    """A constant dict: routing, middleware and JSON encoding, no I/O."""
    return _TRIVIAL


def app_factory() -> Litestar:
    """The real app (lifespan, exception handlers, routes) with the trivial route added."""
    app = create_app(load_settings(os.environ))
    app.register(trivial)
    return app
