"""Probes over what the handshake declared: extensions, and features the spec has deprecated.

Both read the handshake that listed (the scan's shared one): its wire generation and its
declared capabilities. Both are informational: they cost no points, and say what an
integrator should know and, for deprecated features, by when to move.

Deprecation dates are the MCP registry's (specification/2026-07-28/deprecated, SEP-2596):
Roots, Sampling and Logging were deprecated in 2026-07-28 (SEP-2577), earliest removal the
first revision released on or after 2027-07-28; the HTTP+SSE transport was deprecated in
2025-03-26 and SEP-2596 reclassified it under the 2026-07-28 lifecycle policy (earliest
removal three months after SEP-2596 is Final). Roots and Sampling are client features: a
server uses them by sending `roots/list` or `sampling/createMessage`, which a passive probe
never provokes, so they are reported only when a server declares them among its own
capabilities. Logging is a server capability, and HTTP+SSE is the generation that answered.
"""

from __future__ import annotations

from probes.auth.judging import (
    AUTH_EXTENSIONS,
    DEPRECATED_FEATURES,
    DEPRECATED_IN,
    EARLIEST_REMOVAL,
    EXTENSIONS,
    MCP_GENERATION,
    SERVER_CAPABILITIES,
    auth_spec,
    joined,
    judged,
    not_available,
)
from probes.auth.observation import AuthObservation, Handshake
from probes.model import Evidence, Finding, Severity

# feature -> (capability or generation that shows it, deprecated in, earliest removal)
DEPRECATIONS: dict[str, tuple[str, str, str]] = {
    "HTTP+SSE transport": ("legacy_sse", "2025-03-26", "three months after SEP-2596 is Final"),
    "Logging": ("logging", "2026-07-28", "first revision on or after 2027-07-28"),
    "Roots": ("roots", "2026-07-28", "first revision on or after 2027-07-28"),
    "Sampling": ("sampling", "2026-07-28", "first revision on or after 2027-07-28"),
}
AUTH_EXTENSION_PREFIXES = (
    "io.modelcontextprotocol/oauth-client-credentials",
    "io.modelcontextprotocol/enterprise-managed-authorization",
)

EXTENSIONS_DECLARED = auth_spec(
    "mcp_server_declares_extensions",
    question="Does the server list extensions under capabilities.extensions (MCP 2026-07-28)?",
    rationale=(
        "Extensions (SEP-2133) add behaviour outside the core specification, including the "
        "ext-auth ones that change how clients obtain tokens; a reviewer should know which "
        "are on. Info: declaring one is legitimate; the list is what the finding is for."
    ),
    severity=Severity.INFO,
    remediation="Nothing to fix; keep the declared extensions to those the server implements.",
    references=("MCP 2026-07-28", "SEP-2133"),
)
DEPRECATED_OFFERED = auth_spec(
    "mcp_server_offers_deprecated_features",
    question=(
        "Does the endpoint still offer a deprecated feature: the HTTP+SSE transport, or the "
        "Logging, Roots or Sampling capability?"
    ),
    rationale=(
        "Under the MCP feature lifecycle (SEP-2596) a Deprecated feature keeps working for at "
        "least twelve months after 2026-07-28 and then becomes eligible for removal; clients "
        "built on newer revisions may stop speaking it. Info: nothing is unsafe yet; the "
        "evidence gives each feature's deprecation and earliest removal."
    ),
    severity=Severity.INFO,
    remediation=(
        "Move to Streamable HTTP; log to stderr or OpenTelemetry instead of the Logging "
        "capability; pass directories and model access through tool parameters and provider "
        "APIs instead of Roots and Sampling."
    ),
    references=("MCP 2026-07-28", "SEP-2596", "SEP-2577"),
)


def _handshake(observation: AuthObservation) -> Handshake | None:
    """The handshake whose initialize (or server/discover) succeeded, credentialed second."""
    for handshake in (observation.unauthenticated, observation.credentialed):
        if handshake is not None and handshake.initialize.ok and handshake.generation:
            return handshake
    return None


def server_declares_extensions(observation: AuthObservation) -> list[Finding]:
    """TRUE when capabilities.extensions lists any extension; NOT_AVAILABLE unseen."""
    spec = EXTENSIONS_DECLARED
    if observation.server_capabilities is None:
        return not_available(spec, observation, "No handshake reported the capabilities.")
    extensions = observation.extensions
    auth = [e for e in extensions if e.startswith(AUTH_EXTENSION_PREFIXES)]
    evidence: Evidence = {EXTENSIONS: joined(extensions), AUTH_EXTENSIONS: joined(auth)}
    if extensions:
        message = f"The server declares {len(extensions)} extension(s): {joined(extensions)[:200]}."
        return judged(spec, observation, message, evidence, bad=True)
    return judged(spec, observation, "The server declares no extensions.", evidence, bad=False)


def server_offers_deprecated_features(observation: AuthObservation) -> list[Finding]:
    """TRUE when the generation is HTTP+SSE or a deprecated capability is declared."""
    spec = DEPRECATED_OFFERED
    handshake = _handshake(observation)
    capabilities = observation.server_capabilities
    if handshake is None or capabilities is None:
        return not_available(
            spec, observation, "No handshake reported generation and capabilities."
        )
    shown = {handshake.generation or "", *capabilities}
    offered = [feature for feature, (sign, _, _) in DEPRECATIONS.items() if sign in shown]
    evidence: Evidence = {
        MCP_GENERATION: handshake.generation,
        SERVER_CAPABILITIES: joined(capabilities),
        DEPRECATED_FEATURES: joined(offered),
        DEPRECATED_IN: joined(f"{f}={DEPRECATIONS[f][1]}" for f in offered),
        EARLIEST_REMOVAL: joined(f"{f}={DEPRECATIONS[f][2]}" for f in offered),
    }
    if offered:
        dates = "; ".join(f"{f} deprecated in {DEPRECATIONS[f][1]}" for f in offered)
        message = f"The endpoint still offers deprecated features: {dates}."
        return judged(spec, observation, message, evidence, bad=True)
    message = "The endpoint offers none of the deprecated transports or capabilities."
    return judged(spec, observation, message, evidence, bad=False)
