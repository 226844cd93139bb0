"""Offline blocklist feeds an operator drops in: domain lists, hosts files, URL lists, CSV.

Feeds are read line by line and every line is judged alone, so one hostile or garbled line
is counted and skipped instead of failing the feed. A domain or hosts entry lists the name
and every name under it; a URL entry lists only its exact host, because URL feeds name
abused shared hosts (`http://google.com/url?q=...`) that are not malicious as a zone.
"""

from __future__ import annotations

import contextlib
import csv
import ipaddress
import re
from dataclasses import dataclass
from pathlib import Path

from probes.errors import TargetRejected
from probes.target import parse_endpoint_url

DEFAULT_MAX_FEED_BYTES = 64 * 1024 * 1024
MAX_LINE_CHARS = 8192
MAX_NAME_CHARS = 253  # RFC 1035
_COMMENT_PREFIXES = ("#", "!")
_INLINE_COMMENT = re.compile(r"\s[#!].*$")
_HOST_CHARS = re.compile(r"^[^/@?#:\[\]\\%\s,\"']+$")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
# LDH labels and a last label starting with a letter: no IDNA mapping, never an IPv4 spelling.
_PLAIN_NAME = re.compile(r"^(?:(?!-)[a-z0-9-]{1,63}(?<!-)\.)+[a-z][a-z0-9-]{0,62}(?<!-)$")
_ADBLOCK = re.compile(r"^\|\|([^/^$]+)\^?(\$.*)?$")


class FeedError(ValueError):
    """A feed file that cannot be used at all (missing, unreadable, too large)."""


@dataclass(frozen=True, slots=True)
class BlocklistFeed:
    """A loaded feed and its load summary.

    Attributes:
        name: shown in evidence (defaults to the file's stem).
        domains: names listed with everything under them (domain, hosts and adblock lines).
        hosts: exact hosts taken from URL lines.
        lines: lines read; skipped: lines with no usable name (IP literals included).
        ip_literals: entries skipped because their host is an IP address.
    """

    name: str
    domains: frozenset[str]
    hosts: frozenset[str] = frozenset()
    lines: int = 0
    skipped: int = 0
    ip_literals: int = 0

    @property
    def entries(self) -> int:
        """Distinct names the feed lists."""
        return len(self.domains | self.hosts)

    def summary(self) -> str:
        """One line for logs: what the load kept and dropped."""
        return (
            f"feed {self.name}: {self.entries} entries from {self.lines} lines, "
            f"{self.skipped} skipped ({self.ip_literals} IP literals)"
        )

    def match(self, host: str, registrable_domain: str) -> str | None:
        """The most specific listed name covering `host`, down to the registrable domain."""
        host = host.rstrip(".").lower()
        if host in self.hosts or host in self.domains:
            return host
        if not host.endswith(f".{registrable_domain}"):
            return registrable_domain if registrable_domain in self.domains else None
        labels = host.split(".")
        for start in range(1, len(labels) - registrable_domain.count(".")):
            parent = ".".join(labels[start:])
            if parent in self.domains:
                return parent
        return None


class _Skip(Exception):
    """A line without a usable name; `ip` when that is because it names an IP address."""

    def __init__(self, *, ip: bool = False) -> None:
        super().__init__()
        self.ip = ip


def _is_ip(token: str) -> bool:
    """Any IP spelling a resolver would accept, legacy IPv4 forms (`0x7f.1`) included."""
    try:
        ipaddress.ip_address(token.strip("[]"))
    except ValueError:
        pass
    else:
        return True
    if not _HOST_CHARS.match(token):
        return False
    try:
        return parse_endpoint_url(f"http://{token}/").host_is_ip
    except TargetRejected:
        return False


def _name(raw: str) -> str:
    """A feed host in the lowercase A-label form target.py gives endpoints, or _Skip."""
    host = raw.strip().rstrip(".").removeprefix("*.").lower()
    if _PLAIN_NAME.match(host) and "--" not in host and len(host) <= MAX_NAME_CHARS:
        return host  # plain ASCII: what target.py would return, at a tenth of the cost
    if ":" in host:
        raise _Skip(ip=_is_ip(host))
    if not host or not _HOST_CHARS.match(host):
        raise _Skip
    try:
        endpoint = parse_endpoint_url(f"http://{host}/")
    except TargetRejected as exc:
        raise _Skip from exc
    if endpoint.host_is_ip:
        raise _Skip(ip=True)
    if "." not in endpoint.host:
        raise _Skip  # localhost, broadcasthost: a single label is never a public name
    return endpoint.host


