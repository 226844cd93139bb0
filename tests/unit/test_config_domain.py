"""Domain sources as an operator configures them: parsing, defaults, and files read at start."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from probes.domain.trusted import default_trusted
from trustsvc.config.domain import (
    DomainSettings,
    DomainSettingsError,
    domain_sources,
    load_domain_settings,
)
from trustsvc.config.settings import Settings, SettingsError, load_settings


def test_a_deployment_asks_the_network_and_code_does_not() -> None:
    assert load_settings({}).domain.lookups is True
    assert Settings().domain.lookups is False
    offline = domain_sources(Settings().domain)
    assert (offline.registration, offline.dns, offline.dnsbl_zones) == (None, None, ())
    assert offline.trusted == default_trusted()


def test_every_variable_is_read() -> None:
    settings = load_domain_settings(
        {
            "TRUSTSVC_DOMAIN_LOOKUPS": "yes",
            "TRUSTSVC_DNS_NAMESERVERS": "127.0.0.1, ::1",
            "TRUSTSVC_DNS_PORT": "5301",
            "TRUSTSVC_DNS_TIMEOUT_S": "1.5",
            "TRUSTSVC_RDAP_BOOTSTRAP": "/etc/trustsvc/dns.json",
            "TRUSTSVC_RDAP_BASE_URL": "https://rdap.mirror.example/",
            "TRUSTSVC_WHOIS": "off",
            "TRUSTSVC_WHOIS_SERVER": "[::1]:4343",
            "TRUSTSVC_DNSBL_ZONES": "dbl.example.net,dqs=KEY.dbl.dq.example.net",
            "TRUSTSVC_BLOCKLIST_FEEDS": "/a.txt,/b.csv",
            "TRUSTSVC_TRUSTED_DOMAINS_FILE": "/t.txt",
            "TRUSTSVC_DOMAIN_CACHE_TTL_S": "0",
        }
    )
    assert settings == DomainSettings(
        lookups=True,
        nameservers=("127.0.0.1", "::1"),
        dns_port=5301,
        dns_timeout_s=1.5,
        rdap_bootstrap=Path("/etc/trustsvc/dns.json"),
        rdap_base_url="https://rdap.mirror.example/",
        whois=False,
        whois_server="::1",
        whois_port=4343,
        dnsbl_zones=("dbl.example.net", "dqs=KEY.dbl.dq.example.net"),
        feeds=(Path("/a.txt"), Path("/b.csv")),
        trusted_file=Path("/t.txt"),
        cache_ttl_s=0.0,
    )
    assert load_domain_settings({"TRUSTSVC_WHOIS_SERVER": "whois.example"}).whois_port is None


@pytest.mark.parametrize(
    ("name", "value", "complaint"),
    [
        ("TRUSTSVC_DOMAIN_LOOKUPS", "maybe", "on or off"),
        ("TRUSTSVC_DNS_PORT", "0", "port number"),
        ("TRUSTSVC_DNS_PORT", "70000", "port number"),
        ("TRUSTSVC_DNS_PORT", "53a", "port number"),
        ("TRUSTSVC_DNS_TIMEOUT_S", "-1", "positive"),
        ("TRUSTSVC_DNS_TIMEOUT_S", "soon", "number"),
        ("TRUSTSVC_RDAP_BASE_URL", "ftp://rdap.example/", "http(s) URL"),
        ("TRUSTSVC_RDAP_BASE_URL", "https://", "TRUSTSVC_RDAP_BASE_URL"),
        ("TRUSTSVC_WHOIS_SERVER", "whois.example:port", "port number"),
    ],
)
def test_unusable_values_say_which_variable(name: str, value: str, complaint: str) -> None:
    with pytest.raises(SettingsError, match=name) as raised:
        load_domain_settings({name: value})
    assert complaint in str(raised.value)


def test_sources_read_their_files_and_label_zones(tmp_path: Path) -> None:
    feed = tmp_path / "hosts.txt"
    feed.write_text("0.0.0.0 evil-lab.com\n")
    trusted = tmp_path / "ours.txt"
    trusted.write_text("# our own domains\nacme-corp.com\n")
    bootstrap = tmp_path / "dns.json"
    bootstrap.write_text(
        json.dumps({"version": "1.0", "services": [[["lab"], ["https://rdap.lab.example/"]]]})
    )
    sources = domain_sources(
        DomainSettings(
            lookups=True,
            nameservers=("127.0.0.1",),
            dns_port=5301,
            rdap_bootstrap=bootstrap,
            whois_server="127.0.0.1",
            whois_port=4343,
            dnsbl_zones=("dqs=KEY.dbl.dq.example.net", "dbl.example.net"),
            feeds=(feed,),
            trusted_file=trusted,
            cache_ttl_s=60.0,
        )
    )
    assert sources.registration is not None
    assert sources.dns is not None
    assert sources.registration.bootstrap.base_urls("x.lab") == ("https://rdap.lab.example/",)
    assert (sources.registration.whois_server, sources.registration.whois_port) == (
        "127.0.0.1",
        4343,
    )
    assert (sources.dns.nameservers, sources.dns.port) == (("127.0.0.1",), 5301)
    assert [zone.display for zone in sources.dnsbl_zones] == ["dqs", "dbl.example.net"]
    assert sources.feeds[0].name == "hosts"
    assert "evil-lab.com" in sources.feeds[0].domains
    assert "acme-corp.com" in sources.trusted
    assert default_trusted().domains < sources.trusted.domains
    assert sources.cache.ttl_s == 60.0


@pytest.mark.parametrize(
    ("settings", "complaint"),
    [
        (DomainSettings(feeds=(Path("/nonexistent/feed.txt"),)), "feed.txt"),
        (DomainSettings(trusted_file=Path("/nonexistent/t.txt")), "TRUSTSVC_TRUSTED_DOMAINS_FILE"),
        (DomainSettings(lookups=True, rdap_bootstrap=Path("/nonexistent.json")), "bootstrap"),
        (DomainSettings(lookups=True, dnsbl_zones=("not a zone",)), "TRUSTSVC_DNSBL_ZONES"),
    ],
)
def test_unusable_files_and_zones_stop_the_start(settings: DomainSettings, complaint: str) -> None:
    with pytest.raises(DomainSettingsError, match=complaint):
        domain_sources(settings)


def test_a_bad_trusted_entry_names_itself(tmp_path: Path) -> None:
    trusted = tmp_path / "ours.txt"
    trusted.write_text("api.acme-corp.com\n")
    with pytest.raises(DomainSettingsError, match=r"api\.acme-corp\.com"):
        domain_sources(DomainSettings(trusted_file=trusted))
