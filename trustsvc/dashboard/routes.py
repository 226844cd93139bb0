"""The dashboard's routes under /ui: pages read, sign-in posts set or clear the cookie.

Pages read through the repositories and services only; every action a button takes is a
call to the existing API (`/v1/...`) from static/dashboard.js, so the API's scopes, rate
limits and audit log apply to the dashboard unchanged.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State
from litestar.params import JSONBody, PathParameter, QueryParameter
from litestar.response import Redirect
from litestar.static_files import create_static_files_router
from litestar.status_codes import HTTP_204_NO_CONTENT, HTTP_401_UNAUTHORIZED
from litestar.types import ControllerRouterHandler

from trustsvc.auth.keys import parse_key
from trustsvc.dashboard.charts import bar_chart
from trustsvc.dashboard.drift_view import DAYS, since_of
from trustsvc.dashboard.drift_view import LIMIT as DRIFT_LIMIT
from trustsvc.dashboard.drift_view import SEVERITIES as DRIFT_SEVERITIES
from trustsvc.dashboard.endpoint import DRIFT_SHOWN, endpoint_view
from trustsvc.dashboard.index import FleetIndex
from trustsvc.dashboard.memory_table import MemoryTable
from trustsvc.dashboard.pages import UI_PAGE, UI_PUBLIC, app_services, page
from trustsvc.dashboard.registry_view import STATUSES, registry_view
from trustsvc.dashboard.session import (
    UI_PREFIX,
    clear_cookie_header,
    set_cookie_header,
)
from trustsvc.dashboard.table import (
    GRADES,
    NEVER,
    VERDICTS,
    BadCursor,
    Sort,
    TableQuery,
    table_page,
)
from trustsvc.store.repositories import EndpointRepository

STATIC = Path(__file__).parent / "static"
Text = Annotated[str, QueryParameter(max_length=200)]
Choice = Annotated[str, QueryParameter(max_length=8)]


class LoginRequest(msgspec.Struct, forbid_unknown_fields=True):
    """The key a person typed into the login form."""

    key: Annotated[str, msgspec.Meta(max_length=200)]


def _choice(value: str, allowed: tuple[str, ...]) -> str | None:
    return value if value in allowed else None


def fleet_index(state: State) -> FleetIndex:
    """The process's fleet index, made on the first page that needs it."""
    index = state.get("fleet_index")
    if not isinstance(index, FleetIndex):
        app = app_services(state)
        index = FleetIndex(app.sessions, app.clock)
        state.fleet_index = index
    return index


def memory_table(state: State) -> MemoryTable:
    """The process's sorted orders over the fleet index."""
    table = state.get("fleet_table")
    if not isinstance(table, MemoryTable):
        table = MemoryTable(fleet_index(state))
        state.fleet_table = table
    return table


