"""A real DNS lab for tests: BIND 9 authoritative and an unbound validating resolver on loopback.

Zones are written at test time, chosen zones are DNSSEC-signed with fresh keys, and unbound
trusts those keys as static anchors, so the AD bit means a chain really validated. Both
daemons bind 127.0.0.1 on free high ports; `scripts/test.sh` installs them from Debian.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from probes.domain.dns_client import DnsConfig

START_TIMEOUT_S = 10.0
NEEDED = ("named", "unbound", "dnssec-keygen", "dnssec-signzone")


class DnsLabUnavailable(RuntimeError):
    """BIND or unbound is not installed (scripts/test.sh installs them)."""


@dataclass(frozen=True, slots=True)
class DnsLab:
    """Where the lab answers: `port` is authoritative BIND, `resolver_port` validating unbound."""

    host: str
    port: int
    resolver_port: int
    workdir: Path
    anchors: Mapping[str, str]

    def via_resolver(self, timeout_s: float = 2.0) -> DnsConfig:
        """Ask through unbound (validating: AD set for the signed zones)."""
        return DnsConfig(nameservers=(self.host,), port=self.resolver_port, timeout_s=timeout_s)

    def via_authoritative(self, timeout_s: float = 2.0) -> DnsConfig:
        """Ask BIND directly (never sets AD)."""
        return DnsConfig(nameservers=(self.host,), port=self.port, timeout_s=timeout_s)


def missing_tools() -> list[str]:
    """The lab's programs that are not on PATH (named and unbound live in /usr/sbin)."""
    path = "/usr/sbin:/usr/bin:/sbin:/bin"
    return [tool for tool in NEEDED if shutil.which(tool, path=path) is None]


def soa_zone(origin: str, body: str, ttl: int = 300) -> str:
    """A zone file with the lab's SOA and NS lines prepended to `body` (relative names)."""
    return (
        f"$TTL {ttl}\n$ORIGIN {origin}.\n"
        f"@ IN SOA ns1.{origin}. hostmaster.{origin}. ( 2026112101 3600 600 86400 {ttl} )\n"
        f"  IN NS ns1.{origin}.\nns1 IN A 127.0.0.1\n{body}\n"
    )


def _free_port() -> int:
    """A port free for both UDP and TCP on 127.0.0.1 at the time of asking."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.bind(("127.0.0.1", 0))
            port = int(udp.getsockname()[1])
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
                try:
                    tcp.bind(("127.0.0.1", port))
                except OSError:
                    continue
                return port
    raise DnsLabUnavailable("no free port pair on 127.0.0.1")


def _run(args: list[str], cwd: Path) -> str:
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise DnsLabUnavailable(f"{args[0]} failed: {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout


def _sign(zone: str, workdir: Path) -> tuple[str, str]:
    """Sign `zone`'s file in place (KSK + ZSK, ECDSA P-256); returns (signed file, KSK record)."""
    _run(["dnssec-keygen", "-q", "-a", "ECDSAP256SHA256", "-f", "KSK", zone], workdir)
    _run(["dnssec-keygen", "-q", "-a", "ECDSAP256SHA256", zone], workdir)
    keys = sorted(workdir.glob(f"K{zone}.+*.key"))
    with (workdir / f"{zone}.zone").open("a") as handle:
        for key in keys:
            handle.write(f"$INCLUDE {key.name}\n")
    _run(["dnssec-signzone", "-q", "-o", zone, "-S", "-N", "INCREMENT", f"{zone}.zone"], workdir)
    ksk = next(
        line.strip()
        for key in keys
        for line in key.read_text().splitlines()
        if " 257 " in line and not line.startswith(";")
    )
    return f"{zone}.zone.signed", ksk


