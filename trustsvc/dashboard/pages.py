"""What every page needs: the HTML response, who is looking, and the process's services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from litestar import Request, Response
from litestar.datastructures import State
from litestar.enums import MediaType

from trustsvc.auth.principal import OPEN, Principal, Scope, principal_of
from trustsvc.dashboard.render import render
from trustsvc.services import AppServices

UI_PAGE = {"scope": Scope.READ, "ui_page": True}
"""A page: read scope, and a browser without a session is sent to the login form."""
UI_PUBLIC = {"ui_public": True}
"""The login form, its posts and the static files: answered without a key."""


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who the page is for, and what its buttons may do."""

    name: str
    signed_in: bool
    open: bool
    can_scan: bool
    can_admin: bool


def viewer_of(request: Request[Any, Any, Any]) -> Viewer:
    """The viewer of this request (from the principal the access middleware stored)."""
    principal: Principal | None = principal_of(request.scope)
    if principal is None:
        return Viewer("anonymous", signed_in=False, open=False, can_scan=False, can_admin=False)
    return Viewer(
        name=principal.name,
        signed_in=principal.key_id is not None,
        open=principal is OPEN,
        can_scan=principal.allows(Scope.SCAN),
        can_admin=principal.allows(Scope.ADMIN),
    )


def app_services(state: State) -> AppServices:
    """The services of the running app (set in the API's lifespan)."""
    return cast("AppServices", state.services)


def page(
    request: Request[Any, Any, Any], template: str, *, status: int = 200, **context: object
) -> Response[str]:
    """A rendered page with the viewer in its context."""
    html = render(template, viewer=viewer_of(request), **context)
    return Response(html, status_code=status, media_type=MediaType.HTML)
