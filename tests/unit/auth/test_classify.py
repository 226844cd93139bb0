"""The auth-model classification table (scoring.md 8.2.2), from literal observations."""

from __future__ import annotations

import pytest

from probes.auth.classify import classify_auth
from probes.auth.observation import AuthModel, AuthObservation, Handshake, PrmDocument, PrmSource
from probes.auth.www_authenticate import parse_www_authenticate
from tests.unit.auth.observations import (
    CHALLENGE,
    PRM_URL,
    broken_observation,
    declared_key_observation,
    oauth_observation,
    open_observation,
    prm,
    prm_documents,
    refused,
    reply,
)

_TOOLS_REFUSED = Handshake(initialize=reply(), tools_list=reply(status=401, result=False))
_API_KEY = 'ApiKey realm="mcp"'

CASES: list[tuple[str, AuthObservation, AuthModel]] = [
    ("initialize and tools/list succeed", open_observation(), AuthModel.NONE),
    ("401 + resource_metadata + PRM", oauth_observation(), AuthModel.OAUTH),
    (
        "401 + resource_metadata, PRM unreachable",
        oauth_observation(protected_resource=(), authorization_servers=()),
        AuthModel.OAUTH,
    ),
    (
        "401 without challenge, PRM at the well-known URL",
        oauth_observation(unauthenticated=refused(401), challenges=()),
        AuthModel.OAUTH,
    ),
    (
        "403 + resource_metadata",
        oauth_observation(unauthenticated=refused(403, CHALLENGE)),
        AuthModel.OAUTH,
    ),
    (
        "401 without challenge, PRM with no authorization server",
        oauth_observation(
            unauthenticated=refused(401),
            challenges=(),
            protected_resource=prm_documents(prm(authorization_servers=())),
        ),
        AuthModel.BROKEN,
    ),
    (
        "initialize open, tools/list refused with a challenge",
        oauth_observation(unauthenticated=_TOOLS_REFUSED),
        AuthModel.OAUTH,
    ),
    (
        "401 naming an API-key scheme",
        broken_observation(
            unauthenticated=refused(401, _API_KEY), challenges=parse_www_authenticate([_API_KEY])
        ),
        AuthModel.DECLARED_KEY,
    ),
    ("401, operator credentials configured", declared_key_observation(), AuthModel.DECLARED_KEY),
    (
        "401, operator credentials configured but rejected",
        declared_key_observation(credentialed=refused(401)),
        AuthModel.DECLARED_KEY,
    ),
    ("401 with nothing", broken_observation(), AuthModel.BROKEN),
    ("403 with nothing", broken_observation(403), AuthModel.BROKEN),
    ("404", broken_observation(404), AuthModel.BROKEN),
    (
        "500 with operator credentials",
        broken_observation(500, credentials_configured=True),
        AuthModel.BROKEN,
    ),
    (
        "200 without a JSON-RPC result",
        broken_observation(unauthenticated=Handshake(initialize=reply(result=False))),
        AuthModel.BROKEN,
    ),
    (
        "401 with an unparseable PRM",
        broken_observation(
            protected_resource=(
                PrmDocument(source=PrmSource.PATH_INSERTED, reply=reply(PRM_URL), problem="bad"),
            )
        ),
        AuthModel.BROKEN,
    ),
]


@pytest.mark.parametrize(
    ("observation", "model"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_classification(observation: AuthObservation, model: AuthModel) -> None:
    assert classify_auth(observation) is model
