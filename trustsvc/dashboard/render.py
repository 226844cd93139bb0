"""The Jinja environment: package templates, autoescape always, hostile text neutralised.

`finalize=shown` runs on the value of every `{{ }}`, so escaping and the visible escapes of
bidi and invisible characters do not depend on a template remembering a filter.
"""

from __future__ import annotations

import functools
from datetime import datetime
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader, StrictUndefined

from trustsvc.dashboard.text import http_link, plain, shown


def when(value: datetime | None) -> str:
    """A stored time as `2026-12-03 06:40 UTC` (never assessed: an em dash)."""
    return "—" if value is None else value.strftime("%Y-%m-%d %H:%M UTC")


def percent(value: float | None) -> str:
    """A 0..1 share (confidence, coverage) as a whole percentage."""
    return "—" if value is None else f"{round(value * 100)}%"


def query(params: dict[str, object], **changes: object) -> str:
    """A query string from `params` with `changes` applied; empty values are left out."""
    merged = {**params, **changes}
    return urlencode({k: v for k, v in merged.items() if v not in (None, "", False)})


@functools.cache
def environment() -> Environment:
    """Built once per process: template compilation is the expensive part."""
    env = Environment(
        loader=PackageLoader("trustsvc.dashboard", "templates"),
        autoescape=True,
        finalize=shown,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(when=when, percent=percent, plain=plain, http_link=http_link)
    env.globals.update(query=query)
    return env


def render(template: str, **context: object) -> str:
    """A page as text."""
    return environment().get_template(template).render(**context)
