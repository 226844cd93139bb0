"""TRUSTSVC_HEADER_TIMEOUT_S, _BODY_TIMEOUT_S, _KEEP_ALIVE_S, _MAX_CONNECTIONS_PER_CLIENT and
TRUSTSVC_TRUSTED_PROXIES."""

from __future__ import annotations

import ipaddress

import pytest

from trustsvc.config.env import SettingsError
from trustsvc.config.serving import ServingSettings, load_serving_settings


def test_defaults_bound_slow_clients_and_trust_no_forwarded_header() -> None:
    settings = load_serving_settings({})
    assert settings == ServingSettings()
    assert (settings.header_timeout_s, settings.body_timeout_s) == (10.0, 30.0)
    assert settings.max_connections_per_client == 256
    assert settings.trusted_proxies == ()
    assert not settings.is_trusted_proxy("127.0.0.1")


def test_values_are_read_and_proxies_match_by_network() -> None:
    settings = load_serving_settings(
        {
            "TRUSTSVC_HEADER_TIMEOUT_S": "2.5",
            "TRUSTSVC_BODY_TIMEOUT_S": "7",
            "TRUSTSVC_KEEP_ALIVE_S": "15",
            "TRUSTSVC_MAX_CONNECTIONS_PER_CLIENT": "0",
            "TRUSTSVC_TRUSTED_PROXIES": "10.1.0.0/16, ::1",
        }
    )
    assert (settings.header_timeout_s, settings.body_timeout_s, settings.keep_alive_s) == (
        2.5,
        7.0,
        15.0,
    )
    assert settings.max_connections_per_client == 0
    assert settings.trusted_proxies == (
        ipaddress.ip_network("10.1.0.0/16"),
        ipaddress.ip_network("::1"),
    )
    assert settings.is_trusted_proxy("10.1.200.3")
    assert settings.is_trusted_proxy("::1")
    assert not settings.is_trusted_proxy("10.2.0.1")
    assert not settings.is_trusted_proxy("unknown")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TRUSTSVC_HEADER_TIMEOUT_S", "0"),
        ("TRUSTSVC_BODY_TIMEOUT_S", "soon"),
        ("TRUSTSVC_MAX_CONNECTIONS_PER_CLIENT", "-1"),
        ("TRUSTSVC_TRUSTED_PROXIES", "10.0.0.0/33"),
    ],
)
def test_unusable_values_name_the_variable(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        load_serving_settings({name: value})
