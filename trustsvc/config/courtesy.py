"""How the service treats servers nobody asked it to probe: pacing, opt-out, its name.

A registry lists thousands of third-party servers. Probing them unattended is only fair
when it is paced (one scan per host at a time, a minimum gap between scans of a host),
when an operator can promise a server's owner to leave it alone (the opt-out list), and
when every request says who sent it and where to complain (the User-Agent). robots.txt is
read with the product token `PRODUCT`. A scan a user asked for skips all of this.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from trustsvc import __version__
from trustsvc.config.env import SettingsError, items, number

PRODUCT = "trustsvc"
"""The robots.txt product token (RFC 9309 2.2.1), and the first word of the User-Agent."""
DEFAULT_CONTACT_URL = "https://trustsvc.dev"
DEFAULT_HOST_GAP_S = 60.0


@dataclass(frozen=True, slots=True, kw_only=True)
class CourtesySettings:
    """Pacing, the opt-out list and the contact the User-Agent names.

    Attributes:
        host_gap_s: least time between the start of one unattended scan of a host and the
            end of the previous one (TRUSTSVC_HOST_GAP_S); at most one runs at a time.
        opt_out: hosts and domains never probed unattended (TRUSTSVC_OPT_OUT); a domain
            covers its subdomains. Lower case, IDNA, no trailing dot.
        contact_url: where a server's operator learns who probes them and how to opt out
            (TRUSTSVC_CONTACT_URL), named in the User-Agent.
    """

    host_gap_s: float = DEFAULT_HOST_GAP_S
    opt_out: tuple[str, ...] = ()
    contact_url: str = DEFAULT_CONTACT_URL

    @property
    def user_agent(self) -> str:
        """`trustsvc/<version> (+<contact>; MCP endpoint trust assessment)`."""
        return f"{PRODUCT}/{__version__} (+{self.contact_url}; MCP endpoint trust assessment)"

    def opted_out(self, host: str) -> bool:
        """Whether `host` (as EndpointUrl spells it) is listed, itself or by a parent domain."""
        name = host.strip("[]").lower().rstrip(".")
        return any(name == entry or name.endswith("." + entry) for entry in self.opt_out)


def load_courtesy_settings(env: Mapping[str, str]) -> CourtesySettings:
    """From TRUSTSVC_HOST_GAP_S, TRUSTSVC_OPT_OUT and TRUSTSVC_CONTACT_URL."""
    contact = env.get("TRUSTSVC_CONTACT_URL", "").strip() or DEFAULT_CONTACT_URL
    parts = urlsplit(contact)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c in contact for c in "()"):
        raise SettingsError(
            f"TRUSTSVC_CONTACT_URL must be an http(s) URL without parentheses, got {contact!r}"
        )
    return CourtesySettings(
        host_gap_s=number(env, "TRUSTSVC_HOST_GAP_S", DEFAULT_HOST_GAP_S, allow_zero=True),
        opt_out=tuple(_entry(raw) for raw in items(env.get("TRUSTSVC_OPT_OUT", ""))),
        contact_url=contact,
    )


def _entry(raw: str) -> str:
    """One opt-out entry as hosts are compared: an IP literal, or a lower-case IDNA name."""
    text = raw.strip().strip("[]").lower().rstrip(".").removeprefix("*.").removeprefix(".")
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        pass
    try:
        name = text.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise SettingsError(f"TRUSTSVC_OPT_OUT: {raw!r} is not a host name") from exc
    if not name or any(c in name for c in "/:@ ") or name.startswith("-"):
        raise SettingsError(
            f"TRUSTSVC_OPT_OUT: {raw!r} is not a host or domain (list names such as "
            "mcp.example.com or example.com, separated by commas)"
        )
    return name
