"""Which RDAP server answers for a domain, from an RFC 9224 bootstrap file.

The IANA file (https://data.iana.org/rdap/dns.json) changes slowly, so a snapshot is bundled
and an operator may configure a fresher copy or a single base URL (their own mirror) that wins
over both. Nothing here fetches from the network.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path


class BootstrapError(ValueError):
    """The bootstrap file is not in the RFC 9224 shape."""


@dataclass(frozen=True, slots=True)
class RdapBootstrap:
    """Label suffixes (lowercase, e.g. "com") mapped to their RDAP base URLs, each ending in "/"."""

    services: Mapping[str, tuple[str, ...]]
    publication: str | None = None

    def base_urls(self, domain: str, *, override: str | None = None) -> tuple[str, ...]:
        """The base URLs for a domain: the override, else the longest matching suffix (RFC 9224 s5).

        An empty tuple means no RDAP service is known for the domain's TLD.
        """
        if override:
            return (_with_slash(override),)
        labels = domain.lower().rstrip(".").split(".")
        for start in range(len(labels)):
            urls = self.services.get(".".join(labels[start:]))
            if urls:
                return urls
        return ()


def parse_bootstrap(document: object) -> RdapBootstrap:
    """Read an RFC 9224 `dns.json` document: `{"services": [[[labels], [urls]], ...]}`.

    Entries of the wrong shape are skipped rather than fatal: one bad line in an operator's
    file should not take down RDAP for every other TLD. A file without `services` is refused.
    """
    if not isinstance(document, dict) or not isinstance(document.get("services"), list):
        raise BootstrapError("an RDAP bootstrap file needs a 'services' list")
    services: dict[str, tuple[str, ...]] = {}
    for entry in document["services"]:
        if not (isinstance(entry, list) and len(entry) >= 2):  # noqa: PLR2004 - [labels, urls]
            continue
        labels, urls = entry[0], entry[1]
        if not isinstance(labels, list) or not isinstance(urls, list):
            continue
        # RFC 9224 section 3: prefer https when a service lists both schemes.
        usable = [url for url in urls if isinstance(url, str) and url.startswith("http")]
        usable.sort(key=lambda url: not url.startswith("https:"))
        if not usable:
            continue
        for label in labels:
            if isinstance(label, str) and label:
                services.setdefault(label.lower().strip("."), tuple(map(_with_slash, usable)))
    publication = document.get("publication")
    return RdapBootstrap(services, publication if isinstance(publication, str) else None)


def load_bootstrap(path: Path | None = None) -> RdapBootstrap:
    """The operator's bootstrap file at `path`, or the bundled snapshot."""
    if path is None:
        return bundled_bootstrap()
    try:
        return parse_bootstrap(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        raise BootstrapError(f"cannot read the RDAP bootstrap file {path}: {exc}") from exc


@functools.cache
def bundled_bootstrap() -> RdapBootstrap:
    """The snapshot shipped in probes/domain/data (read once per process)."""
    text = resources.files("probes.domain").joinpath("data/rdap_bootstrap.json").read_text("utf-8")
    return parse_bootstrap(json.loads(text))


def _with_slash(url: str) -> str:
    # RFC 9224 section 3: base URLs end in "/", and clients append "domain/<name>".
    return url if url.endswith("/") else f"{url}/"
