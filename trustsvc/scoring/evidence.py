"""The `evidence.none` gate: nothing about the endpoint itself was measured.

A closed port, a name that does not resolve or a failed TLS handshake leaves every probe of
the families that talk to the endpoint NOT_AVAILABLE (or ERROR). Without this gate such a
scan scored the neutral prior ("50 ? warn", "problems: none found") and passed
`--fail-on block`. The gate's reason is the headline, "could not assess: <why>", in plain
words taken from the failed collection's message (the runner writes it as "Not measured:
FAMILY collection failed (REASON): DETAIL"). Pure over findings, like the rest of scoring.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from probes.model import Finding, Outcome, ProbeSpec
from trustsvc.scoring.policy import ScoringPolicy
from trustsvc.scoring.types import UNKNOWN_GRADE, Gate, Verdict

NO_EVIDENCE_GATE = "evidence.none"
HEADLINE_PREFIX = "could not assess: "
_UNANSWERED = (Outcome.NOT_AVAILABLE, Outcome.ERROR)
_FAILED = re.compile(r"^Not measured: (?P<family>\w+) collection failed \((?P<reason>\w+)\): ")
# A dotted Python class name the libraries put in their messages (sslyze.errors.X: ...).
_CLASS_NAME = re.compile(r"\b[a-z_]+(?:\.[a-z_]+)+\.[A-Z]\w*: ?")
_PLAIN = {
    "unreachable": "the endpoint could not be reached",
    "timeout": "the endpoint did not answer in time",
    "tls_handshake_failed": "the TLS handshake failed",
    "protocol_error": "the endpoint did not speak the expected protocol",
    "response_too_large": "the endpoint's answers were too large to read",
    "refused_by_policy": "the network policy refused the connection",
    "bug": "the probes failed (a bug; see the attempts)",
}
MAX_DETAIL = 160


def no_evidence_gate(
    findings: Sequence[Finding], catalogue: Mapping[str, ProbeSpec], policy: ScoringPolicy
) -> Gate | None:
    """The gate when no probe of an endpoint family answered; None when one did.

    A catalogue without endpoint families (a test's own tuple) never fires it.
    """
    families = set(policy.endpoint_families)
    endpoint = [
        f for f in findings if f.probe_id in catalogue and catalogue[f.probe_id].family in families
    ]
    if not endpoint or any(f.outcome not in _UNANSWERED for f in endpoint):
        return None
    return Gate(
        id=NO_EVIDENCE_GATE,
        cap=UNKNOWN_GRADE,
        verdict=Verdict.WARN,
        reason=HEADLINE_PREFIX + unmeasured_reason(endpoint),
    )


def unmeasured_reason(findings: Sequence[Finding]) -> str:
    """Why nothing was measured, from the first failed collection's message, in plain words."""
    for finding in findings:
        if match := _FAILED.match(finding.message):
            plain = _PLAIN.get(match["reason"], f"{match['family']} collection failed")
            detail = _CLASS_NAME.sub("", finding.message[match.end() :]).strip().rstrip(".")
            if len(detail) > MAX_DETAIL:
                detail = detail[:MAX_DETAIL] + "..."
            return f"{plain} ({detail})" if detail else plain
    return "none of the endpoint's probes gave an answer"
