"""Render the OpenAPI document: `python -m trustsvc.commands.openapi > openapi/openapi.json`.

The file in the repository is generated, never edited; tests/test_openapi.py regenerates it
and fails when they differ, so the published contract cannot drift from the code.
"""

from __future__ import annotations

import json
import sys

from litestar.serialization import encode_json

from trustsvc.api.app import create_app


def render_openapi() -> str:
    """The OpenAPI document as stable, sorted, indented JSON."""
    # Litestar's encoder knows its own types (structs in examples); re-dump for stable order.
    schema = json.loads(encode_json(create_app().openapi_schema.to_schema()))
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render_openapi())
