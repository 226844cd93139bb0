"""The RFC 9224 bootstrap map and the python-whois entry mapping, without any network."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from probes.domain.rdap_bootstrap import (
    BootstrapError,
    bundled_bootstrap,
    load_bootstrap,
    parse_bootstrap,
)
from probes.domain.registration_observation import RegistrationSource
from probes.domain.whois_adapter import facts_from_entry
from probes.errors import SourceUnavailable


def test_bundled_bootstrap_covers_common_tlds() -> None:
    bootstrap = bundled_bootstrap()
    assert bootstrap.base_urls("example.com") == ("https://rdap.verisign.com/com/v1/",)
    assert bootstrap.base_urls("Example.NET.") == ("https://rdap.verisign.com/net/v1/",)
    assert bootstrap.base_urls("x.dev") == bootstrap.base_urls("y.app")
    assert bootstrap.base_urls("example.zz") == ()


def test_override_wins_and_gets_a_slash() -> None:
    bootstrap = bundled_bootstrap()
    assert bootstrap.base_urls("example.zz", override="http://127.0.0.1:1/rdap") == (
        "http://127.0.0.1:1/rdap/",
    )


def test_longest_suffix_and_https_first() -> None:
    bootstrap = parse_bootstrap(
        {
            "services": [
                [["uk"], ["http://uk.test/"]],
                [["co.uk"], ["http://co.test", "https://co.test/"]],
                "junk",
                [["bad"], [3]],
            ]
        }
    )
    assert bootstrap.base_urls("a.co.uk") == ("https://co.test/", "http://co.test/")
    assert bootstrap.base_urls("a.uk") == ("http://uk.test/",)
    assert bootstrap.base_urls("a.bad") == ()


def test_operator_file_and_bad_files(tmp_path: Path) -> None:
    good = tmp_path / "dns.json"
    good.write_text(json.dumps({"services": [[["test"], ["http://127.0.0.1:9/"]]]}))
    assert load_bootstrap(good).base_urls("x.test") == ("http://127.0.0.1:9/",)
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    with pytest.raises(BootstrapError):
        load_bootstrap(bad)
    with pytest.raises(BootstrapError):
        parse_bootstrap({"version": "1.0"})


def test_whois_entry_lists_naive_dates_and_statuses() -> None:
    entry = {
        # python-whois hands back naive datetimes; the adapter takes them as UTC.
        "creation_date": [
            dt.datetime(2020, 5, 1, 10),  # noqa: DTZ001
            dt.datetime(2020, 5, 1, 9),  # noqa: DTZ001
        ],
        "expiration_date": dt.datetime(2030, 5, 1, tzinfo=dt.timezone(dt.timedelta(hours=2))),
        "updated_date": None,
        "registrar": "Registrar Ltd",
        "status": ["clientTransferProhibited https://icann.org/epp#clientTransferProhibited", "ok"],
        "dnssec": "unsigned",
    }
    facts = facts_from_entry(entry)
    assert facts.source is RegistrationSource.WHOIS
    assert facts.registered_at == dt.datetime(2020, 5, 1, 9, tzinfo=dt.UTC)
    assert facts.expires_at == dt.datetime(2030, 4, 30, 22, tzinfo=dt.UTC)
    assert facts.last_changed_at is None
    assert facts.registrar == "Registrar Ltd"
    assert len(facts.statuses) == 2
    assert facts.dnssec_delegated is False


@pytest.mark.parametrize("entry", [{}, {"creation_date": None, "registrar": None}, None, "text"])
def test_whois_entry_without_fields_is_unavailable(entry: object) -> None:
    with pytest.raises(SourceUnavailable):
        facts_from_entry(entry)
