"""TRUSTSVC_LOG_FORMAT, _LOG_LEVEL, _ACCESS_LOG, _METRICS_PORT and _METRICS_HOST."""

from __future__ import annotations

import pytest

from trustsvc.config.env import SettingsError
from trustsvc.config.observability import ObservabilitySettings, load_observability_settings


def test_defaults_suit_a_terminal_and_serve_no_worker_metrics() -> None:
    assert load_observability_settings({}) == ObservabilitySettings(
        log_format="text",
        log_level="INFO",
        access_log="notable",
        metrics_port=None,
        metrics_host="127.0.0.1",
    )


def test_values_are_read() -> None:
    settings = load_observability_settings(
        {
            "TRUSTSVC_LOG_FORMAT": "JSON",
            "TRUSTSVC_LOG_LEVEL": "debug",
            "TRUSTSVC_ACCESS_LOG": "All",
            "TRUSTSVC_METRICS_PORT": "9100",
            "TRUSTSVC_METRICS_HOST": "0.0.0.0",
        }
    )
    assert settings == ObservabilitySettings(
        log_format="json",
        log_level="DEBUG",
        access_log="all",
        metrics_port=9100,
        metrics_host="0.0.0.0",
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TRUSTSVC_LOG_FORMAT", "xml"),
        ("TRUSTSVC_LOG_LEVEL", "loud"),
        ("TRUSTSVC_ACCESS_LOG", "some"),
        ("TRUSTSVC_METRICS_PORT", "70000"),
        ("TRUSTSVC_METRICS_PORT", "nine"),
    ],
)
def test_unusable_values_name_the_variable(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        load_observability_settings({name: value})
