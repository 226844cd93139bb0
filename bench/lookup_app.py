"""The API as served, for bench/lookup.py to start under uvicorn or granian.

Run by the benchmark as a factory (`uvicorn --factory lookup_app:app_factory --app-dir bench`
or `granian --factory ...`); settings come from TRUSTSVC_* variables, as for `trustsvc serve`.
The baseline is the app's own `/livez`.
"""

from __future__ import annotations

import os

from litestar import Litestar

from trustsvc.api.app import create_app
from trustsvc.config.settings import load_settings


def app_factory() -> Litestar:
    """The real app (lifespan, exception handlers, routes), as `trustsvc serve` builds it."""
    return create_app(load_settings(os.environ))
