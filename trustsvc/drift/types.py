"""Drift vocabulary: surfaces, snapshots of normalised surface items, and the changes between.

A snapshot maps each measured surface to its items by subject (`tool:search`, `cert:leaf`,
`dns:ns`). A surface that a scan could not measure is absent, never empty: a tools family
that timed out must not read as "every tool was removed".

Each item carries its normalised `value` (JSON), the SHA-256 `digest` of that value's
canonical JSON, and `facts`: judgements about the item taken from the scan's findings
(poisoned, destructive) that the severity rules need but that must not be part of the digest,
so a better detector does not look like the server changed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeAlias

from probes.model import Severity

# A JSON document as stored: what goes into a digest and into the events table.
Json: TypeAlias = "bool | int | float | str | list[Json] | dict[str, Json] | None"


class Surface(StrEnum):
    """What part of an endpoint an item describes (one per probe family, DNS split out)."""

    TOOLS = "tools"
    AUTH = "auth"
    TLS = "tls"
    DNS = "dns"
    REGISTRATION = "registration"
    REGISTRY = "registry"


class Basis(StrEnum):
    """What a scan was compared with."""

    PREVIOUS = "previous"
    BASELINE = "baseline"


def canonical_digest(value: Json) -> str:
    """SHA-256 of the value's canonical JSON (sorted keys, no whitespace, UTF-8).

    A lone surrogate that got past the collectors is hashed as its own code unit
    (`surrogatepass`) instead of raising: every distinct text keeps a distinct digest, and a
    server cannot make its rescan fail by sending one.
    """
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True, slots=True, kw_only=True)
class SurfaceItem:
    """One normalised thing on a surface: a tool definition, the leaf certificate, the NS set."""

    value: Json
    digest: str
    facts: Mapping[str, bool] = field(default_factory=dict)

    @classmethod
    def of(cls, value: Json, **facts: bool) -> SurfaceItem:
        """An item whose digest is computed from its value."""
        return cls(value=value, digest=canonical_digest(value), facts=dict(facts))


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Every measured surface of one scan: surface -> subject -> item."""

    surfaces: Mapping[Surface, Mapping[str, SurfaceItem]] = field(default_factory=dict)

    def items(self, surface: Surface) -> Mapping[str, SurfaceItem] | None:
        """The surface's items, or None when this scan did not measure it."""
        return self.surfaces.get(surface)

    def to_doc(self) -> dict[str, Any]:
        """The stored form (a JSON object)."""
        return {
            surface.value: {
                subject: {"value": item.value, "digest": item.digest, "facts": dict(item.facts)}
                for subject, item in sorted(items.items())
            }
            for surface, items in self.surfaces.items()
        }

    @classmethod
    def from_doc(cls, doc: Mapping[str, Any]) -> Snapshot:
        """Read the stored form back; unknown surfaces (from a newer version) are skipped."""
        known = {s.value: s for s in Surface}
        surfaces: dict[Surface, dict[str, SurfaceItem]] = {}
        for name, items in doc.items():
            if name not in known:
                continue
            surfaces[known[name]] = {
                subject: SurfaceItem(
                    value=raw["value"], digest=raw["digest"], facts=dict(raw.get("facts", {}))
                )
                for subject, raw in items.items()
            }
        return cls(surfaces=surfaces)


@dataclass(frozen=True, slots=True, kw_only=True)
class DriftChange:
    """One difference between two snapshots, judged.

    Attributes:
        kind: what happened, snake_case (`tool_description_changed`, `auth_weakened`, ...).
        subject: the item it happened to (for a rename, the new name's subject).
        summary: one readable sentence for people and chat messages.
        text_diff: a unified diff of the changed text (tool descriptions), when there is one.
    """

    surface: Surface
    kind: str
    subject: str
    severity: Severity
    summary: str
    before: Json = None
    after: Json = None
    before_digest: str | None = None
    after_digest: str | None = None
    text_diff: str | None = None
