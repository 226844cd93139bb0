"""Who may call the API and how often: the access settings, read from TRUSTSVC_* once."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from trustsvc.config.env import SettingsError, items, number

OPENAPI_ROUTES = "openapi"
"""The pseudo operation id of the generated OpenAPI document and its viewers under /schema."""

READ_PER_MIN = 60_000
"""1,000 reads a second per caller, bursts of 10,000: fifty times the writes' budget."""

# The signing keys are public by nature: anyone verifying a receipt fetches them.
DEFAULT_PUBLIC_ROUTES = frozenset(
    {"GetLiveness", "GetReadiness", "GetHealth", "ListProbes", "GetSigningKeys", OPENAPI_ROUTES}
)


class AuthMode(enum.StrEnum):
    """Whether requests need a key.

    `auto` requires keys once one has been created (revoked ones count), and runs open
    until then (the embedded single-user
    default on loopback; `trustsvc serve` refuses a non-loopback address in this state).
    `required` always does, even before the first key. `open` never does: the operator's
    explicit choice, for example behind an authenticating proxy.
    """

    AUTO = "auto"
    REQUIRED = "required"
    OPEN = "open"


@dataclass(frozen=True, slots=True)
class RateLimit:
    """A token bucket: `per_minute` sustained, `burst` at once; 0 per minute is unlimited."""

    per_minute: float
    burst: int

    @classmethod
    def per_min(cls, per_minute: float) -> RateLimit:
        """A limit whose burst is ten seconds' worth (at least one request)."""
        return cls(per_minute=per_minute, burst=max(1, round(per_minute / 6)))

    @property
    def unlimited(self) -> bool:
        """Whether this limit is switched off."""
        return self.per_minute <= 0


@dataclass(frozen=True, slots=True, kw_only=True)
class AccessSettings:
    """Authentication, rate limits and request limits of the API.

    Attributes:
        mode: see `AuthMode`.
        public_routes: operation ids answered without a key (`openapi` for /schema).
            `GetMetrics` may be added by an operator whose scraper cannot send a key.
        key_cache_s: how long a verified key is trusted without asking the database; a
            revocation made by another process takes effect within this long.
        read_rate: reads (GET, HEAD, OPTIONS: lookups above all), per client address before
            the key is checked and per key after. Its own bucket, far above the writes':
            a gateway looks up every connection of many agents from one address.
        address_rate: writes, per client address (before the key is checked, so it also
            slows down key guessing).
        key_rate: writes, per key.
        scan_rate: scan requests (CreateScan, RescanEndpoint), per key, or per address when
            the API runs open; probing costs far more than reading.
        max_body_bytes: request bodies above this get 413 before they are read whole.
    """

    mode: AuthMode = AuthMode.AUTO
    public_routes: frozenset[str] = DEFAULT_PUBLIC_ROUTES
    key_cache_s: float = 10.0
    read_rate: RateLimit = field(default_factory=lambda: RateLimit.per_min(READ_PER_MIN))
    address_rate: RateLimit = field(default_factory=lambda: RateLimit.per_min(1200))
    key_rate: RateLimit = field(default_factory=lambda: RateLimit.per_min(3000))
    scan_rate: RateLimit = field(default_factory=lambda: RateLimit.per_min(30))
    max_body_bytes: int = 64 * 1024


def load_access_settings(env: Mapping[str, str]) -> AccessSettings:
    """Access settings from TRUSTSVC_AUTH, TRUSTSVC_PUBLIC_ROUTES, TRUSTSVC_RATE_* etc."""
    raw_mode = env.get("TRUSTSVC_AUTH", "auto").strip().lower() or "auto"
    try:
        mode = AuthMode(raw_mode)
    except ValueError as exc:
        raise SettingsError(
            f"TRUSTSVC_AUTH must be auto, required or open, got {raw_mode!r}"
        ) from exc
    raw_public = env.get("TRUSTSVC_PUBLIC_ROUTES")
    if raw_public is None:
        public = DEFAULT_PUBLIC_ROUTES
    else:
        public = frozenset(part for part in items(raw_public) if part.lower() != "none")
    return AccessSettings(
        mode=mode,
        public_routes=public,
        key_cache_s=number(env, "TRUSTSVC_KEY_CACHE_S", 10.0, allow_zero=True),
        read_rate=_rate(env, "TRUSTSVC_RATE_READ_PER_MIN", READ_PER_MIN),
        address_rate=_rate(env, "TRUSTSVC_RATE_ADDRESS_PER_MIN", 1200),
        key_rate=_rate(env, "TRUSTSVC_RATE_KEY_PER_MIN", 3000),
        scan_rate=_rate(env, "TRUSTSVC_RATE_SCAN_PER_MIN", 30),
        max_body_bytes=int(number(env, "TRUSTSVC_MAX_BODY_BYTES", 64 * 1024)),
    )


def _rate(env: Mapping[str, str], name: str, default: float) -> RateLimit:
    return RateLimit.per_min(number(env, name, default, allow_zero=True))
