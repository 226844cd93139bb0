"""Run the auth family against a URL and index its findings by probe id."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from ipaddress import ip_network

from probes.auth.classify import classify_auth
from probes.auth.collect import collect_auth
from probes.auth.family import AUTH_FAMILY
from probes.auth.observation import AuthModel, AuthObservation
from probes.context import ProbeContext, ProbeLimits
from probes.model import Finding, Outcome
from probes.netpolicy import NetworkPolicy
from probes.runner import judge_observation
from probes.target import Target, parse_endpoint_url

T, F = Outcome.TRUE, Outcome.FALSE
# Loopback only: every URL in these tests is an IP literal, so nothing is ever resolved.
LOOPBACK = NetworkPolicy(allowed_networks=(ip_network("127.0.0.0/8"),))
LIMITS = ProbeLimits(family_budget_s=20.0, network_timeout_s=3.0, request_timeout_s=5.0)

ContextFactory = Callable[..., ProbeContext]
"""make_ctx(extra_headers=None): a loopback-only context trusting the lab CA."""
NA, NAV = Outcome.NOT_APPLICABLE, Outcome.NOT_AVAILABLE


@dataclass(frozen=True, slots=True)
class Assessed:
    """One collection and its judgement."""

    observation: AuthObservation
    findings: Mapping[str, Finding]

    @property
    def model(self) -> AuthModel:
        """The classified auth model."""
        return classify_auth(self.observation)

    def outcome(self, probe_id: str) -> Outcome:
        """The outcome of one probe."""
        return self.findings[probe_id].outcome

    def outcomes(self) -> dict[str, Outcome]:
        """Every probe's outcome, with the common "auth_" prefix dropped for readable diffs."""
        return {pid.removeprefix("auth_"): f.outcome for pid, f in self.findings.items()}


async def assess(url: str, ctx: ProbeContext) -> Assessed:
    """Collect from a loopback URL (no resolution) and judge with every auth probe."""
    target = Target(endpoint=parse_endpoint_url(url), addresses=("127.0.0.1",))
    observation = await collect_auth(target, ctx)
    findings = judge_observation(AUTH_FAMILY, observation)
    return Assessed(observation, {f.probe_id: f for f in findings})
