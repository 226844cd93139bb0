"""The runner: one family hanging, failing or crashing never sinks the others."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from probes.context import ProbeContext, ProbeLimits
from probes.errors import Unreachable
from probes.family import FamilySpec
from probes.model import (
    AttemptStatus,
    ErrorReason,
    Family,
    Finding,
    Outcome,
    Probe,
    ProbeSpec,
    Severity,
)
from probes.runner import run_families, unreachable_result
from probes.target import Target, parse_endpoint_url

TARGET = Target(
    endpoint=parse_endpoint_url("https://mcp.example.com/mcp"), addresses=("93.184.215.14",)
)


def spec(probe_id: str, family: Family) -> ProbeSpec:
    return ProbeSpec(
        id=probe_id,
        family=family,
        question="Is it bad?",
        rationale="Because.",
        bad_outcome=Outcome.TRUE,
        severity=Severity.HIGH,
        remediation="Fix it.",
    )


def family(
    name: Family, behaviour: str, *, probes: Sequence[str] = ("x_is_bad",)
) -> FamilySpec[str]:
    async def collect(target: Target, ctx: ProbeContext) -> str:
        if behaviour == "hang":
            await asyncio.sleep(3600)
        if behaviour == "unreachable":
            raise Unreachable("connection refused")
        if behaviour == "crash":
            raise ZeroDivisionError
        return "bad"

    def judge_for(s: ProbeSpec) -> Probe[str]:
        def judge(observation: str) -> list[Finding]:
            if behaviour == "probe-crash":
                raise KeyError(observation)
            if behaviour == "probe-silent":
                return []
            return [s.judged(observation == "bad", f"It is {observation}.")]

        return Probe(s, judge)

    specs = [spec(f"{name.value}_{p}", name) for p in probes]
    return FamilySpec(name, collect, tuple(judge_for(s) for s in specs))


def ctx() -> ProbeContext:
    return ProbeContext(limits=ProbeLimits(family_budget_s=0.2))


async def test_every_failure_becomes_an_attempt_and_others_complete() -> None:
    families: list[FamilySpec[Any]] = [
        family(Family.TLS, "ok"),
        family(Family.DOMAIN, "hang"),
        family(Family.AUTH, "unreachable"),
        family(Family.TOOLS, "crash"),
    ]
    result = await run_families(TARGET, ctx(), families)
    by_family = {a.family: a for a in result.attempts}
    assert by_family[Family.TLS].status is AttemptStatus.COMPLETED
    assert by_family[Family.DOMAIN].reason is ErrorReason.TIMEOUT
    assert "0.2 s budget" in by_family[Family.DOMAIN].detail
    assert by_family[Family.AUTH].reason is ErrorReason.UNREACHABLE
    assert by_family[Family.AUTH].detail == "connection refused"
    assert by_family[Family.TOOLS].reason is ErrorReason.BUG
    outcomes = {f.probe_id: f.outcome for f in result.findings}
    assert outcomes == {
        "tls_x_is_bad": Outcome.TRUE,
        "domain_x_is_bad": Outcome.NOT_AVAILABLE,
        "auth_x_is_bad": Outcome.NOT_AVAILABLE,
        "tools_x_is_bad": Outcome.ERROR,
    }


async def test_failed_family_still_yields_one_finding_per_spec() -> None:
    fam = family(Family.DOMAIN, "unreachable", probes=("a_is_bad", "b_is_bad", "c_is_bad"))
    result = await run_families(TARGET, ctx(), [fam])
    assert [f.probe_id for f in result.findings] == [
        "domain_a_is_bad",
        "domain_b_is_bad",
        "domain_c_is_bad",
    ]
    assert all(f.remediation is None for f in result.findings)


async def test_a_probe_that_crashes_or_answers_nothing_yields_error() -> None:
    result = await run_families(
        TARGET, ctx(), [family(Family.TLS, "probe-crash"), family(Family.DOMAIN, "probe-silent")]
    )
    assert all(a.status is AttemptStatus.COMPLETED for a in result.attempts)
    assert [f.outcome for f in result.findings] == [Outcome.ERROR, Outcome.ERROR]


def test_unresolvable_host_marks_every_family_unreachable() -> None:
    result = unreachable_result([family(Family.TLS, "ok"), family(Family.DOMAIN, "ok")], "NXDOMAIN")
    assert [(a.reason, a.detail) for a in result.attempts] == [
        (ErrorReason.UNREACHABLE, "NXDOMAIN"),
        (ErrorReason.UNREACHABLE, "NXDOMAIN"),
    ]
    assert {f.outcome for f in result.findings} == {Outcome.NOT_AVAILABLE}
