"""A probe family: one collector and the pure probes that judge its observation."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic

from probes.context import ProbeContext
from probes.model import Family, ObsT, Probe, ProbeSpec
from probes.target import Target

Collect = Callable[[Target, ProbeContext], Awaitable[ObsT]]


@dataclass(frozen=True, slots=True)
class FamilySpec(Generic[ObsT]):
    """Everything the runner needs to run one family; listed explicitly in probes.registry."""

    family: Family
    collect: Collect[ObsT]
    probes: tuple[Probe[ObsT], ...]

    @property
    def specs(self) -> tuple[ProbeSpec, ...]:
        """The specs of this family, in declaration order."""
        return tuple(probe.spec for probe in self.probes)
