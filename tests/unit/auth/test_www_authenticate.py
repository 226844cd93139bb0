"""The WWW-Authenticate parser: RFC 9110 11.6.1 grammar, several challenges, and garbage."""

from __future__ import annotations

import random
import string

import pytest

from probes.auth.observation import Challenge
from probes.auth.www_authenticate import MAX_CHALLENGES, MAX_PARAMS, parse_www_authenticate

SDK_CHALLENGE = (
    'Bearer error="invalid_token", error_description="Authentication required", '
    'resource_metadata="https://localhost:8443/.well-known/oauth-protected-resource/auth/mcp"'
)


def one(header: str) -> Challenge:
    (challenge,) = parse_www_authenticate([header])
    return challenge


def test_the_sdk_challenge_parses_into_its_params() -> None:
    challenge = one(SDK_CHALLENGE)
    assert challenge.is_bearer
    assert challenge.param("error") == "invalid_token"
    assert challenge.param("error_description") == "Authentication required"
    assert challenge.param("resource_metadata") == (
        "https://localhost:8443/.well-known/oauth-protected-resource/auth/mcp"
    )


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Bearer", [Challenge(scheme="Bearer")]),
        ("bearer realm=api", [Challenge(scheme="bearer", params=(("realm", "api"),))]),
        ("Basic dXNlcjpwYXNz==", [Challenge(scheme="Basic", token68="dXNlcjpwYXNz==")]),
        (
            'Bearer realm="a, b", Basic realm="c"',
            [
                Challenge(scheme="Bearer", params=(("realm", "a, b"),)),
                Challenge(scheme="Basic", params=(("realm", "c"),)),
            ],
        ),
        (
            'Newauth realm=apps, type=1, title="Login to \\"apps\\"", Basic realm=simple',
            [
                Challenge(
                    scheme="Newauth",
                    params=(("realm", "apps"), ("type", "1"), ("title", 'Login to "apps"')),
                ),
                Challenge(scheme="Basic", params=(("realm", "simple"),)),
            ],
        ),
        ("Bearer , Basic", [Challenge(scheme="Bearer"), Challenge(scheme="Basic")]),
        ('Bearer SCOPE = "a b"', [Challenge(scheme="Bearer", params=(("scope", "a b"),))]),
        (
            'Bearer realm="unterminated',
            [Challenge(scheme="Bearer", params=(("realm", "unterminated"),))],
        ),
        (
            "ApiKey header=X-Api-Key",
            [Challenge(scheme="ApiKey", params=(("header", "X-Api-Key"),))],
        ),
    ],
)
def test_rfc_9110_grammar(header: str, expected: list[Challenge]) -> None:
    assert list(parse_www_authenticate([header])) == expected


def test_challenges_from_several_header_lines_are_concatenated() -> None:
    found = parse_www_authenticate(['Basic realm="a"', "Bearer"])
    assert [c.scheme for c in found] == ["Basic", "Bearer"]


def test_param_names_are_case_insensitive_and_the_first_value_wins() -> None:
    challenge = one('Bearer Resource_Metadata="a", resource_metadata="b"')
    assert challenge.param("RESOURCE_METADATA") == "a"


@pytest.mark.parametrize(
    "header", ["", ",,,", "=", '"quoted"', "=Bearer", "Bearer=x", "\x00\x01", "(((", " ,= ,"]
)
def test_garbage_yields_nothing_usable_and_never_raises(header: str) -> None:
    found = parse_www_authenticate([header])
    assert all(c.scheme and "=" not in c.scheme for c in found)


def test_bad_params_are_skipped_but_the_rest_survives() -> None:
    challenge = one('Bearer realm=(bad), error="x" junk junk, scope="s"')
    assert challenge.param("scope") == "s"
    assert challenge.param("error") == "x"


def test_random_input_never_raises() -> None:
    rng = random.Random(9110)  # noqa: S311 - reproducible fuzzing, not cryptography
    alphabet = string.printable + '"\\=,' * 5
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80)))
        for challenge in parse_www_authenticate([text]):
            assert challenge.scheme


def test_caps_bound_what_a_hostile_header_costs() -> None:
    many = ", ".join(f"S{i}" for i in range(100))
    assert len(parse_www_authenticate([many])) == MAX_CHALLENGES
    params = ", ".join(f"p{i}=v" for i in range(100))
    assert len(one(f"Bearer {params}").params) == MAX_PARAMS
    assert parse_www_authenticate(["Bearer " + "a" * 100_000])  # long, still parsed