class DashboardController(Controller):
    """The fleet overview, an endpoint, the registry and the drift report."""

    path = UI_PREFIX
    include_in_schema = False
    opt = UI_PAGE

    @get("/")
    async def fleet(  # noqa: PLR0917 - Litestar passes query parameters by name
        self,
        request: Request[Any, Any, Any],
        state: State,
        sort: Annotated[Sort, QueryParameter()] = Sort.URL,
        order: Choice = "asc",
        verdict: Choice = "",
        grade: Choice = "",
        q: Text = "",
        cursor: Annotated[str | None, QueryParameter(max_length=2048)] = None,
    ) -> Response[str]:
        """The overview's figures and one page of the endpoints table."""
        app = app_services(state)
        table = TableQuery(
            sort=sort,
            descending=order == "desc",
            verdict=_choice(verdict, (*VERDICTS, NEVER)),
            grade=_choice(grade, (*GRADES, NEVER)),
            text=q.strip(),
            cursor=cursor,
        )
        params = {
            "sort": sort.value,
            "order": "desc" if table.descending else "asc",
            "verdict": table.verdict,
            "grade": table.grade,
            "q": table.text,
        }
        async with app.sessions() as session:
            figures = await fleet_index(state).overview(session)
            try:
                if table.sort is Sort.URL:  # the unique index serves it: keyset in SQL
                    rows = await table_page(session, table)
                else:
                    rows = await memory_table(state).page(session, table)
            except BadCursor as exc:
                return page(request, "error.html", status=400, message=str(exc))
        return page(
            request,
            "overview.html",
            figures=figures,
            grades=bar_chart(figures.by_grade, [*GRADES, "never assessed"]),
            table=rows,
            params=params,
            first_page=cursor is None,
            verdict_rows=[*VERDICTS, "never assessed"],
            verdict_filters=[*VERDICTS, NEVER],
            grade_filters=[*GRADES, NEVER],
        )

    @get("/endpoints/{endpoint_id:str}")
    async def endpoint(
        self,
        request: Request[Any, Any, Any],
        state: State,
        endpoint_id: Annotated[str, PathParameter(max_length=64)],
    ) -> Response[str]:
        """One endpoint: its latest report, history, drift, tools and registry listings."""
        app = app_services(state)
        async with app.sessions() as session:
            row = await EndpointRepository(session).get(endpoint_id)
            if row is None:
                return page(request, "error.html", status=404, message="No such endpoint.")
            drift = await app.drift.events(endpoint_id=row.id, limit=DRIFT_SHOWN)
            view = await endpoint_view(session, row, drift)
        return page(request, "endpoint.html", view=view)

    @get("/registry")
    async def registry(
        self,
        request: Request[Any, Any, Any],
        state: State,
        q: Text = "",
        status: Choice = "",
        after: Annotated[str | None, QueryParameter(max_length=200)] = None,
    ) -> Response[str]:
        """Registry servers with their publishers' proof, remotes' verdicts and sync runs."""
        app = app_services(state)
        chosen = _choice(status, STATUSES)
        async with app.sessions() as session:
            view = await registry_view(
                session, app.lookup.latest, after=after, search=q.strip() or None, status=chosen
            )
        params = {"q": q.strip(), "status": chosen}
        return page(
            request, "registry.html", view=view, params=params, statuses=STATUSES, first=not after
        )

    @get("/drift")
    async def drift(
        self,
        request: Request[Any, Any, Any],
        state: State,
        severity: Annotated[str, QueryParameter(max_length=8)] = "info",
        days: Annotated[int, QueryParameter(ge=1, le=90)] = 1,
    ) -> Response[str]:
        """Every endpoint's drift in a window, with links to the JSON and CSV exports."""
        app = app_services(state)
        chosen = severity if severity in DRIFT_SEVERITIES else "info"
        since = since_of(app.clock(), days)
        events = await app.drift.report(since=since, min_severity=chosen, limit=DRIFT_LIMIT)
        export = urlencode({"since": since.isoformat(), "severity": chosen})
        return page(
            request,
            "drift.html",
            events=events,
            severity=chosen,
            days=days,
            since=since,
            export=export,
            severities=DRIFT_SEVERITIES,
            windows=DAYS,
            limit=DRIFT_LIMIT,
        )

    @get("/login", opt=UI_PUBLIC)
    async def login_form(self, request: Request[Any, Any, Any]) -> Response[str]:
        """The form that exchanges an API key for a session cookie."""
        return page(request, "login.html")

    @post("/login", opt=UI_PUBLIC, status_code=HTTP_204_NO_CONTENT)
    async def login(
        self, request: Request[Any, Any, Any], state: State, data: JSONBody[LoginRequest]
    ) -> Response[None]:
        """204 with the cookie for a valid key; 401 for anything else."""
        token = data.key.strip()
        principal = await app_services(state).keys.verify(token) if parse_key(token) else None
        if principal is None:
            return Response(None, status_code=HTTP_401_UNAUTHORIZED)
        secure = request.url.scheme == "https"
        return Response(
            None,
            status_code=HTTP_204_NO_CONTENT,
            headers={"Set-Cookie": set_cookie_header(token, secure=secure)},
        )

    @post("/logout", opt=UI_PUBLIC, status_code=HTTP_204_NO_CONTENT)
    async def logout(self, request: Request[Any, Any, Any]) -> Response[None]:
        """204 that clears the cookie."""
        secure = request.url.scheme == "https"
        return Response(
            None,
            status_code=HTTP_204_NO_CONTENT,
            headers={"Set-Cookie": clear_cookie_header(secure=secure)},
        )


@get("/", include_in_schema=False, opt=UI_PUBLIC)
async def root() -> Redirect:
    """The service's front door is the dashboard."""
    return Redirect(f"{UI_PREFIX}/")


def dashboard_routes() -> list[ControllerRouterHandler]:
    """Everything the app mounts for the dashboard."""
    static = create_static_files_router(
        path=f"{UI_PREFIX}/static",
        directories=[STATIC],
        opt=UI_PUBLIC,
        include_in_schema=False,
        send_as_attachment=False,
    )
    return [DashboardController, static, root]
