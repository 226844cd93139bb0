"""Reading TRUSTSVC_* values: one error type, and parsers that name the variable at fault."""

from __future__ import annotations

from collections.abc import Mapping

_ON = {"1", "true", "yes", "on"}
_OFF = {"0", "false", "no", "off"}
MAX_PORT = 65535


class SettingsError(ValueError):
    """A TRUSTSVC_* variable (or a file it names) has a value we cannot use."""


def number(env: Mapping[str, str], name: str, default: float, *, allow_zero: bool = False) -> float:
    """A positive number (or zero when allowed); the default when unset."""
    raw = env.get(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be a number, got {raw!r}") from exc
    if value < 0 or (value == 0 and not allow_zero):
        raise SettingsError(f"{name} must be positive, got {raw!r}")
    return value


def count(env: Mapping[str, str], name: str, default: int) -> int:
    """A whole number of at least 1 (processes, threads); the default when unset."""
    value = number(env, name, default)
    if value != int(value):
        raise SettingsError(f"{name} must be a whole number, got {env[name]!r}")
    return int(value)


def flag(env: Mapping[str, str], name: str, *, default: bool) -> bool:
    """on/off, yes/no, true/false or 1/0; the default when unset or empty."""
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in _ON:
        return True
    if raw in _OFF:
        return False
    raise SettingsError(f"{name} must be on or off, got {raw!r}")


def items(raw: str) -> tuple[str, ...]:
    """A comma-separated list, blanks dropped."""
    return tuple(part.strip() for part in raw.split(",") if part.strip())


def port(raw: str, name: str) -> int:
    """A TCP/UDP port number."""
    if not raw.isdigit() or not 0 < int(raw) <= MAX_PORT:
        raise SettingsError(f"{name} must be a port number, got {raw!r}")
    return int(raw)


SHOWN_CHARS = 200


def shown(value: object, limit: int = SHOWN_CHARS) -> str:
    """A value as a message quotes it: at most `limit` characters, control characters escaped.

    A 100k-character argument or a name with a newline must not turn one line into pages.
    """
    text = str(value)
    cut = text[:limit]
    cut = "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in cut)
    return cut if len(text) <= limit else f"{cut}... ({len(text) - limit} more characters)"
