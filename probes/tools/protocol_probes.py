"""Protocol hygiene seen while listing: malformed JSON-RPC is a finding, not a crash.

The MCP client records every deviation it tolerated (a missing `jsonrpc`, a mismatched id,
a result and an error together, a repeated cursor); this probe reports them once per scan.
"""

from __future__ import annotations

from probes.model import Finding, Severity
from probes.tools.hygiene_probes import SET_SUBJECT
from probes.tools.judging import tools_spec
from probes.tools.observation import ToolsObservation

PROTOCOL_PROBLEM_COUNT = "protocol_problem_count"
FIRST_PROTOCOL_PROBLEM = "first_protocol_problem"
_SHOWN_CHARS = 200

PROTOCOL_VIOLATIONS = tools_spec(
    "mcp_exchange_has_protocol_violations",
    question="Did the endpoint's MCP exchange deviate from JSON-RPC 2.0 or the MCP transport?",
    rationale=(
        "Clients disagree on how to read malformed messages; a server that sends them may be "
        "handled differently by each agent, and sloppiness here predicts sloppiness elsewhere."
    ),
    severity=Severity.LOW,
    remediation="Send well-formed JSON-RPC 2.0 responses as the MCP transport specification says.",
)


def exchange_has_protocol_violations(observation: ToolsObservation) -> list[Finding]:
    """TRUE when the client tolerated any protocol deviation during the handshake or listing."""
    problems = observation.protocol_problems
    evidence = {
        PROTOCOL_PROBLEM_COUNT: len(problems),
        FIRST_PROTOCOL_PROBLEM: problems[0][:_SHOWN_CHARS] if problems else None,
    }
    message = (
        f"The exchange had {len(problems)} protocol deviation(s), first: {problems[0][:120]}"
        if problems
        else "The exchange followed JSON-RPC 2.0 and the MCP transport."
    )
    return [
        PROTOCOL_VIOLATIONS.judged(bool(problems), message, subject=SET_SUBJECT, evidence=evidence)
    ]
