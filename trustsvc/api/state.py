"""How handlers reach the process's services: `app.state.services`, set in the lifespan."""

from __future__ import annotations

from typing import cast

from litestar.datastructures import State

from trustsvc.services import AppServices


def services(state: State) -> AppServices:
    """The services of the running app."""
    return cast("AppServices", state.services)
