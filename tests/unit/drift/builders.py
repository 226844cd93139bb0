"""Plain-data snapshots for the drift rule tests: one helper per kind of surface item."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from probes.model import Severity
from trustsvc.drift.types import DriftChange, Json, Snapshot, Surface, SurfaceItem

Items = dict[str, SurfaceItem]
READ_ONLY: dict[str, Json] = {"readOnlyHint": True}


def tool(
    name: str = "search",
    description: str = "Searches the index.",
    *,
    annotations: Mapping[str, Json] | None = None,
    schema: Mapping[str, Json] | None = None,
    poisoned: bool = False,
    destructive: bool = False,
) -> tuple[str, SurfaceItem]:
    """A tool item as `snapshot_of` builds it; read-only and harmless by default."""
    hints = dict(READ_ONLY if annotations is None else annotations)
    value: dict[str, Json] = {
        "name": name,
        "title": None,
        "description": description,
        "input_schema": dict(schema or {"type": "object"}),
        "output_schema": None,
        "annotations": hints,
    }
    facts = {"poisoned": poisoned, "destructive": destructive}
    item = SurfaceItem.of(value, **facts, read_only=hints.get("readOnlyHint") is True)
    return f"tool:{name}", item


def tools(
    *definitions: tuple[str, SurfaceItem],
    version: str | None = "1.0.0",
    instructions: str | None = None,
    poisoned: bool = False,
    truncated: bool = False,
) -> Items:
    """A tools surface: `server:info` and the given definitions."""
    info: dict[str, Json] = {
        "name": "demo",
        "version": version,
        "protocol_version": "2025-11-25",
        "capabilities": ["tools"],
        "instructions": instructions,
    }
    server = SurfaceItem.of(info, poisoned=poisoned, truncated=truncated)
    return {"server:info": server, **dict(definitions)}


def items(**values: Json) -> Items:
    """Items from keyword values: `cert_leaf=...` is the subject `cert:leaf`."""
    return {key.replace("_", ":", 1): SurfaceItem.of(value) for key, value in values.items()}


def auth(model: str, metadata: Json = None) -> Items:
    """An auth surface; metadata only when given."""
    found = items(auth_model={"model": model})
    if metadata is not None:
        found["auth:metadata"] = SurfaceItem.of(metadata)
    return found


def leaf(issuer: str = "CN=R3,O=Let's Encrypt", **changes: Json) -> Items:
    """A TLS surface holding the leaf certificate."""
    value: dict[str, Json] = {
        "fingerprint": "ab" * 32,
        "issuer": issuer,
        "subject": "CN=mcp.example.com",
        "key_type": "RSA",
        "key_bits": 2048,
        "not_after": "2026-04-15T12:00:00+00:00",
        "sans": ["mcp.example.com"],
    }
    value.update(changes)
    return {"cert:leaf": SurfaceItem.of(value)}


def addresses(*found: str, non_public: bool = False) -> SurfaceItem:
    """A `dns:addresses` item."""
    return SurfaceItem.of(list[Json](found), non_public=non_public)


def registry(name: str = "com.acme/tools", **changes: Json) -> Items:
    """A registry surface with one entry."""
    value: dict[str, Json] = {
        "name": name,
        "version": "1.0.0",
        "status": "active",
        "repository_id": "12345",
    }
    value.update(changes)
    return {f"registry:{name}": SurfaceItem.of(value)}


def snapshot(**surfaces: Items) -> Snapshot:
    """A snapshot from surfaces named by keyword (`tools=...`, `dns=...`)."""
    return Snapshot(surfaces={Surface(name): found for name, found in surfaces.items()})


def judged(changes: Sequence[DriftChange]) -> list[tuple[str, str, Severity]]:
    """(kind, subject, severity) of each change, in the order given."""
    return [(c.kind, c.subject, c.severity) for c in changes]
