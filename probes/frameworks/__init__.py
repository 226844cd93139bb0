"""Framework mapping: each probe's ids in edition-pinned security frameworks, as data.

`data/mappings/<family>.toml` maps every probe id to the OWASP MCP, LLM and Agentic Top 10,
MITRE ATLAS, CoSAI MCP and CWE ids it answers to, each under its edition
(`data/editions.toml`), with the provenance of its evidence. `data/README.md` says where
each edition's ids were checked and what could not be confirmed.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

from probes.frameworks.citations import citation, reference_from_token
from probes.frameworks.load import editions, mappings, problems
from probes.frameworks.model import Edition, ProbeMapping, Provenance, Reference

__all__ = [
    "Edition",
    "ProbeMapping",
    "Provenance",
    "Reference",
    "edition_of",
    "editions",
    "mappings",
    "problems",
    "provenance_for",
    "reference_from_token",
    "references_for",
    "title_of",
]


def provenance_for(probe_id: str) -> Provenance | None:
    """The probe's default provenance, or None for a probe the table does not map yet."""
    mapping = mappings().get(probe_id)
    return None if mapping is None else mapping.provenance


@functools.cache
def references_for(probe_id: str, citations: tuple[str, ...] = ()) -> tuple[Reference, ...]:
    """The probe's framework references (table order), then its code's citations."""
    mapping = mappings().get(probe_id)
    pinned = () if mapping is None else mapping.references
    cited = tuple(citation(text) for text in citations)
    return pinned + tuple(ref for ref in cited if ref not in pinned)


@functools.cache
def _by_pin() -> Mapping[tuple[str, str], Edition]:
    return {(e.framework, e.edition): e for e in editions().values()}


def edition_of(reference: Reference) -> Edition | None:
    """The edition a pinned reference belongs to (None for citations and unknown pins)."""
    if reference.edition is None:
        return None
    return _by_pin().get((reference.framework, reference.edition))


def title_of(reference: Reference) -> str | None:
    """The id's title in its edition, where one is known and may be shipped."""
    edition = edition_of(reference)
    return None if edition is None else edition.titles.get(reference.id)
