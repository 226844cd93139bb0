"""openapi/openapi.json is generated from the app; regenerate with `make openapi`."""

from __future__ import annotations

import json
from pathlib import Path

from trustsvc.commands.openapi import render_openapi

OPENAPI_FILE = Path(__file__).resolve().parent.parent / "openapi" / "openapi.json"


def test_committed_openapi_document_matches_the_app() -> None:
    assert OPENAPI_FILE.read_text() == render_openapi(), (
        "openapi/openapi.json is stale: run `make openapi` (python -m trustsvc.commands.openapi)"
    )


def test_every_operation_has_an_id_summary_and_tag() -> None:
    document = json.loads(render_openapi())
    operations = [op for path in document["paths"].values() for op in path.values()]
    assert len(operations) == 31
    for operation in operations:
        assert operation["operationId"][0].isupper()
        assert operation["summary"]
        assert operation["tags"]
