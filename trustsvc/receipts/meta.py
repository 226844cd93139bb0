"""The receipt in a server.json `_meta`, under the registry proposal's extension key.

`_meta["io.modelcontextprotocol.registry/security-scan"]` holds an array of scanner-neutral
receipts (modelcontextprotocol/registry#1273, PR #1404, open): ours is one element, told
apart by `scanner: "trustsvc"`, so a registry or a publisher attaches it beside others'.
"""

from __future__ import annotations

from typing import Any

META_KEY = "io.modelcontextprotocol.registry/security-scan"


def server_json_meta(receipt: dict[str, Any]) -> dict[str, Any]:
    """A `{"_meta": {...}}` fragment to merge into a server.json."""
    return {"_meta": {META_KEY: [receipt]}}


def receipts_in(document: object) -> list[object]:
    """The receipts a file holds: itself, or the trustsvc entries of a server.json `_meta`."""
    if not isinstance(document, dict):
        return [document]
    meta = document.get("_meta")
    if isinstance(meta, dict) and META_KEY in meta:
        entries = meta[META_KEY]
        if not isinstance(entries, list):
            return [entries]
        return [e for e in entries if not isinstance(e, dict) or e.get("scanner") == "trustsvc"]
    return [document]
