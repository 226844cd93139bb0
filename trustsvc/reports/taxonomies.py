"""SARIF taxonomies: one toolComponent per framework edition, taxa referenced by index.

A log carries only the taxa its rules point at (`isComprehensive: false`), in the order of
the editions table, so two exports of the same findings are byte-identical. A reference the
edition table does not know (a citation, a legacy string) gets no taxonomy: it is listed in
the rule's `citations` property instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from probes.frameworks import Edition, Reference, edition_of, editions


class Taxonomies:
    """Collects the taxa rules refer to, then renders `run.taxonomies` and references."""

    def __init__(self) -> None:
        self._used: dict[str, set[str]] = {}

    def __bool__(self) -> bool:
        return bool(self._used)

    def relationships(self, references: Iterable[Reference]) -> list[dict[str, Any]]:
        """A rule's relationships to its taxa (collected now, indexed once all are known).

        The taxon is broader than the rule (a CWE or an OWASP risk is a class of problems
        this probe detects one of), hence `superset`.
        """
        pinned = [(edition_of(r), r) for r in references]
        found = [(edition, r) for edition, r in pinned if edition is not None]
        for edition, ref in found:
            self._used.setdefault(edition.key, set()).add(ref.id)
        return [
            {
                "target": {"id": ref.id, "toolComponent": {"name": edition.framework}},
                "kinds": ["superset"],
                "_edition": edition.key,
            }
            for edition, ref in found
        ]

    def _order(self) -> list[Edition]:
        return [e for key, e in editions().items() if key in self._used]

    def components(self) -> list[dict[str, Any]]:
        """`run.taxonomies`: each used edition with the taxa that were referenced."""
        return [
            {
                "name": edition.framework,
                "version": edition.edition,
                "organization": edition.organization,
                "fullName": f"{edition.name} {edition.edition}",
                "informationUri": edition.uri,
                "shortDescription": {"text": f"{edition.name}, edition {edition.edition}"},
                "isComprehensive": False,
                "taxa": [_taxon(edition, taxon_id) for taxon_id in self._taxa(edition)],
            }
            for edition in self._order()
        ]

    def references(self) -> list[dict[str, Any]]:
        """`driver.supportedTaxonomies`: a reference to each taxonomy of the run."""
        return [{"name": e.framework, "index": i} for i, e in enumerate(self._order())]

    def _taxa(self, edition: Edition) -> list[str]:
        return sorted(self._used[edition.key], key=_natural)

    def resolve(self, rules: list[dict[str, Any]]) -> None:
        """Fill in the indexes of every relationship now that the taxonomies are final."""
        position = {e.key: i for i, e in enumerate(self._order())}
        taxon_index = {
            e.key: {taxon: i for i, taxon in enumerate(self._taxa(e))} for e in self._order()
        }
        for rule in rules:
            for relationship in rule.get("relationships", []):
                key = relationship.pop("_edition")
                target = relationship["target"]
                target["index"] = taxon_index[key][target["id"]]
                target["toolComponent"]["index"] = position[key]


def _taxon(edition: Edition, taxon_id: str) -> dict[str, Any]:
    title = edition.titles.get(taxon_id)
    taxon: dict[str, Any] = {"id": taxon_id}
    if title is not None:
        taxon["shortDescription"] = {"text": title}
    return taxon


def _natural(taxon_id: str) -> tuple[str, ...]:
    """CWE-20 before CWE-200, MCP-T2 before MCP-T10: digits compare as numbers."""
    return tuple(part.zfill(8) if part.isdigit() else part for part in re.split(r"(\d+)", taxon_id))
