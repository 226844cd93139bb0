"""The real API, sealed to loopback, for fuzzers that submit URLs nobody chose.

Schemathesis posts random URLs to the routes that probe (scans) or store a URL to call later
(servers, webhooks). Three locks keep every byte on this machine: the network policy allows
loopback only and refuses global addresses (`allow_public=False`), the resolver answers
`localhost` alone and never asks the system's DNS, and the registry URL and domain lookups
point nowhere. Probe budgets are short, so a scan of a random closed port ends in a second.
Rate limits are off: a fuzzer is one client sending thousands of requests, and a wall of
429s would hide the handlers it is there to exercise.
"""

from __future__ import annotations

import ipaddress
import tempfile
from pathlib import Path

from litestar import Litestar

from probes.context import ProbeLimits
from probes.errors import Unreachable
from probes.netpolicy import NetworkPolicy
from trustsvc.api.app import create_app
from trustsvc.config.access import AccessSettings, RateLimit
from trustsvc.config.domain import DomainSettings
from trustsvc.config.receipts import KEY_FILE_NAME, ReceiptSettings, key_file_for
from trustsvc.config.schedule import ScheduleSettings
from trustsvc.config.settings import ProbeSettings, Settings

LOOPBACK_POLICY = NetworkPolicy(
    allowed_networks=(ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128")),
    allow_public=False,
)
UNLIMITED = RateLimit(per_minute=0, burst=1)
# A closed port on loopback: anything that asks the registry fails at once, locally.
CLOSED_REGISTRY_URL = "http://127.0.0.1:9"


async def loopback_resolver(host: str, port: int) -> list[str]:
    """Resolve `localhost` only; every other name fails as an unknown name would.

    Raises:
        Unreachable: for any other name, as `system_resolver` does for NXDOMAIN, so the
            scan is stored as unreachable instead of a DNS query leaving the machine.
    """
    del port
    if host.lower().rstrip(".") == "localhost":
        return ["127.0.0.1"]
    raise Unreachable(f"cannot resolve {host}: Name or service not known")


def sealed_settings(database_url: str) -> Settings:
    """Settings for a fresh database with every outward path closed."""
    return Settings(
        database_url=database_url,
        probes=ProbeSettings(
            policy=LOOPBACK_POLICY,
            limits=ProbeLimits(
                family_budget_s=3.0,
                network_timeout_s=1.0,
                network_retries=0,
                request_timeout_s=2.0,
            ),
        ),
        auto_migrate=True,
        domain=DomainSettings(lookups=False),
        registry_url=CLOSED_REGISTRY_URL,
        schedule=ScheduleSettings(in_api=False, registry_sync_s=0.0),
        access=AccessSettings(address_rate=UNLIMITED, key_rate=UNLIMITED, scan_rate=UNLIMITED),
        receipts=_receipts_beside(database_url),
    )


def _receipts_beside(database_url: str) -> ReceiptSettings:
    """Signing keys beside a SQLite file (the default), else in a directory of their own:
    never the working directory, which PostgreSQL-backed apps would otherwise use.
    """
    if key_file_for(ReceiptSettings(), database_url) != Path(KEY_FILE_NAME):
        return ReceiptSettings()
    return ReceiptSettings(key_file=Path(tempfile.mkdtemp(prefix="trustsvc-keys-")) / KEY_FILE_NAME)


def sealed_app(database_url: str) -> Litestar:
    """The app over a fresh database, unable to reach anything but loopback."""
    return create_app(sealed_settings(database_url), resolver=loopback_resolver)
