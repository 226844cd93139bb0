"""Fingerprints of tool definitions, stored with each scan so later scans can spot rug pulls.

A definition's fingerprint is the SHA-256 of its canonical JSON: every field as received
(name, title, description, schemas, annotations and anything else the server sent), keys
sorted, whitespace inside strings collapsed. Reflowing a description is therefore no change;
editing a word, a default or an annotation is. The set fingerprint hashes the sorted
`kind:fingerprint` lines, so listing order does not matter but adding, removing or changing
any definition does.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from probes.tools.observation import ToolDefinition


def definition_fingerprint(definition: ToolDefinition) -> str:
    """SHA-256 (hex) of the definition's canonical JSON.

    `surrogatepass`: a lone surrogate that did not come through the collectors' decoder (which
    escapes them) is hashed as its code unit rather than failing the probe.
    """
    return hashlib.sha256(definition.canonical_json.encode("utf-8", "surrogatepass")).hexdigest()


def set_fingerprint(definitions: Iterable[ToolDefinition]) -> str:
    """SHA-256 (hex) over the sorted `kind:fingerprint` lines of every definition."""
    lines = sorted(f"{d.kind}:{definition_fingerprint(d)}" for d in definitions)
    return hashlib.sha256("\n".join(lines).encode("ascii")).hexdigest()
