"""TRUSTSVC_OPT_OUT, TRUSTSVC_HOST_GAP_S and TRUSTSVC_CONTACT_URL: read once, checked at start."""

from __future__ import annotations

import pytest

from trustsvc import __version__
from trustsvc.config.courtesy import DEFAULT_CONTACT_URL, load_courtesy_settings
from trustsvc.config.env import SettingsError
from trustsvc.config.settings import load_settings
from trustsvc.scans.families import probe_context


def test_defaults_name_the_project_its_version_and_a_contact() -> None:
    courtesy = load_courtesy_settings({})
    assert courtesy.opt_out == ()
    assert courtesy.host_gap_s == 60.0
    assert courtesy.user_agent == (
        f"trustsvc/{__version__} (+{DEFAULT_CONTACT_URL}; MCP endpoint trust assessment)"
    )


def test_the_probes_send_the_configured_user_agent() -> None:
    settings = load_settings({"TRUSTSVC_CONTACT_URL": "https://ops.example/who-probes-you"})
    ctx = probe_context(settings)
    try:
        assert ctx.user_agent.startswith(f"trustsvc/{__version__} (+https://ops.example/who")
    finally:
        ctx.executor.shutdown()


def test_opt_out_covers_hosts_and_their_subdomains() -> None:
    courtesy = load_courtesy_settings(
        {"TRUSTSVC_OPT_OUT": " Example.COM., *.corp.test ,bücher.de, [::1], 10.0.0.1"}
    )
    assert courtesy.opt_out == ("example.com", "corp.test", "xn--bcher-kva.de", "::1", "10.0.0.1")
    for host in ("example.com", "mcp.example.com", "a.b.corp.test", "xn--bcher-kva.de", "::1"):
        assert courtesy.opted_out(host), host
    for host in ("notexample.com", "example.com.evil.test", "10.0.0.10", "test"):
        assert not courtesy.opted_out(host), host


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"TRUSTSVC_OPT_OUT": "https://example.com/mcp"}, "TRUSTSVC_OPT_OUT"),
        ({"TRUSTSVC_OPT_OUT": "user@example.com"}, "TRUSTSVC_OPT_OUT"),
        ({"TRUSTSVC_CONTACT_URL": "mailto:ops@example.com"}, "TRUSTSVC_CONTACT_URL"),
        ({"TRUSTSVC_CONTACT_URL": "https://x.example/(a)"}, "TRUSTSVC_CONTACT_URL"),
        ({"TRUSTSVC_HOST_GAP_S": "-1"}, "TRUSTSVC_HOST_GAP_S"),
    ],
)
def test_unusable_values_are_one_line_naming_the_variable(env: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        load_courtesy_settings(env)
