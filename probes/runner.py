"""Run probe families concurrently, each under its budget, and never let one sink another.

Every family ends as an Attempt. A family that did not complete still yields one finding per
spec (NOT_AVAILABLE for target or source trouble, ERROR for a bug), so scoring always sees
the full expected set and an unmeasured probe lowers confidence instead of vanishing.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from probes.context import ProbeContext
from probes.errors import ProbeError
from probes.family import FamilySpec
from probes.mcp.shared import ScanContext, SharedMcp
from probes.model import Attempt, AttemptStatus, ErrorReason, Family, Finding, Outcome
from probes.target import Target

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class RunResult:
    """Attempts (one per family) and findings (at least one per spec) of one run.

    `observations` holds what each completed family collected, so the scan service can
    fingerprint the surfaces (drift) without a second round of network exchanges.
    """

    attempts: tuple[Attempt, ...]
    findings: tuple[Finding, ...]
    observations: Mapping[Family, object] = field(default_factory=dict)


async def run_families(
    target: Target, ctx: ProbeContext, families: Sequence[FamilySpec[Any]]
) -> RunResult:
    """Collect and judge every family concurrently; failures become data.

    The families that speak MCP share one handshake and listing per scan (`SharedMcp`, handed
    down in a `ScanContext`); it closes when every family has ended.
    """
    async with SharedMcp(target, ctx) as mcp:
        scan_ctx = ScanContext.of(ctx, mcp)
        results = await asyncio.gather(*(_run_family(target, scan_ctx, fam) for fam in families))
    attempts = tuple(attempt for attempt, _, _ in results)
    findings = tuple(finding for _, found, _ in results for finding in found)
    observations = {
        fam.family: observation
        for fam, (_, _, observation) in zip(families, results, strict=True)
        if observation is not None
    }
    return RunResult(attempts=attempts, findings=findings, observations=observations)


async def _run_family(
    target: Target, ctx: ProbeContext, family: FamilySpec[Any]
) -> tuple[Attempt, list[Finding], object | None]:
    started = time.perf_counter()

    def attempt(status: AttemptStatus, reason: ErrorReason | None, detail: str) -> Attempt:
        elapsed_ms = round((time.perf_counter() - started) * 1000)
        return Attempt(
            family=family.family, status=status, reason=reason, detail=detail, elapsed_ms=elapsed_ms
        )

    try:
        async with asyncio.timeout(ctx.limits.family_budget_s):
            observation = await family.collect(target, ctx)
    except TimeoutError:
        detail = f"no result within the {ctx.limits.family_budget_s:g} s budget"
        return (*_failed(family, attempt(AttemptStatus.ERROR, ErrorReason.TIMEOUT, detail)), None)
    except ProbeError as exc:
        return (*_failed(family, attempt(AttemptStatus.ERROR, exc.reason, exc.detail)), None)
    except Exception as exc:
        log.exception("collector for %s failed on %s", family.family, target.url)
        detail = f"internal error: {type(exc).__name__}"
        return (*_failed(family, attempt(AttemptStatus.ERROR, ErrorReason.BUG, detail)), None)
    # Judging is pure CPU and a hostile listing makes it long (1000 tools, 512 KiB
    # descriptions: ~0.4 s); in a thread the event loop keeps serving meanwhile.
    findings = await asyncio.to_thread(judge_observation, family, observation)
    return attempt(AttemptStatus.COMPLETED, None, "completed"), findings, observation


def judge_observation(family: FamilySpec[Any], observation: object) -> list[Finding]:
    """Run every probe of the family on one observation; a probe that fails yields ERROR."""
    findings: list[Finding] = []
    for probe in family.probes:
        try:
            found = list(probe.judge(observation))
        except Exception:
            log.exception("probe %s failed", probe.spec.id)
            found = []
        if not found or any(f.probe_id != probe.spec.id for f in found):
            found = [probe.spec.finding(Outcome.ERROR, "The probe failed to judge the evidence.")]
        findings.extend(found)
    return findings


def _failed(family: FamilySpec[Any], attempt: Attempt) -> tuple[Attempt, list[Finding]]:
    outcome = Outcome.ERROR if attempt.reason is ErrorReason.BUG else Outcome.NOT_AVAILABLE
    message = (
        f"Not measured: {family.family} collection failed ({attempt.reason}): {attempt.detail}"
    )
    findings = [spec.finding(outcome, message) for spec in family.specs]
    return attempt, findings


def unreachable_result(families: Sequence[FamilySpec[Any]], detail: str) -> RunResult:
    """The result for a host that could not be resolved: every family unreachable."""
    pairs = [
        _failed(
            fam,
            Attempt(
                family=fam.family,
                status=AttemptStatus.ERROR,
                reason=ErrorReason.UNREACHABLE,
                detail=detail,
                elapsed_ms=0,
            ),
        )
        for fam in families
    ]
    return RunResult(
        attempts=tuple(a for a, _ in pairs), findings=tuple(f for _, fs in pairs for f in fs)
    )
