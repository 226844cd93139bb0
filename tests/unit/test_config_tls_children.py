"""TRUSTSVC_TLS_CHILDREN: how many sslyze scans a process runs at once, each in a child."""

from __future__ import annotations

import pytest

from probes.children import DEFAULT_CHILDREN
from trustsvc.config.settings import SettingsError, load_settings
from trustsvc.scans.families import probe_context


def test_the_default_is_two_children_and_nothing_starts_until_a_scan() -> None:
    settings = load_settings({})
    assert settings.probes.tls_children == DEFAULT_CHILDREN == 2
    ctx = probe_context(settings)
    try:
        assert ctx.children.size == 2
        assert ctx.children.spawned == 0
    finally:
        ctx.close()


def test_the_pool_size_comes_from_the_environment() -> None:
    ctx = probe_context(load_settings({"TRUSTSVC_TLS_CHILDREN": "5"}))
    try:
        assert ctx.children.size == 5
    finally:
        ctx.close()


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("0", "must be positive"),
        ("-1", "must be positive"),
        ("1.5", "must be a whole number"),
        ("two", "must be a number"),
    ],
)
def test_an_unusable_pool_size_is_one_line(raw: str, message: str) -> None:
    with pytest.raises(SettingsError, match=f"TRUSTSVC_TLS_CHILDREN {message}"):
        load_settings({"TRUSTSVC_TLS_CHILDREN": raw})
