"""The RFC 9083 parser on literal documents, hostile ones included."""

from __future__ import annotations

import datetime as dt

import pytest

from probes.domain.rdap import parse_domain, parse_rdap_date
from probes.domain.registration_observation import RegistrationSource
from probes.errors import SourceUnavailable
from tests.integration.domain_registration.documents import domain_document

UTC = dt.UTC


def test_full_document() -> None:
    document = domain_document(
        "example.com",
        events={
            "registration": "2001-02-03T04:05:06Z",
            "expiration": "2030-02-03T04:05:06Z",
            "last changed": "2025-01-01T00:00:00+02:00",
            "transfer": "2024-06-01T00:00:00Z",
        },
        status=["client transfer prohibited", "active"],
    )
    facts = parse_domain(document, "EXAMPLE.com")
    assert facts.source is RegistrationSource.RDAP
    assert facts.found
    assert facts.registered_at == dt.datetime(2001, 2, 3, 4, 5, 6, tzinfo=UTC)
    assert facts.expires_at == dt.datetime(2030, 2, 3, 4, 5, 6, tzinfo=UTC)
    assert facts.last_changed_at == dt.datetime(2024, 12, 31, 22, tzinfo=UTC)
    assert facts.transferred_at == dt.datetime(2024, 6, 1, tzinfo=UTC)
    assert facts.registrar == "Example Registrar, Inc."
    assert facts.registrar_iana_id == "292"
    assert facts.statuses == ("client transfer prohibited", "active")
    assert facts.dnssec_delegated is True
    assert facts.problems == ()


def test_reregistration_counts_as_ownership_change() -> None:
    document = domain_document(
        "example.com",
        events={"registration": "2001-02-03T04:05:06Z", "reregistration": "2025-12-01T00:00:00Z"},
    )
    assert parse_domain(document, "example.com").transferred_at == dt.datetime(
        2025, 12, 1, tzinfo=UTC
    )


def test_wrong_types_are_ignored_and_recorded() -> None:
    document = {
        "objectClassName": "nameserver",
        "ldhName": "other.com",
        "events": [
            {"eventAction": "registration", "eventDate": "not a date"},
            {"eventAction": 7},
            "junk",
            {"eventAction": "expiration", "eventDate": 12345},
        ],
        "status": ["active", 3, None],
        "entities": {"roles": ["registrar"]},
        "secureDNS": {"delegationSigned": "yes"},
    }
    facts = parse_domain(document, "example.com")
    assert facts.registered_at is None
    assert facts.expires_at is None
    assert facts.statuses == ("active",)
    assert facts.registrar is None
    assert facts.dnssec_delegated is None
    assert len(facts.problems) >= 6


@pytest.mark.parametrize("document", [[], "text", 3, None])
def test_non_object_is_source_unavailable(document: object) -> None:
    with pytest.raises(SourceUnavailable):
        parse_domain(document, "example.com")


def test_empty_object_has_no_facts() -> None:
    facts = parse_domain({}, "example.com")
    assert facts.registered_at is None
    assert facts.statuses == ()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2020-01-02T03:04:05Z", dt.datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)),
        ("2020-01-02T03:04:05", dt.datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)),
        ("2020-01-02T05:04:05+02:00", dt.datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)),
        ("yesterday", None),
        ("9" * 200, None),
        (20200102, None),
    ],
)
def test_dates(raw: object, expected: dt.datetime | None) -> None:
    assert parse_rdap_date(raw) == expected
