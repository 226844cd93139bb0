"""The vocabulary of framework mapping: editions, their ids, references and provenance.

A reference names one id of one framework edition (`OWASP-LLM` 2026 `LLM03`), because ids
move between editions: Excessive Agency is LLM06 in 2025 and LLM03 in 2026. A reference
without an edition is a citation (an RFC, a CVE, a SAFE-MCP technique) or an old stored
reference from before editions were recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class Provenance(StrEnum):
    """Where a finding's evidence comes from, so a reader knows what kind of claim it is.

    `observed`: measured on the wire (a handshake, a response, what an authoritative source
    such as RDAP, DNS or a blocklist answered). `declared`: what the server, its card or the
    registry says about itself, not checked against behaviour. `inferred`: derived by a
    rule or model from other evidence (a poisoning detector, a lookalike rule).
    """

    OBSERVED = "observed"
    DECLARED = "declared"
    INFERRED = "inferred"


@dataclass(frozen=True, slots=True, order=True)
class Reference:
    """One id of one framework; `edition` is None for citations and legacy references."""

    framework: str
    id: str
    edition: str | None = None

    def token(self) -> str:
        """The compact stored form: `OWASP-LLM@2026:LLM03`, or the citation text itself."""
        if self.edition is None:
            return self.id
        return f"{self.framework}@{self.edition}:{self.id}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Edition:
    """One edition of a framework and the ids it defines.

    `titles` maps every id to its title, or to None where the licence forbids shipping text
    (the OWASP MCP Top 10 is CC BY-NC-SA: its ids are cited, nothing else).
    """

    key: str
    framework: str
    edition: str
    name: str
    organization: str
    uri: str
    licence: str
    titles: Mapping[str, str | None]

    def has(self, taxon_id: str) -> bool:
        """Whether the id exists in this edition."""
        return taxon_id in self.titles

    def reference(self, taxon_id: str) -> Reference:
        """A reference to one of this edition's ids."""
        return Reference(self.framework, taxon_id, self.edition)


@dataclass(frozen=True, slots=True, kw_only=True)
class ProbeMapping:
    """What one probe answers to in each framework edition, and its default provenance."""

    probe_id: str
    provenance: Provenance
    references: tuple[Reference, ...]
    source: str
