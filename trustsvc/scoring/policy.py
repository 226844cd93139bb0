"""The scoring policy: weights, bands, thresholds and gates as one frozen, versioned value.

Every stored score records `POLICY.version`, so history stays comparable and stored findings
can be re-scored under a newer policy. Anchors: SSL Labs guide 2009r (caps), OpenSSF Scorecard
(risk weights, inconclusive excluded), BitSight (neutral prior); see
shared/reference/scoring.md sections 1 and 8.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from probes.model import Family
from probes.tools.classifier import MODEL_VERSION
from trustsvc.scoring.types import Dimension, Verdict


@dataclass(frozen=True, slots=True, kw_only=True)
class GateRule:
    """Fires when any of its probes gives its bad outcome (and one of `also_requires`, if set).

    `also_requires` expresses conditions that span families, such as open access together
    with a destructive tool.
    """

    id: str
    summary: str
    probe_ids: frozenset[str]
    cap: str
    verdict: Verdict | None = None
    also_requires: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True, kw_only=True)
class ScoringPolicy:
    """Everything that turns findings into a score; changing any value means a new version.

    Attributes:
        weights: risk weight of each dimension (Scorecard vocabulary: critical 10 ... ).
        sources: which probe family feeds each dimension; a dimension without one is
            inconclusive until its family lands.
        neutral_prior: the score unmeasured weight is pulled toward (BitSight's "default C").
        grade_floors: lowest published score for each letter, best first.
        cap_ceilings: highest published score a capped grade may show, so score and grade
            never disagree.
        min_confidence_for_grade: below it the grade is "?" unless an F gate fired.
        min_confidence_for_allow: below it the verdict is at most "warn".
        severity_deductions: points a bad finding costs in a dimension scored by deduction.
        tls_grade_ceilings: the transport score's ceiling for each SSL Labs-style sub-grade.
        endpoint_families: the families that talk to the endpoint itself; when none of their
            probes gives an answer nothing about the endpoint was measured, and the
            `evidence.none` gate says why ("could not assess: ...").
    """

    version: str
    weights: Mapping[Dimension, float]
    sources: Mapping[Dimension, tuple[Family, ...]]
    neutral_prior: float
    grade_floors: tuple[tuple[str, float], ...]
    cap_ceilings: Mapping[str, float]
    min_confidence_for_grade: float
    min_confidence_for_allow: float
    min_confidence_for_top_grade: float
    severity_deductions: Mapping[str, float]
    tls_grade_ceilings: Mapping[str, float]
    gates: tuple[GateRule, ...]
    endpoint_families: tuple[Family, ...] = (Family.TLS, Family.AUTH, Family.TOOLS)


_TLS_GATES = (
    GateRule(
        id="tls.plaintext",
        summary="the endpoint is served over plaintext HTTP",
        probe_ids=frozenset({"tls_endpoint_uses_plaintext_http"}),
        cap="F",
        verdict=Verdict.BLOCK,
    ),
    GateRule(
        id="tls.untrusted",
        summary="the certificate cannot be trusted",
        probe_ids=frozenset(
            {
                "tls_certificate_untrusted",
                "tls_certificate_expired",
                "tls_certificate_not_yet_valid",
                "tls_certificate_self_signed",
                "tls_certificate_signature_weak_hash",
            }
        ),
        cap="F",
        verdict=Verdict.BLOCK,
    ),
    GateRule(
        id="tls.name_mismatch",
        summary="the certificate does not name this host",
        probe_ids=frozenset({"tls_certificate_hostname_mismatch"}),
        cap="F",
        verdict=Verdict.BLOCK,
    ),
    GateRule(
        id="tls.broken",
        summary="the TLS configuration is broken",
        probe_ids=frozenset(
            {
                "tls_sslv2_offered",
                "tls_null_cipher_accepted",
                "tls_anonymous_cipher_accepted",
                "tls_export_cipher_accepted",
                "tls_cipher_under_112_bits_accepted",
                "tls_vulnerable_to_heartbleed",
                "tls_vulnerable_to_robot",
                "tls_vulnerable_to_ccs_injection",
                "tls_secure_renegotiation_supported",
            }
        ),
        cap="F",
        verdict=Verdict.BLOCK,
    ),
    GateRule(
        id="tls.c_class",
        summary="the TLS configuration is outdated",
        probe_ids=frozenset(
            {
                "tls_1_2_supported",
                "tls_64bit_block_cipher_accepted",
                "tls_compression_enabled",
            }
        ),
        cap="C",
        verdict=Verdict.WARN,
    ),
    GateRule(
        id="tls.b_class",
        summary="the TLS configuration has a weakness",
        probe_ids=frozenset(
            {
                "tls_sslv3_offered",
                "tls_1_0_offered",
                "tls_1_1_offered",
                "tls_forward_secrecy_supported",
                "tls_aead_supported",
                "tls_rc4_cipher_accepted",
                "tls_certificate_key_too_weak",
                "tls_certificate_chain_incomplete",
            }
        ),
        cap="B",
    ),
    GateRule(
        id="tls.warning",
        summary="the TLS configuration falls short of current guidance",
        probe_ids=frozenset(
            {
                "tls_1_3_supported",
                "tls_hsts_enforced",
                "tls_certificate_expires_within_30_days",
            }
        ),
        cap="A-",
    ),
)

_AUTH_GATES = (
    GateRule(
        id="auth.origin_unchecked",
        summary="the endpoint accepts requests from any web origin (DNS rebinding, CSRF)",
        probe_ids=frozenset({"auth_bogus_origin_accepted"}),
        cap="B",
    ),
    GateRule(
        id="auth.none_destructive",
        summary="anyone can call a destructive tool: the endpoint asks for no credentials",
        probe_ids=frozenset({"auth_endpoint_open_without_credentials"}),
        also_requires=frozenset({"tool_capability_is_destructive"}),
        cap="C",
        verdict=Verdict.WARN,
    ),
)

_TOOLS_GATES = (
    GateRule(
        id="tools.poisoning",
        summary="a tool definition carries instructions aimed at the agent, not the user",
        probe_ids=frozenset(
            {
                "tool_definition_contains_hidden_instructions",
                "tool_definition_contains_invisible_unicode",
                "tool_definition_contains_invalid_characters",
                "tool_definition_shadows_other_tools",
                "tool_description_contradicts_schema",
            }
        ),
        cap="F",
        verdict=Verdict.BLOCK,
    ),
    GateRule(
        id="tools.cloaking",
        summary="the server lists other tools to widely used clients than to the scanner",
        probe_ids=frozenset({"tools_differ_by_client"}),
        cap="F",
        verdict=Verdict.BLOCK,
    ),
)

# Domain signals alone never block, except a malware or phishing listing (issue 4).
_DOMAIN_GATES = (
    GateRule(
        id="domain.dbl_malicious",
        summary="the domain is listed for phishing, malware or botnet control",
        probe_ids=frozenset({"domain_listed_as_malicious"}),
        cap="F",
        verdict=Verdict.BLOCK,
    ),
    GateRule(
        id="domain.new_7d",
        summary="the domain was registered (or changed hands) less than a week ago",
        probe_ids=frozenset({"domain_registered_within_7_days"}),
        cap="D",
        verdict=Verdict.WARN,
    ),
    GateRule(
        id="domain.lookalike",
        summary="a young domain imitates a trusted one",
        probe_ids=frozenset({"domain_is_lookalike_of_trusted_domain"}),
        also_requires=frozenset({"domain_registered_within_90_days"}),
        cap="D",
        verdict=Verdict.WARN,
    ),
    GateRule(
        id="domain.new_30d",
        summary="the domain was registered (or changed hands) less than 30 days ago",
        probe_ids=frozenset({"domain_registered_within_30_days"}),
        cap="C",
        verdict=Verdict.WARN,
    ),
    GateRule(
        id="domain.dbl_lowrep_or_abused",
        summary="a blocklist reports the domain as low-reputation or abused",
        probe_ids=frozenset({"domain_listed_as_low_reputation"}),
        cap="C",
        verdict=Verdict.WARN,
    ),
    GateRule(
        id="domain.lookalike_unconfirmed",
        summary="the domain's name imitates a trusted domain",
        probe_ids=frozenset({"domain_is_lookalike_of_trusted_domain"}),
        cap="B",
        verdict=Verdict.WARN,
    ),
)

_REGISTRY_GATES = (
    GateRule(
        id="registry.deleted",
        summary="the upstream registry deleted the server (malware, spam or illegal content)",
        probe_ids=frozenset({"publisher_server_deleted"}),
        cap="F",
        verdict=Verdict.BLOCK,
    ),
    GateRule(
        id="advisory.critical_fixed",
        summary="the endpoint runs a package version with a critical advisory that is fixed",
        probe_ids=frozenset({"package_has_critical_vulnerability_with_fix"}),
        cap="D",
        verdict=Verdict.WARN,
    ),
    GateRule(
        id="registry.deprecated",
        summary="the publisher deprecated the server",
        probe_ids=frozenset({"publisher_server_deprecated"}),
        cap="C",
        verdict=Verdict.WARN,
    ),
)

POLICY = ScoringPolicy(
    # The tools model's version is part of the policy: a retrained model is a new policy.
    # 2026.12.2: the evidence.none gate (nothing about the endpoint measured).
    # 2026.12.3: the tools.cloaking gate, and tool_definition_contains_invalid_characters
    # joins the tools.poisoning gate.
    # 2026.12.4: issue 18's new probes count: registry hygiene and server cards
    # (provenance), the 2026-07-28 schema probes (capabilities), RFC 9207 and machine
    # grants with shared secrets (access deductions).
    version=f"2026.12.4+{MODEL_VERSION}",
    weights=MappingProxyType(
        {
            Dimension.CAPABILITIES: 25.0,
            Dimension.IDENTITY: 20.0,
            Dimension.ACCESS: 20.0,
            Dimension.TRANSPORT: 20.0,
            Dimension.PROVENANCE: 10.0,
            Dimension.STABILITY: 5.0,
        }
    ),
    sources=MappingProxyType(
        {
            Dimension.TRANSPORT: (Family.TLS,),
            Dimension.IDENTITY: (Family.DOMAIN,),
            Dimension.ACCESS: (Family.AUTH,),
            Dimension.CAPABILITIES: (Family.TOOLS,),
            Dimension.PROVENANCE: (Family.PUBLISHER,),
            Dimension.STABILITY: (),
        }
    ),
    neutral_prior=50.0,
    grade_floors=(("A", 85.0), ("B", 70.0), ("C", 55.0), ("D", 40.0), ("F", 0.0)),
    cap_ceilings=MappingProxyType(
        {"A+": 100.0, "A": 100.0, "A-": 100.0, "B": 84.0, "C": 69.0, "D": 54.0, "F": 39.0}
    ),
    min_confidence_for_grade=0.4,
    min_confidence_for_allow=0.6,
    min_confidence_for_top_grade=0.9,
    severity_deductions=MappingProxyType(
        {"critical": 100.0, "high": 40.0, "medium": 20.0, "low": 5.0, "info": 0.0}
    ),
    # SSL Labs letter -> transport ceiling: T and M (trust, mismatch) and F are fatal.
    tls_grade_ceilings=MappingProxyType(
        {
            "A+": 100.0,
            "A": 100.0,
            "A-": 90.0,
            "B": 79.0,
            "C": 64.0,
            "D": 49.0,
            "E": 34.0,
            "F": 0.0,
            "T": 0.0,
            "M": 0.0,
        }
    ),
    gates=(*_TLS_GATES, *_DOMAIN_GATES, *_AUTH_GATES, *_TOOLS_GATES, *_REGISTRY_GATES),
)
