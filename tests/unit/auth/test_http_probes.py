"""The Streamable HTTP hygiene probes: bogus Origin, session ids, unsupported versions."""

from __future__ import annotations

import pytest

from probes.auth.http_probes import session_id_problems
from probes.auth.observation import Handshake, Reply
from probes.model import Outcome
from tests.unit.auth.observations import (
    SESSION_A,
    declared_key_observation,
    oauth_observation,
    open_observation,
    opened,
    refused,
    reply,
)
from tests.unit.auth.test_auth_probes import judge

T, F = Outcome.TRUE, Outcome.FALSE
NA, NAV = Outcome.NOT_APPLICABLE, Outcome.NOT_AVAILABLE


@pytest.mark.parametrize(
    ("status", "outcome"), [(403, F), (400, F), (421, F), (401, NAV), (500, NAV), (None, NAV)]
)
def test_bogus_origin_statuses(status: int | None, outcome: Outcome) -> None:
    origin = reply(status=status, result=False, error=None if status else "timeout: x")
    assert (
        judge("auth_bogus_origin_accepted", open_observation(bogus_origin=origin)).outcome
        is outcome
    )


def test_bogus_origin_is_moot_without_a_session() -> None:
    finding = judge("auth_bogus_origin_accepted", oauth_observation())
    assert finding.outcome is NA
    assert "bearer token" in finding.message


@pytest.mark.parametrize(
    ("ids", "problem"),
    [
        (("abc123", None), "id 1 has 6 characters (< 16)"),
        ((SESSION_A + " x", None), "id 1 is not visible ASCII"),
        (("a" * 32, None), "id 1 uses only 1 distinct characters"),
        ((SESSION_A, SESSION_A), "the same id was issued to two handshakes"),
        (("sess-00000000000041", "sess-00000000000042"), "the two ids share their first 18"),
    ],
)
def test_session_id_problems(ids: tuple[str | None, str | None], problem: str) -> None:
    assert any(p.startswith(problem) for p in session_id_problems(ids))


def test_session_probe_edges() -> None:
    probe = "auth_session_id_weak"
    assert judge(probe, open_observation(session_ids=(SESSION_A, None))).outcome is F
    stateless = judge(probe, open_observation(session_ids=(None, None)))
    assert (stateless.outcome, stateless.message) == (
        NA,
        "The endpoint issues no Mcp-Session-Id: it is stateless.",
    )
    assert judge(probe, oauth_observation()).outcome is NA
    evidence = judge(probe, open_observation()).evidence
    assert evidence["session_id_lengths"] == "32,32"


@pytest.mark.parametrize(
    ("version_reply", "outcome"),
    [
        (reply(status=400, result=False), F),
        (reply(status=200, result=False), F),  # a JSON-RPC error in a 200
        (reply(status=422, result=False), F),
        (reply(status=404, result=False), NAV),
        (reply(status=500, result=False), NAV),
        (reply(status=None, result=False, error="timeout: x"), NAV),
    ],
)
def test_unsupported_version_statuses(version_reply: object, outcome: Outcome) -> None:
    observation = open_observation(unsupported_version=version_reply)
    assert judge("auth_unsupported_protocol_version_accepted", observation).outcome is outcome


def test_declared_key_hygiene_is_judged_on_the_credentialed_session() -> None:
    observation = declared_key_observation(bogus_origin=reply())
    finding = judge("auth_bogus_origin_accepted", observation)
    assert (finding.outcome, finding.evidence["auth_model"]) == (T, "declared-key")
    assert finding.evidence["credentials_configured"] is True


def test_a_refused_credentialed_handshake_leaves_hygiene_unjudged() -> None:
    observation = declared_key_observation(
        credentialed=refused(401),
        bogus_origin=None,
        session_ids=(None, None),
        unsupported_version=None,
    )
    message = judge("auth_session_id_weak", observation).message
    assert "neither without nor with the operator's credentials" in message


def test_legacy_sse_endpoints_have_no_session_or_version_header() -> None:
    legacy = Handshake(initialize=reply(), tools_list=reply(), generation="legacy_sse")
    observation = open_observation(
        unauthenticated=legacy, session_ids=(None, None), unsupported_version=None
    )
    assert judge("auth_session_id_weak", observation).message == (
        "The endpoint speaks the 2024-11-05 HTTP+SSE transport, which has no Mcp-Session-Id."
    )
    version = judge("auth_unsupported_protocol_version_accepted", observation)
    assert (version.outcome, "MCP-Protocol-Version" in version.message) == (NA, True)


def test_a_served_legacy_stream_counts_as_accepting_the_origin() -> None:
    stream = Reply(url="u", status=200, content_type="text/event-stream", served=True)
    assert judge("auth_bogus_origin_accepted", open_observation(bogus_origin=stream)).outcome is T


def test_the_working_handshake_prefers_the_unauthenticated_one() -> None:
    unauthenticated = open_observation()
    assert unauthenticated.working_handshake is unauthenticated.unauthenticated
    keyed = declared_key_observation()
    assert keyed.working_handshake is keyed.credentialed
    assert declared_key_observation(credentialed=refused(401)).working_handshake is None
    assert opened().open
