"""How the service reports on itself: log format and level, and the workers' metrics port."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from trustsvc.config.env import SettingsError, port

LogFormat = Literal["json", "text"]
_FORMATS: tuple[LogFormat, ...] = ("json", "text")
AccessLog = Literal["all", "notable", "off"]
_ACCESS_LOGS: tuple[AccessLog, ...] = ("all", "notable", "off")
_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


@dataclass(frozen=True, slots=True, kw_only=True)
class ObservabilitySettings:
    """Logs and metrics.

    Attributes:
        log_format: `json` (one object per line, for a SIEM or a container log driver) or
            `text` (for a terminal).
        log_level: the level of the service's own loggers (`trustsvc`, `probes`); INFO
            carries the request events `access_log` chooses and one event per scan. Other
            libraries log WARNING and up.
        access_log: which requests get a `request` event: `notable` (writes, refusals
            401/403/429, server errors, requests no route matched, and reads slower than a
            second), `all` (every request, routine reads too), or `off`. Routine reads are
            most of the traffic (a lookup per agent connection) and a line each cost about a
            third of the lookup throughput; the metrics count them either way.
        metrics_port: where a worker serves its metrics (`/metrics`); None serves none.
            The API serves them on its own `/metrics` route.
        metrics_host: the address that server binds; loopback unless a scraper elsewhere
            needs it (in a container, 0.0.0.0).
    """

    log_format: LogFormat = "text"
    log_level: str = "INFO"
    access_log: AccessLog = "notable"
    metrics_port: int | None = None
    metrics_host: str = "127.0.0.1"


def load_observability_settings(env: Mapping[str, str]) -> ObservabilitySettings:
    """Read TRUSTSVC_LOG_FORMAT, TRUSTSVC_LOG_LEVEL, TRUSTSVC_METRICS_PORT and _HOST."""
    log_format = env.get("TRUSTSVC_LOG_FORMAT", "text").strip().lower()
    if log_format not in _FORMATS:
        raise SettingsError(f"TRUSTSVC_LOG_FORMAT must be json or text, got {log_format!r}")
    level = env.get("TRUSTSVC_LOG_LEVEL", "INFO").strip().upper()
    if level not in _LEVELS:
        raise SettingsError(f"TRUSTSVC_LOG_LEVEL must be one of {', '.join(_LEVELS)}")
    access_log = env.get("TRUSTSVC_ACCESS_LOG", "notable").strip().lower()
    if access_log not in _ACCESS_LOGS:
        raise SettingsError(f"TRUSTSVC_ACCESS_LOG must be all, notable or off, got {access_log!r}")
    raw_port = env.get("TRUSTSVC_METRICS_PORT", "").strip()
    return ObservabilitySettings(
        log_format="json" if log_format == "json" else "text",
        log_level=level,
        access_log=next(choice for choice in _ACCESS_LOGS if choice == access_log),
        metrics_port=port(raw_port, "TRUSTSVC_METRICS_PORT") if raw_port else None,
        metrics_host=env.get("TRUSTSVC_METRICS_HOST", "127.0.0.1").strip() or "127.0.0.1",
    )
