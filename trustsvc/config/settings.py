"""Settings read from TRUSTSVC_* once, frozen, and passed down explicitly.

Nothing reads the environment at import time: `create_app` and the CLI call `load_settings`,
and tests build `Settings` directly.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from probes.children import DEFAULT_CHILDREN
from probes.context import ProbeLimits
from probes.mcp.identity import WIDELY_USED_CLIENTS, ClientInfo, client_from_text
from probes.netpolicy import NetworkPolicy
from probes.publisher.hygiene import DEFAULT_FARM_SERVERS
from probes.special_addresses import IPNetwork
from trustsvc.config.access import AccessSettings, load_access_settings
from trustsvc.config.courtesy import CourtesySettings, load_courtesy_settings
from trustsvc.config.digests import DigestSettings, load_digest_settings
from trustsvc.config.domain import DomainSettings, load_domain_settings
from trustsvc.config.drift import ScoreDropSettings, load_score_drop_settings
from trustsvc.config.env import SettingsError, count, number, shown
from trustsvc.config.observability import ObservabilitySettings, load_observability_settings
from trustsvc.config.receipts import ReceiptSettings, load_receipt_settings
from trustsvc.config.schedule import ScheduleSettings, load_schedule_settings
from trustsvc.config.secret_key import parse_secret_key
from trustsvc.config.serving import ServingSettings, load_serving_settings
from trustsvc.config.trust import checked_ca_file

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///trustsvc.db"
# The async drivers in the dependencies: aiosqlite (embedded) and asyncpg (PostgreSQL).
SUPPORTED_DATABASE_SCHEMES = ("sqlite+aiosqlite", "postgresql+asyncpg")
DEFAULT_REGISTRY_URL = "https://registry.modelcontextprotocol.io"
_TRUE = {"1", "true", "yes", "on"}

__all__ = ["ProbeSettings", "Settings", "SettingsError", "load_settings"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ProbeSettings:
    """How probing behaves: the SSRF policy, limits, extra trust anchors, operator headers.

    `extra_headers` (e.g. a bearer token for one endpoint) go to the target's origin only;
    they are set per command (`assess --header`), never globally, so a credential meant
    for one server is not sent to every server scanned. `tls_children` is how many sslyze
    scans run at once in this process, each in a child process killed when it overruns.
    """

    policy: NetworkPolicy = field(default_factory=NetworkPolicy)
    limits: ProbeLimits = field(default_factory=ProbeLimits)
    ca_file: Path | None = None
    blocking_threads: int = 4
    tls_children: int = DEFAULT_CHILDREN
    extra_headers: Mapping[str, str] = field(default_factory=dict)
    client_identities: tuple[ClientInfo, ...] = WIDELY_USED_CLIENTS[:2]


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """Everything the service needs to run.

    Attributes:
        database_url: SQLAlchemy async URL; SQLite is the embedded default.
        auto_migrate: upgrade the schema at start-up; on by default only for SQLite, where
            the database is a private file and nothing else can be mid-migration.
        lookup_poll_s: how often the lookup cache reads newly stored scores, so how stale a
            lookup may be for scans stored by other processes (scans completed in this
            process show at once); 0 disables the cache.
        domain: the domain family's sources; built in code they are offline, read from the
            environment they ask registries and resolvers.
        registry_url: the upstream MCP registry the sync job imports from (`/v0.1` API).
        registry_retries: how often one page is retried after 429, 5xx or a lost connection.
        registry_farm_servers: a domain whose one proof grants more servers than this, most
            of whose remotes do not speak MCP, is a namespace farm (default 20).
        schedule: the periodic jobs and the workers' limits (re-probing, drift reports).
        access: API keys, public routes, rate limits and request limits of the API.
        observability: log format and level, and where a worker serves its metrics.
        receipts: the signing key file and the public URL receipts point back to.
        serving: connection timeouts, the per-client connection cap and trusted proxies of
            `trustsvc serve`.
        courtesy: pacing, the opt-out list and the User-Agent of unattended probing.
        score_drop: how far and how long a score must fall to be a `score_dropped` event.
        digests: scheduled drift digests: links, the due check, retries and SMTP.
        secret_key: TRUSTSVC_SECRET_KEY, which seals webhook secrets at rest (AES-GCM,
            store/sealed.py); None stores them in clear.
    """

    database_url: str = DEFAULT_DATABASE_URL
    probes: ProbeSettings = field(default_factory=ProbeSettings)
    auto_migrate: bool = True
    lookup_poll_s: float = 1.0
    domain: DomainSettings = field(default_factory=DomainSettings)
    registry_url: str = DEFAULT_REGISTRY_URL
    registry_retries: int = 4
    registry_farm_servers: int = DEFAULT_FARM_SERVERS
    schedule: ScheduleSettings = field(default_factory=ScheduleSettings)
    access: AccessSettings = field(default_factory=AccessSettings)
    observability: ObservabilitySettings = field(default_factory=ObservabilitySettings)
    receipts: ReceiptSettings = field(default_factory=ReceiptSettings)
    serving: ServingSettings = field(default_factory=ServingSettings)
    courtesy: CourtesySettings = field(default_factory=CourtesySettings)
    score_drop: ScoreDropSettings = field(default_factory=ScoreDropSettings)
    digests: DigestSettings = field(default_factory=DigestSettings)
    secret_key: bytes | None = None


def load_settings(env: Mapping[str, str]) -> Settings:
    """Build settings from TRUSTSVC_* variables, failing loudly on unusable values."""
    database_url = _database_url(env.get("TRUSTSVC_DATABASE_URL", DEFAULT_DATABASE_URL))
    limits = ProbeLimits(
        family_budget_s=number(env, "TRUSTSVC_FAMILY_BUDGET_S", 60.0),
        network_timeout_s=number(env, "TRUSTSVC_NETWORK_TIMEOUT_S", 5.0),
    )
    policy = NetworkPolicy(
        allow_private=env.get("TRUSTSVC_ALLOW_PRIVATE_TARGETS", "").lower() in _TRUE,
        allowed_networks=_networks(env.get("TRUSTSVC_ALLOWED_NETWORKS", "")),
        allow_public=env.get("TRUSTSVC_ALLOWED_NETWORKS_ONLY", "").lower() not in _TRUE,
    )
    ca_file = env.get("TRUSTSVC_CA_FILE")
    return Settings(
        database_url=database_url,
        probes=ProbeSettings(
            policy=policy,
            limits=limits,
            ca_file=checked_ca_file(Path(ca_file), "TRUSTSVC_CA_FILE") if ca_file else None,
            client_identities=_client_identities(env),
            tls_children=count(env, "TRUSTSVC_TLS_CHILDREN", DEFAULT_CHILDREN),
        ),
        auto_migrate=database_url.startswith("sqlite"),
        lookup_poll_s=number(env, "TRUSTSVC_LOOKUP_POLL_S", 1.0, allow_zero=True),
        domain=load_domain_settings(env),
        registry_url=env.get("TRUSTSVC_REGISTRY_URL", DEFAULT_REGISTRY_URL).rstrip("/"),
        registry_retries=int(number(env, "TRUSTSVC_REGISTRY_RETRIES", 4, allow_zero=True)),
        registry_farm_servers=count(env, "TRUSTSVC_REGISTRY_FARM_SERVERS", DEFAULT_FARM_SERVERS),
        schedule=load_schedule_settings(env, embedded=database_url.startswith("sqlite")),
        access=load_access_settings(env),
        observability=load_observability_settings(env),
        receipts=load_receipt_settings(env),
        serving=load_serving_settings(env),
        courtesy=load_courtesy_settings(env),
        score_drop=load_score_drop_settings(env),
        digests=load_digest_settings(env),
        secret_key=_secret_key(env.get("TRUSTSVC_SECRET_KEY", "")),
    )


def _secret_key(raw: str) -> bytes | None:
    if not raw.strip():
        return None
    try:
        return parse_secret_key(raw)
    except ValueError as exc:
        raise SettingsError(str(exc)) from exc


def _database_url(url: str) -> str:
    """The URL, if its scheme names a driver the service ships (the others need packages)."""
    scheme = url.partition("://")[0]
    if scheme not in SUPPORTED_DATABASE_SCHEMES:
        supported = ", ".join(f"{name}://" for name in SUPPORTED_DATABASE_SCHEMES)
        raise SettingsError(
            f"TRUSTSVC_DATABASE_URL: unsupported database {shown(scheme, 40)!r}; "
            f"supported: {supported} (e.g. {DEFAULT_DATABASE_URL})"
        )
    return url


def _networks(raw: str) -> tuple[IPNetwork, ...]:
    try:
        return tuple(ipaddress.ip_network(part.strip()) for part in raw.split(",") if part.strip())
    except ValueError as exc:
        raise SettingsError(f"TRUSTSVC_ALLOWED_NETWORKS: {exc}") from exc


def _client_identities(env: Mapping[str, str]) -> tuple[ClientInfo, ...]:
    """The cloaking check's disguises: TRUSTSVC_CLOAKING_CLIENTS, at most N of them.

    TRUSTSVC_CLOAKING_CLIENTS is `name/version`, comma-separated, or `off`; unset, the first
    of the widely used clients. N is TRUSTSVC_CLOAKING_MAX_HANDSHAKES (default 2), the extra
    handshakes a scan may make; 0 turns the check off.
    """
    most = int(number(env, "TRUSTSVC_CLOAKING_MAX_HANDSHAKES", 2, allow_zero=True))
    raw = env.get("TRUSTSVC_CLOAKING_CLIENTS", "").strip()
    if raw.lower() in {"off", "none", "0"}:
        return ()
    if not raw:
        return WIDELY_USED_CLIENTS[:most]
    try:
        clients = tuple(client_from_text(part) for part in raw.split(",") if part.strip())
    except ValueError as exc:
        raise SettingsError(f"TRUSTSVC_CLOAKING_CLIENTS: {exc}") from exc
    return clients[:most]