def _wait_for(port: int, pidfile: Path, log: Path, what: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if pidfile.exists() and pidfile.read_text().strip():
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    return
        time.sleep(0.05)
    detail = log.read_text()[-2000:] if log.exists() else "no log"
    raise DnsLabUnavailable(f"{what} did not start on port {port}: {detail}")


def _named_conf(workdir: Path, port: int, files: Mapping[str, str]) -> str:
    zones = "".join(
        f'zone "{zone}" {{ type primary; file "{name}"; }};\n' for zone, name in files.items()
    )
    return (
        f'options {{ directory "{workdir}"; pid-file "{workdir}/named.pid";\n'
        f'  session-keyfile "{workdir}/session.key"; listen-on port {port} {{ 127.0.0.1; }};\n'
        "  listen-on-v6 { none; }; recursion no; allow-transfer { none; };\n"
        "  dnssec-validation no; };\ncontrols { };\n"
        f'logging {{ channel f {{ file "{workdir}/named.log"; severity info; }};\n'
        "  category default { f; }; };\n"
        f"{zones}"
    )


def _unbound_conf(
    workdir: Path, port: int, upstream: int, zones: Collection[str], signed: Collection[str]
) -> str:
    lines = [
        "server:",
        "  interface: 127.0.0.1",
        f"  port: {port}",
        "  do-ip6: no",
        "  use-syslog: no",
        f'  logfile: "{workdir}/unbound.log"',
        '  username: ""',
        '  chroot: ""',
        f'  directory: "{workdir}"',
        f'  pidfile: "{workdir}/unbound.pid"',
        "  do-not-query-localhost: no",
        "  access-control: 127.0.0.0/8 allow",
        '  module-config: "validator iterator"',
        "  cache-max-ttl: 0",
        "  cache-max-negative-ttl: 0",
    ]
    if signed:
        lines.append(f'  trust-anchor-file: "{workdir}/anchors.txt"')
    tlds = sorted({zone.rsplit(".", 1)[-1] for zone in zones})
    # unbound serves some special-use TLDs (test., invalid., ...) itself (RFC 6761).
    lines += [f'  local-zone: "{tld}." nodefault' for tld in tlds]
    # Names outside the lab are refused, never sent to the root servers.
    lines.append('  local-zone: "." refuse')
    lines += [f'  local-zone: "{zone}." transparent' for zone in zones]
    lines += [f'  domain-insecure: "{zone}"' for zone in zones if zone not in signed]
    for zone in zones:
        lines += ["stub-zone:", f'  name: "{zone}"', f"  stub-addr: 127.0.0.1@{upstream}"]
    lines += ["remote-control:", "  control-enable: no"]
    return "\n".join(lines) + "\n"


def _stop(pidfile: Path) -> None:
    try:
        pid = int(pidfile.read_text().strip())
    except (OSError, ValueError):
        return
    try:
        # SIGKILL: the lab holds no state worth a clean shutdown, and named takes seconds.
        os.kill(pid, signal.SIGKILL)
        for _ in range(100):
            os.kill(pid, 0)
            time.sleep(0.02)
    except ProcessLookupError:
        return


@contextmanager
def dns_lab(
    workdir: Path, zones: Mapping[str, str], signed: Collection[str] = ()
) -> Iterator[DnsLab]:
    """Serve `zones` (name -> zone text) with BIND, sign those in `signed`, front with unbound.

    Raises:
        DnsLabUnavailable: a program is missing or a daemon did not come up.
    """
    missing = missing_tools()
    if missing:
        raise DnsLabUnavailable(f"not installed: {', '.join(missing)} (run scripts/test.sh)")
    workdir.mkdir(parents=True, exist_ok=True)
    files: dict[str, str] = {}
    anchors: dict[str, str] = {}
    for zone, text in zones.items():
        (workdir / f"{zone}.zone").write_text(text)
        files[zone] = f"{zone}.zone"
    for zone in signed:
        files[zone], anchors[zone] = _sign(zone, workdir)
    (workdir / "anchors.txt").write_text("".join(f"{key}\n" for key in anchors.values()))
    port, resolver_port = _free_port(), _free_port()
    (workdir / "named.conf").write_text(_named_conf(workdir, port, files))
    (workdir / "unbound.conf").write_text(
        _unbound_conf(workdir, resolver_port, port, list(zones), signed)
    )
    named_pid, unbound_pid = workdir / "named.pid", workdir / "unbound.pid"
    try:
        _run(["named", "-c", str(workdir / "named.conf")], workdir)
        _wait_for(port, named_pid, workdir / "named.log", "named")
        _run(["unbound", "-c", str(workdir / "unbound.conf")], workdir)
        _wait_for(resolver_port, unbound_pid, workdir / "unbound.log", "unbound")
        yield DnsLab("127.0.0.1", port, resolver_port, workdir, anchors)
    finally:
        _stop(unbound_pid)
        _stop(named_pid)
