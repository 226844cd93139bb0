"""Run the API under uvicorn (uvloop + httptools via uvicorn[standard]; see bench/lookup)."""

from __future__ import annotations

import uvicorn

from trustsvc.api.app import create_app
from trustsvc.config.settings import Settings


def server(settings: Settings, *, host: str, port: int) -> uvicorn.Server:
    """An uvicorn server for the app; `await server.serve()` runs it until interrupted."""
    config = uvicorn.Config(
        create_app(settings),
        host=host,
        port=port,
        log_level="warning",
        access_log=False,  # the request middleware logs each request, route templated
        log_config=None,  # uvicorn's records go through the CLI's handler (JSON, redaction)
        lifespan="on",
    )
    return uvicorn.Server(config)


def serve(settings: Settings, *, host: str, port: int) -> None:
    """Serve until interrupted."""
    print(f"trustsvc API on http://{host}:{port} (docs at /schema)")  # noqa: T201 - CLI output
    server(settings, host=host, port=port).run()