def _url_host(raw: str) -> str:
    """The host a browser would visit for a URL line (scheme optional, userinfo dropped)."""
    url = raw.replace("\\", "/")
    url = url if _SCHEME.match(url) else f"http://{url}"
    authority = re.split(r"[/?#]", url.split("://", 1)[1], maxsplit=1)[0]
    host = authority.rsplit("@", 1)[-1]
    if host.startswith("["):
        raise _Skip(ip=_is_ip(host.partition("]")[0]))
    return _name(host.split(":", 1)[0])


@dataclass(slots=True)
class _Loader:
    """Mutable state while reading one file: the CSV url column once a header names it."""

    domains: set[str]
    hosts: set[str]
    url_column: int | None = None
    skipped: int = 0
    ip_literals: int = 0

    def line(self, raw: str) -> None:
        text = raw.strip().lstrip("\ufeff")
        if not text or text.startswith(_COMMENT_PREFIXES):
            return
        try:
            self._entry(text)
        except _Skip as skip:
            self.skipped += 1
            self.ip_literals += int(skip.ip)

    def _entry(self, text: str) -> None:
        if len(text) > MAX_LINE_CHARS:
            raise _Skip
        adblock = _ADBLOCK.match(text)
        if adblock:
            self.domains.add(_name(adblock.group(1)))
            return
        if "," in text and not _SCHEME.match(text):
            self._csv_row(text)
            return
        tokens = _INLINE_COMMENT.sub("", text).split()
        if len(tokens) > 1 and _is_ip(tokens[0]):
            self._hosts_line(tokens[1:])
        elif _SCHEME.match(tokens[0]) or "/" in tokens[0]:
            self.hosts.add(_url_host(tokens[0]))
        else:
            self.domains.add(_name(tokens[0]))

    def _hosts_line(self, names: list[str]) -> None:
        kept = 0
        for name in names:
            try:
                self.domains.add(_name(name))
                kept += 1
            except _Skip:
                continue
        if not kept:
            raise _Skip

    def _csv_row(self, text: str) -> None:
        fields = next(csv.reader([text]), [])
        lowered = [field.strip().lower() for field in fields]
        if "url" in lowered and not any(_SCHEME.match(field) for field in fields):
            self.url_column = lowered.index("url")  # PhishTank: phish_id,url,phish_detail_url,...
            return
        cells = [field.strip() for field in fields]
        if self.url_column is not None and self.url_column < len(cells):
            cells.insert(0, cells[self.url_column])
        url = next((cell for cell in cells if _SCHEME.match(cell)), None)
        if url is not None:  # URLhaus CSV rows too: its header is a comment line
            self.hosts.add(_url_host(url))
            return
        for cell in cells:  # "domain,category" lists
            with contextlib.suppress(_Skip):
                self.domains.add(_name(cell))
                return
        raise _Skip


def load_feed(
    path: Path, *, name: str | None = None, max_bytes: int = DEFAULT_MAX_FEED_BYTES
) -> BlocklistFeed:
    """Read one feed file; bad lines are counted and skipped, a bad file raises FeedError."""
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise FeedError(f"cannot read feed {path}: {exc.strerror or exc}") from exc
    if len(data) > max_bytes:
        raise FeedError(f"feed {path} is larger than {max_bytes} bytes")
    lines = data.decode("utf-8", "replace").splitlines()
    loader = _Loader(domains=set(), hosts=set())
    for raw in lines:
        loader.line(raw)
    return BlocklistFeed(
        name=name or path.stem,
        domains=frozenset(loader.domains),
        hosts=frozenset(loader.hosts),
        lines=len(lines),
        skipped=loader.skipped,
        ip_literals=loader.ip_literals,
    )
