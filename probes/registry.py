"""The one explicit list of probe families; nothing registers itself on import."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from probes.auth.family import AUTH_FAMILY
from probes.domain.family import DOMAIN_FAMILY
from probes.family import FamilySpec
from probes.model import ProbeSpec
from probes.publisher.family import PUBLISHER_FAMILY
from probes.tls.family import TLS_FAMILY
from probes.tools.family import TOOLS_FAMILY

FAMILIES: Final[tuple[FamilySpec[Any], ...]] = (
    TLS_FAMILY,
    DOMAIN_FAMILY,
    AUTH_FAMILY,
    TOOLS_FAMILY,
    PUBLISHER_FAMILY,
)


def catalogue(families: Sequence[FamilySpec[Any]] = FAMILIES) -> Mapping[str, ProbeSpec]:
    """Every spec of the given families by id; duplicate ids are a wiring bug."""
    specs: dict[str, ProbeSpec] = {}
    for family in families:
        for spec in family.specs:
            if spec.id in specs:
                raise ValueError(f"probe id {spec.id} is declared twice")
            specs[spec.id] = spec
    return specs
