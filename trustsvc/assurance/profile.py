"""The assurance profile as data: CoSAI MCP Security 2.0, section 3.3, read from outside.

CoSAI defines four cumulative levels, each a set of controls across eight dimensions. Most
are duties of the deployment (the host, a gateway, the operator): tool allowlists, ABAC,
human approval, log pipelines. The requirements below are the server-side controls an
outside prober can check, each tied to the probes that measure it. A level is served when
every requirement of it and of the levels below is met; a requirement no probe measures yet
(sender-constrained tokens, `server/discover`), or that this scan could not measure, is not met:
"could serve" means measured, never assumed. Controls an outsider cannot see at all are
listed in docs/assurance.md, for the deployer to check; they do not change the verdict.
"""

from __future__ import annotations

from dataclasses import dataclass

PROFILE = "CoSAI MCP Security 2.0 (2026-08-12), section 3.3 assurance profiles"
PROFILE_VERSION = "trustsvc-assurance/1"


@dataclass(frozen=True, slots=True)
class Check:
    """One probe whose findings must all be its good outcome.

    `not_applicable_ok`: whether NOT_APPLICABLE counts as met (no tools means no poisoned
    tool; no OAuth does not mean PKCE is in place). `unmeasured_ok`: whether the probe may
    be unmeasured, for checks that only a confirmed bad fact fails ("not known to be
    malicious" holds when no blocklist was asked; "TLS is in place" does not).
    """

    probe_id: str
    not_applicable_ok: bool = True
    unmeasured_ok: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Requirement:
    """A server-side control of one level, and the probes that decide it."""

    id: str
    level: int
    control: str
    basis: str
    checks: tuple[Check, ...] = ()


LEVELS = {1: "Sandbox", 2: "Internal", 3: "Production", 4: "Regulated"}


def _all(*probe_ids: str, na_ok: bool = True, unmeasured_ok: bool = False) -> tuple[Check, ...]:
    return tuple(
        Check(probe_id, not_applicable_ok=na_ok, unmeasured_ok=unmeasured_ok)
        for probe_id in probe_ids
    )


REQUIREMENTS: tuple[Requirement, ...] = (
    Requirement(
        id="L1.tool-definitions-reviewed",
        level=1,
        control="Tool schema integrity",
        basis="L1: review tool descriptions and parameter schemas before use (MCP-T4).",
        checks=_all(
            "tool_definition_contains_hidden_instructions",
            "tool_definition_contains_invisible_unicode",
            "tool_definition_contains_invalid_characters",
            "tool_definition_contains_encoded_payload",
            "tool_definition_shadows_other_tools",
        ),
    ),
    Requirement(
        id="L1.server-not-known-malicious",
        level=1,
        control="Server provenance",
        basis="L1: warn when running unverified servers; only a confirmed listing fails it.",
        checks=_all("domain_listed_as_malicious", "publisher_server_deleted", unmeasured_ok=True),
    ),
    Requirement(
        id="L2.tls-for-remote-connections",
        level=2,
        control="Transport encryption",
        basis="L2: TLS for all remote connections, with a certificate a client can validate.",
        checks=(
            Check("tls_endpoint_uses_plaintext_http", not_applicable_ok=False),
            *_all(
                "tls_certificate_untrusted",
                "tls_certificate_expired",
                "tls_certificate_not_yet_valid",
                "tls_certificate_self_signed",
                "tls_certificate_hostname_mismatch",
            ),
        ),
    ),
    Requirement(
        id="L2.oauth-with-pkce",
        level=2,
        control="MCP client-server authentication",
        basis="L2: OAuth 2.1 with PKCE for all remote server connections.",
        checks=(
            *_all("auth_endpoint_open_without_credentials", "auth_model_broken", na_ok=False),
            Check("auth_pkce_s256_supported", not_applicable_ok=False),
        ),
    ),
    Requirement(
        id="L2.issuer-metadata-valid",
        level=2,
        control="Authorization issuer validation",
        basis="L2: issuer metadata valid during authorization server discovery (RFC 8414).",
        checks=(Check("auth_authorization_server_metadata_invalid", not_applicable_ok=False),),
    ),
    Requirement(
        id="L2.origin-validated",
        level=2,
        control="Origin and CSRF protection",
        basis="L2: Origin validation for every HTTP endpoint.",
        checks=_all("auth_bogus_origin_accepted"),
    ),
    Requirement(
        id="L2.protocol-version-validated",
        level=2,
        control="Protocol request metadata",
        basis="L2: validate MCP-Protocol-Version on Streamable HTTP.",
        checks=_all("auth_unsupported_protocol_version_accepted"),
    ),
    Requirement(
        id="L2.session-ids-unguessable",
        level=2,
        control="Explicit state handle integrity",
        basis="L2: session ids and handles from a CSPRNG, unguessable and opaque.",
        checks=_all("auth_session_id_weak"),
    ),
    Requirement(
        id="L2.https-urls-only",
        level=2,
        control="SSRF and traversal defense",
        basis="L2: restrict target URL schemes to HTTPS (what the server hands clients).",
        checks=_all("auth_dangerous_url_scheme_advertised"),
    ),
    Requirement(
        id="L3.tls-1-3",
        level=3,
        control="Transport encryption",
        basis="L3: TLS 1.3, certificate validation enforced; no TLS 1.0 or 1.1.",
        checks=(
            Check("tls_1_3_supported", not_applicable_ok=False),
            *_all("tls_1_0_offered", "tls_1_1_offered"),
        ),
    ),
    Requirement(
        id="L3.protected-resource-metadata",
        level=3,
        control="Server and authorization discovery",
        basis="L3: Protected Resource Metadata (RFC 9728) naming this resource (RFC 8707).",
        checks=(
            Check("auth_protected_resource_metadata_published", not_applicable_ok=False),
            Check("auth_protected_resource_metadata_invalid", not_applicable_ok=False),
        ),
    ),
    Requirement(
        id="L3.server-discover",
        level=3,
        control="Server and authorization discovery",
        basis="L3: MCP servers implement server/discover (MCP 2026-07-28).",
    ),
    Requirement(
        id="L3.iss-in-authorization-response",
        level=3,
        control="Authorization issuer validation",
        basis="L3: RFC 9207 `iss` in authorization responses, advertised by the server.",
        checks=(Check("auth_issuer_parameter_not_advertised", not_applicable_ok=False),),
    ),
    Requirement(
        id="L3.sender-constrained-tokens",
        level=3,
        control="Token binding",
        basis="L3: sender-constrained tokens (DPoP or mTLS); a hard requirement at L3.",
        # auth_dpop_supported reads DPoP, but mTLS-bound tokens (RFC 8705) are not read, so
        # a missing DPoP cannot fail this control: it stays unmeasured.
    ),
    Requirement(
        id="L3.no-known-vulnerabilities",
        level=3,
        control="Update management",
        basis="L3: vulnerability scanning of dependencies; no unpatched known advisory.",
        checks=_all(
            "package_has_known_vulnerability", "package_has_critical_vulnerability_with_fix"
        ),
    ),
    Requirement(
        id="L4.mtls-workload-identity",
        level=4,
        control="Transport encryption",
        basis="L4: mTLS governed by workload identity federation and hardware trust anchors.",
    ),
    Requirement(
        id="L4.signed-tool-definitions",
        level=4,
        control="Tool schema integrity",
        basis="L4: signed tool-definition manifests; MCP 2026-07-28 standardises none yet.",
    ),
)
