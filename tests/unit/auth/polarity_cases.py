"""Both outcomes for every auth probe: (probe id, observation, expected outcome).

A guard test (tests/test_architecture.py) checks that each spec of AUTH_FAMILY appears here
with its bad and its good outcome; test_auth_probes.py runs every case.
"""

from __future__ import annotations

from probes.auth.observation import AuthObservation, PrmDocument, PrmSource
from probes.auth.www_authenticate import parse_www_authenticate
from probes.model import Outcome
from tests.unit.auth.observations import (
    PRM_URL,
    ROOT_PRM_URL,
    SESSION_A,
    as_documents,
    as_metadata,
    broken_observation,
    oauth_observation,
    open_observation,
    prm,
    prm_documents,
    refused,
    reply,
)
from tests.unit.auth.spec_2026_cases import SPEC_2026_CASES

T, F = Outcome.TRUE, Outcome.FALSE
_NO_POINTER = 'Bearer error="invalid_token"'
_WELL_KNOWN_ONLY = oauth_observation(
    unauthenticated=refused(401, _NO_POINTER),
    challenges=parse_www_authenticate([_NO_POINTER]),
    protected_resource=prm_documents()[1:],
)
_METADATA_MISSING = oauth_observation(
    protected_resource=(
        PrmDocument(source=PrmSource.CHALLENGE, reply=reply(PRM_URL, 404, result=False)),
        PrmDocument(source=PrmSource.PATH_INSERTED, reply=reply(PRM_URL, 404, result=False)),
        PrmDocument(source=PrmSource.ROOT, reply=reply(ROOT_PRM_URL, 404, result=False)),
    ),
    authorization_servers=(),
)

POLARITY_CASES: list[tuple[str, AuthObservation, Outcome]] = [
    ("auth_endpoint_open_without_credentials", open_observation(), T),
    ("auth_endpoint_open_without_credentials", oauth_observation(), F),
    ("auth_model_broken", broken_observation(), T),
    ("auth_model_broken", oauth_observation(), F),
    ("auth_challenge_lacks_resource_metadata", _WELL_KNOWN_ONLY, T),
    ("auth_challenge_lacks_resource_metadata", oauth_observation(), F),
    ("auth_protected_resource_metadata_published", oauth_observation(), T),
    ("auth_protected_resource_metadata_published", _METADATA_MISSING, F),
    (
        "auth_protected_resource_metadata_invalid",
        oauth_observation(protected_resource=prm_documents(prm(resource="https://x.example/mcp"))),
        T,
    ),
    ("auth_protected_resource_metadata_invalid", oauth_observation(), F),
    (
        "auth_authorization_server_metadata_invalid",
        oauth_observation(
            authorization_servers=as_documents(as_metadata(issuer="https://evil.example"))
        ),
        T,
    ),
    ("auth_authorization_server_metadata_invalid", oauth_observation(), F),
    ("auth_pkce_s256_supported", oauth_observation(), T),
    (
        "auth_pkce_s256_supported",
        oauth_observation(
            authorization_servers=as_documents(
                as_metadata(code_challenge_methods_supported=("plain",))
            )
        ),
        F,
    ),
    (
        "auth_dangerous_url_scheme_advertised",
        oauth_observation(
            authorization_servers=as_documents(
                as_metadata(authorization_endpoint="javascript:alert(1)")
            )
        ),
        T,
    ),
    ("auth_dangerous_url_scheme_advertised", oauth_observation(), F),
    ("auth_bogus_origin_accepted", open_observation(bogus_origin=reply()), T),
    ("auth_bogus_origin_accepted", open_observation(), F),
    ("auth_session_id_weak", open_observation(session_ids=(SESSION_A, SESSION_A)), T),
    ("auth_session_id_weak", open_observation(), F),
    (
        "auth_unsupported_protocol_version_accepted",
        open_observation(unsupported_version=reply()),
        T,
    ),
    ("auth_unsupported_protocol_version_accepted", open_observation(), F),
    *SPEC_2026_CASES,
]
