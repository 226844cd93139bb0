"""Classify an endpoint's auth model from its observation (scoring.md 8.2.2).

Pure and in the probes layer, so the rule is tested from literal observations and stored
observations can be re-classified when the rule changes. The rules, in order:

1. none: the unauthenticated initialize (and tools/list, when attempted) succeeded.
2. oauth: refused with 401/403, and OAuth discovery exists: a Bearer challenge carrying
   resource_metadata (RFC 9728 5.1), or a PRM document with at least one authorization server.
3. declared-key: refused with 401/403 without OAuth discovery, but the refusal names a scheme
   in WWW-Authenticate, or the operator supplied credentials for the endpoint.
4. broken: everything else: 401/403 with nothing that tells a client how to authenticate
   (landscape 4.6, "auth required but not advertised"), or any other answer (404, 5xx, a 200
   without a JSON-RPC result).
"""

from __future__ import annotations

from probes.auth.observation import AuthModel, AuthObservation

REFUSALS = frozenset({401, 403})


def has_oauth_discovery(observation: AuthObservation) -> bool:
    """A resource_metadata challenge or a PRM document naming an authorization server."""
    if any(c.is_bearer and c.param("resource_metadata") for c in observation.challenges):
        return True
    return any(
        d.metadata is not None and d.metadata.authorization_servers
        for d in observation.protected_resource
    )


def refused(observation: AuthObservation) -> bool:
    """The unauthenticated handshake was refused with 401 or 403."""
    return observation.unauthenticated.refusing_status in REFUSALS


def classify_auth(observation: AuthObservation) -> AuthModel:
    """The endpoint's auth model, by the rules in this module's docstring."""
    if observation.unauthenticated.open:
        return AuthModel.NONE
    if not refused(observation):
        return AuthModel.BROKEN
    if has_oauth_discovery(observation):
        return AuthModel.OAUTH
    if observation.challenges or observation.credentials_configured:
        return AuthModel.DECLARED_KEY
    return AuthModel.BROKEN
