"""Recorded RDAP documents in the RFC 9083 shape, and the WHOIS answers of the local server."""

from __future__ import annotations

import datetime as dt

# The fixture server's clock: documents are dated relative to it so ages stay stable.
NOW = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)


def iso_days_ago(days: int) -> str:
    return (NOW - dt.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def domain_document(
    name: str,
    *,
    events: dict[str, str],
    status: list[str] | None = None,
    signed: bool = True,
) -> dict[str, object]:
    """A gTLD-profile domain object with a registrar entity (IANA id 292)."""
    return {
        "objectClassName": "domain",
        "rdapConformance": ["rdap_level_0", "icann_rdap_response_profile_0"],
        "handle": "2336799_DOMAIN_COM-VRSN",
        "ldhName": name.upper(),
        "status": status if status is not None else ["client transfer prohibited", "active"],
        "events": [{"eventAction": action, "eventDate": date} for action, date in events.items()],
        "secureDNS": {"delegationSigned": signed},
        "nameservers": [{"objectClassName": "nameserver", "ldhName": "NS1.EXAMPLE.NET"}],
        "entities": [
            {
                "objectClassName": "entity",
                "handle": "292",
                "roles": ["registrar"],
                "publicIds": [{"type": "IANA Registrar ID", "identifier": "292"}],
                "vcardArray": [
                    "vcard",
                    [["version", {}, "text", "4.0"], ["fn", {}, "text", "Example Registrar, Inc."]],
                ],
            }
        ],
        "notices": [{"title": "Terms of Use", "description": ["Recorded for tests."]}],
    }


DOCUMENTS: dict[str, dict[str, object]] = {
    "young.com": domain_document(
        "young.com",
        events={"registration": iso_days_ago(3), "expiration": iso_days_ago(-362)},
        status=["add period", "active"],
        signed=False,
    ),
    "old.com": domain_document(
        "old.com",
        events={
            "registration": iso_days_ago(9000),
            "expiration": iso_days_ago(-400),
            "last changed": iso_days_ago(30),
        },
    ),
    "held.com": domain_document(
        "held.com",
        events={"registration": iso_days_ago(2000), "expiration": iso_days_ago(-10)},
        status=["server hold", "pending delete"],
    ),
    "moved.com": domain_document(
        "moved.com",
        events={"registration": iso_days_ago(5000), "transfer": iso_days_ago(20)},
    ),
}

WHOIS_ANSWER = """\
   Domain Name: FALLBACK.XYZ
   Registry Domain ID: 123_DOMAIN_ZZ
   Registrar WHOIS Server: whois.example-registrar.zz
   Updated Date: 2026-02-01T00:00:00Z
   Creation Date: 2026-02-20T08:00:00Z
   Registry Expiry Date: 2027-02-20T08:00:00Z
   Registrar: Example Registrar, Inc.
   Domain Status: clientHold https://icann.org/epp#clientHold
   Name Server: NS1.EXAMPLE.NET
   DNSSEC: unsignedDelegation
>>> Last update of whois database: 2026-03-01T00:00:00Z <<<
"""
