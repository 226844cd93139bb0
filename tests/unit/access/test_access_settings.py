"""TRUSTSVC_AUTH, TRUSTSVC_PUBLIC_ROUTES and the rate settings read from the environment."""

from __future__ import annotations

import pytest

from trustsvc.config.access import (
    DEFAULT_PUBLIC_ROUTES,
    AccessSettings,
    AuthMode,
    RateLimit,
    load_access_settings,
)
from trustsvc.config.env import SettingsError


def test_defaults_run_auto_with_health_probes_and_schema_public() -> None:
    settings = load_access_settings({})
    assert settings == AccessSettings()
    assert settings.mode is AuthMode.AUTO
    assert (
        settings.public_routes
        == DEFAULT_PUBLIC_ROUTES
        == {
            "GetLiveness",
            "GetReadiness",
            "GetHealth",
            "ListProbes",
            "GetSigningKeys",
            "openapi",
        }
    )
    assert "GetMetrics" not in settings.public_routes
    assert settings.scan_rate == RateLimit(per_minute=30, burst=5)
    # Reads have a bucket of their own, fifty times the writes' per-address budget.
    assert settings.read_rate == RateLimit(per_minute=60_000, burst=10_000)
    assert settings.address_rate == RateLimit(per_minute=1200, burst=200)


def test_variables_override_each_setting() -> None:
    settings = load_access_settings(
        {
            "TRUSTSVC_AUTH": "Required",
            "TRUSTSVC_PUBLIC_ROUTES": "GetHealth, GetMetrics",
            "TRUSTSVC_KEY_CACHE_S": "0",
            "TRUSTSVC_RATE_READ_PER_MIN": "120000",
            "TRUSTSVC_RATE_ADDRESS_PER_MIN": "0",
            "TRUSTSVC_RATE_KEY_PER_MIN": "600",
            "TRUSTSVC_RATE_SCAN_PER_MIN": "6",
            "TRUSTSVC_MAX_BODY_BYTES": "1024",
        }
    )
    assert settings.mode is AuthMode.REQUIRED
    assert settings.public_routes == {"GetHealth", "GetMetrics"}
    assert settings.key_cache_s == 0
    assert settings.read_rate == RateLimit(per_minute=120_000, burst=20_000)
    assert settings.address_rate.unlimited
    assert settings.key_rate == RateLimit(per_minute=600, burst=100)
    assert settings.scan_rate == RateLimit(per_minute=6, burst=1)
    assert settings.max_body_bytes == 1024


def test_none_makes_no_route_public() -> None:
    assert load_access_settings({"TRUSTSVC_PUBLIC_ROUTES": "none"}).public_routes == frozenset()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TRUSTSVC_AUTH", "off"),
        ("TRUSTSVC_RATE_SCAN_PER_MIN", "-1"),
        ("TRUSTSVC_MAX_BODY_BYTES", "lots"),
        ("TRUSTSVC_KEY_CACHE_S", "-5"),
    ],
)
def test_unusable_values_fail_loudly_naming_the_variable(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        load_access_settings({name: value})
