"""Key format, hashing, scopes and the bind rule, without a database."""

from __future__ import annotations

import pytest

from trustsvc.auth.keys import digest, mint_key, parse_key, secret_matches
from trustsvc.auth.principal import ANONYMOUS, OPEN, Principal, Scope
from trustsvc.commands.serve import is_loopback


def test_a_minted_key_parses_back_and_matches_only_its_own_hash() -> None:
    key = mint_key()
    parsed = parse_key(key.token)
    assert parsed is not None
    key_id, secret = parsed
    assert key_id == key.key_id
    assert key.token.startswith(f"tsk_{key_id}_")
    assert secret_matches(secret, key.secret_sha256)
    assert not secret_matches(secret, mint_key().secret_sha256)
    assert key.secret_sha256 == digest(secret)
    assert secret not in key.secret_sha256


def test_keys_are_random() -> None:
    keys = [mint_key() for _ in range(200)]
    assert len({key.token for key in keys}) == 200
    assert len({key.key_id for key in keys}) == 200
    assert all(parse_key(key.token) is not None for key in keys)


@pytest.mark.parametrize(
    "token",
    [
        "",
        "tsk_",
        "tsk_0123456789ab",
        "tsk_0123456789ab_short",
        "tsk_0123456789AB_" + "a" * 43,  # the key id is lower-case hex
        "xyz_0123456789ab_" + "a" * 43,
        "tsk_0123456789ab_" + "a" * 43 + "\n",
        "tsk_0123456789ab_" + "a" * 42 + "!",
    ],
)
def test_malformed_keys_do_not_parse(token: str) -> None:
    assert parse_key(token) is None


def test_each_scope_includes_the_ones_below_it() -> None:
    admin = Principal(name="a", key_id="1", scopes=frozenset({Scope.ADMIN}))
    scanner = Principal(name="s", key_id="2", scopes=frozenset({Scope.SCAN}))
    reader = Principal(name="r", key_id="3", scopes=frozenset({Scope.READ}))
    assert [admin.allows(s) for s in Scope] == [True, True, True]
    assert [scanner.allows(s) for s in Scope] == [True, True, False]
    assert [reader.allows(s) for s in Scope] == [True, False, False]
    assert all(OPEN.allows(s) for s in Scope)
    assert not any(ANONYMOUS.allows(s) for s in Scope)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.10", False),
        ("api.example.com", False),
    ],
)
def test_only_loopback_binds_count_as_local(host: str, *, loopback: bool) -> None:
    assert is_loopback(host) is loopback
