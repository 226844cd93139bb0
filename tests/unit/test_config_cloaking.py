"""The cloaking disguises from the environment: defaults, a chosen list, off, and bad values."""

from __future__ import annotations

import pytest

from probes.mcp.identity import WIDELY_USED_CLIENTS, ClientInfo
from trustsvc.config.env import SettingsError
from trustsvc.config.settings import load_settings


def disguises(**env: str) -> tuple[ClientInfo, ...]:
    return load_settings(env).probes.client_identities


def test_two_widely_used_clients_by_default() -> None:
    assert disguises() == WIDELY_USED_CLIENTS[:2]
    assert disguises(TRUSTSVC_CLOAKING_MAX_HANDSHAKES="4") == WIDELY_USED_CLIENTS


def test_a_chosen_list_keeps_known_user_agents_and_is_capped() -> None:
    chosen = disguises(
        TRUSTSVC_CLOAKING_CLIENTS="Visual Studio Code/1.101.0, my-agent/2.1, third/1",
    )
    assert chosen == (
        ClientInfo("Visual Studio Code", "1.101.0", "vscode/1.101.0"),
        ClientInfo("my-agent", "2.1", "my-agent/2.1"),
    )


@pytest.mark.parametrize(
    "env", [{"TRUSTSVC_CLOAKING_CLIENTS": "off"}, {"TRUSTSVC_CLOAKING_MAX_HANDSHAKES": "0"}]
)
def test_off(env: dict[str, str]) -> None:
    assert disguises(**env) == ()


@pytest.mark.parametrize(
    ("raw", "named"),
    [("claude-ai", "claude-ai"), ("/1.0", "/1.0"), ("name/", "name/"), ("a/1,b", "b")],
)
def test_a_bad_identity_is_one_line_naming_it(raw: str, named: str) -> None:
    with pytest.raises(SettingsError, match="TRUSTSVC_CLOAKING_CLIENTS: a client identity is") as e:
        disguises(TRUSTSVC_CLOAKING_CLIENTS=raw)
    assert str(e.value).endswith(f"got {named!r}")
