"""Read the mapping table and the edition indexes (TOML under data/) once per process.

The table is data so that other probes' authors add one entry per probe in one file per
family, and a reviewer sees every framework claim of a probe in one place. Loading checks
the shape (unknown keys, wrong types) and raises with the file and the probe named; whether
every id exists in its edition is checked by `problems()`, which the test suite runs.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from importlib import resources
from types import MappingProxyType
from typing import Any

from probes.frameworks.model import Edition, ProbeMapping, Provenance, Reference

_DATA = resources.files("probes.frameworks") / "data"
_EDITION_FIELDS = ("framework", "edition", "name", "organization", "uri", "licence", "index")


def _toml(path: str) -> dict[str, Any]:
    return tomllib.loads((_DATA / path).read_text(encoding="utf-8"))


@functools.cache
def editions() -> Mapping[str, Edition]:
    """Every edition by its key, in the order of editions.toml."""
    found: dict[str, Edition] = {}
    for key, table in _toml("editions.toml").items():
        missing = [name for name in _EDITION_FIELDS if not isinstance(table.get(name), str)]
        if missing:
            raise ValueError(f"editions.toml [{key}]: missing or not text: {', '.join(missing)}")
        found[key] = Edition(
            key=key,
            titles=_index(table["index"]),
            **{name: table[name] for name in _EDITION_FIELDS if name != "index"},
        )
    return MappingProxyType(found)


def _index(name: str) -> Mapping[str, str | None]:
    """An index file: `ids = [...]` (no titles shipped) or a `[taxa]` table of id = title."""
    data = _toml(f"index/{name}")
    if "ids" in data:
        return MappingProxyType(dict.fromkeys(data["ids"]))
    taxa = data.get("taxa")
    if not isinstance(taxa, dict) or not all(isinstance(v, str) for v in taxa.values()):
        raise ValueError(f"index/{name}: expected `ids = [...]` or a [taxa] table of titles")
    return MappingProxyType(dict(taxa))


@functools.cache
def mappings() -> Mapping[str, ProbeMapping]:
    """Every probe's mapping by probe id, from every file under data/mappings/."""
    known = editions()
    found: dict[str, ProbeMapping] = {}
    for entry in sorted((_DATA / "mappings").iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        source = f"mappings/{entry.name}"
        for probe_id, table in tomllib.loads(entry.read_text(encoding="utf-8")).items():
            if probe_id in found:
                raise ValueError(f"{source}: {probe_id} is also mapped in {found[probe_id].source}")
            found[probe_id] = _mapping(probe_id, table, source, known)
    return MappingProxyType(found)


def _mapping(
    probe_id: str, table: dict[str, Any], source: str, known: Mapping[str, Edition]
) -> ProbeMapping:
    where = f"{source} [{probe_id}]"
    raw = table.get("provenance")
    if raw not in set(Provenance):
        choices = ", ".join(p.value for p in Provenance)
        raise ValueError(f"{where}: provenance must be one of {choices}, not {raw!r}")
    references: list[Reference] = []
    for key in known:  # editions.toml order, whatever order the entry lists them in
        ids = table.get(key, [])
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise ValueError(f"{where}: {key} must be a list of ids")
        references += [known[key].reference(taxon_id) for taxon_id in ids]
    unknown = set(table) - set(known) - {"provenance"}
    if unknown:
        raise ValueError(f"{where}: unknown edition keys {sorted(unknown)} (see editions.toml)")
    return ProbeMapping(
        probe_id=probe_id,
        provenance=Provenance(raw),
        references=tuple(references),
        source=source,
    )


def problems() -> list[str]:
    """Every mapped id that its edition's index does not define, one line each."""
    by_pin = {(e.framework, e.edition): e for e in editions().values()}
    lines = []
    for mapping in mappings().values():
        for ref in mapping.references:
            edition = by_pin[(ref.framework, str(ref.edition))]
            if not edition.has(ref.id):
                lines.append(
                    f"{mapping.source} [{mapping.probe_id}]: {ref.id} is not an id of "
                    f"{edition.name} {edition.edition} (index/{edition.key}.toml)"
                )
    return lines
