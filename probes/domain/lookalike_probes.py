"""The lookalike probe: is the endpoint's registrable domain a permutation of a trusted one?

Judged from a small frozen observation (the lexical verdict), so a stored observation can be
re-judged, and the network facts (the trusted domain being older, a different registrar or
name servers, scoring.md section 8.2.3) can be added to it when the domain family collects them.
"""

from __future__ import annotations

from probes.domain.judging import domain_spec
from probes.domain.lookalike_observation import LookalikeObservation
from probes.model import Finding, Outcome, Severity

LOOKALIKE_OF = "lookalike_of"
TECHNIQUE = "technique"
ENGINE = "engine"
REGISTRABLE_DOMAIN = "registrable_domain"
TRUSTED_COUNT = "trusted_domains"

LOOKALIKE = domain_spec(
    "domain_is_lookalike_of_trusted_domain",
    question=(
        "Is the endpoint's registrable domain a typo, homoglyph (Unicode or ASCII look-alikes "
        "such as rn for m), TLD swap, brand-plus-generic-words or subdomain-trick permutation "
        "of a trusted domain, without being that domain or one of its brand's own?"
    ),
    rationale=(
        "Squatters register permutations of well-known names (npnjs.com, pypj.org, "
        "github.com.evil.io) so that a user or an agent configuring an MCP server trusts the "
        "brand they think they read. High: a lexical match alone can hit an innocent neighbour, "
        "so the cap (domain.lookalike, D) waits for the registration facts."
    ),
    severity=Severity.HIGH,
    remediation=(
        "Connect to the publisher's real domain; if this domain is yours, add it to the "
        "operator's trusted list."
    ),
    references=("CAPEC-630", "CAPEC-632", "ATT&CK-T1583.001"),
    bad=Outcome.TRUE,
)


def domain_is_lookalike_of_trusted_domain(observation: LookalikeObservation) -> list[Finding]:
    """TRUE when a trusted domain was matched; not applicable without a registrable domain."""
    registrable = observation.registrable_domain
    if registrable is None and observation.lookalike_of is not None:
        # A trusted name left of an apex the public suffix list lacks (`claude.ai.zzz`).
        message = (
            f"{observation.domain} carries the trusted domain {observation.lookalike_of} "
            f"left of a suffix the public suffix list does not know ({observation.technique})."
        )
        evidence = {
            REGISTRABLE_DOMAIN: None,
            LOOKALIKE_OF: observation.lookalike_of,
            TECHNIQUE: observation.technique,
            ENGINE: observation.engine,
            TRUSTED_COUNT: observation.trusted_count,
        }
        return [
            LOOKALIKE.judged(
                True,  # noqa: FBT003 - judged(bad, ...) as below
                message,
                subject=f"domain:{observation.domain}",
                evidence=evidence,
            )
        ]
    if registrable is None:
        message = "The host is an IP literal or has no registrable domain: no domain to compare."
        return [LOOKALIKE.finding(Outcome.NOT_APPLICABLE, message, subject=observation.domain)]
    evidence = {
        REGISTRABLE_DOMAIN: registrable,
        LOOKALIKE_OF: observation.lookalike_of,
        TECHNIQUE: observation.technique,
        ENGINE: observation.engine,
        TRUSTED_COUNT: observation.trusted_count,
    }
    subject = f"domain:{registrable}"
    if observation.lookalike_of is not None:
        message = (
            f"{registrable} looks like the trusted domain {observation.lookalike_of} "
            f"({observation.technique})."
        )
        bad = True
    else:
        message = (
            f"{registrable} is not a permutation of any of "
            f"{observation.trusted_count} trusted domains."
        )
        bad = False
    return [LOOKALIKE.judged(bad, message, subject=subject, evidence=evidence)]
