"""The assurance verdict's wire form (part of the scan report)."""

from __future__ import annotations

import msgspec


class RequirementDoc(msgspec.Struct, kw_only=True):
    """One server-side control of a level and whether this scan shows it in place.

    `status` is `met`, `unmet` (a probe's bad outcome) or `not_measured` (no probe for it
    yet, or this scan could not measure it).
    """

    id: str
    control: str
    basis: str
    status: str
    reason: str
    probe_ids: list[str]


class LevelDoc(msgspec.Struct, kw_only=True):
    """One assurance level and the requirements of it that are not met."""

    level: str
    alias: str
    met: bool
    unmet: list[RequirementDoc]


class AssuranceDoc(msgspec.Struct, kw_only=True):
    """The highest CoSAI level (L1-L4) the measured posture could serve, or null for none.

    Levels are cumulative: L2 is served only when L1 is. Controls only the deployment can
    show (approvals, gateways, logging) are not judged here; see docs/assurance.md.
    """

    profile: str
    profile_version: str
    level: str | None
    levels: list[LevelDoc]
