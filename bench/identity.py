#!/usr/bin/env python3
"""Domain family throughput against a local DNS lab and RDAP server, cache on and off.

Run from the repository root: `.venv/bin/python bench/identity.py` (BIND and unbound must be
installed: `bash scripts/test.sh` does it). All figures come from the same run and are
reported as ratios, because absolute rates on this shared 2-core machine drift:

- bare: one dnspython A question per domain through the same validating resolver, the
  floor any DNS-based collector pays;
- family, cache off: the whole domain collection per domain (RDAP, DNS posture, DNSBL,
  lookalike), with the facts cache's TTL at 0;
- family, cache on: the same collector with its cache, cold (every domain new) then warm
  (every domain seen);
- lexical: the lookalike index build and the check per domain, against the shipped trusted
  list and against a generated 1,000-domain list.

The RDAP server runs in its own process, so it does not share the probing loop's GIL; unbound
keeps no cache (the lab sets cache-max-ttl 0), so "cache off" reaches BIND every time.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.servers holds the DNS lab


from probes.context import ProbeContext  # noqa: E402
from probes.domain.cache import CachePolicy  # noqa: E402
from probes.domain.collect import DomainCollector  # noqa: E402
from probes.domain.dns_client import DnsConfig, make_resolver  # noqa: E402
from probes.domain.dnsbl import DnsblZone  # noqa: E402
from probes.domain.lookalike import detect_lookalike, permutation_index  # noqa: E402
from probes.domain.rdap_collect import RegistrationSources  # noqa: E402
from probes.domain.sources import DomainSources  # noqa: E402
from probes.domain.trusted import TrustedList, default_trusted  # noqa: E402
from probes.netpolicy import NetworkPolicy  # noqa: E402
from probes.target import Target, parse_endpoint_url  # noqa: E402
from tests.servers.dnslab import dns_lab, soa_zone  # noqa: E402

PUBLIC = "93.184.215.14"  # only read from the zone; nothing connects to it
DBL = "dbl.bench-lab.net"
RDAP_CODE = """
import datetime as dt, sys
from aiohttp import web
start = dt.datetime.now(dt.UTC)
async def domain(request):
    name = request.match_info["name"].lower()
    days = sum(map(ord, name)) % 4000
    events = [
        {"eventAction": "registration",
         "eventDate": (start - dt.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")},
        {"eventAction": "expiration",
         "eventDate": (start + dt.timedelta(days=300)).strftime("%Y-%m-%dT%H:%M:%SZ")},
    ]
    return web.json_response(
        {"objectClassName": "domain", "ldhName": name, "events": events, "status": ["active"],
         "secureDNS": {"delegationSigned": False}},
        content_type="application/rdap+json")
app = web.Application()
app.router.add_get("/domain/{name}", domain)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=lambda *a: print("up", flush=True))
"""


def domains(count: int) -> list[str]:
    return [f"svc{i:04d}-lab.com" for i in range(count)]


def com_zone(names: list[str]) -> str:
    """One `com` zone holding every benchmark domain with a full hygiene set."""
    lines = []
    for name in names:
        label = name.removesuffix(".com")
        lines += [
            f"{label} IN A {PUBLIC}",
            f"mcp.{label} IN A {PUBLIC}",
            f"{label} IN MX 10 mail.{label}",
            f"mail.{label} IN A {PUBLIC}",
            f'{label} IN TXT "v=spf1 -all"',
            f'_dmarc.{label} IN TXT "v=DMARC1; p=reject"',
            f'{label} IN CAA 0 issue "letsencrypt.org"',
        ]
    return soa_zone("com", "\n".join(lines))


def dbl_zone(names: list[str]) -> str:
    listed = [f"{name} IN A 127.0.1.2" for name in names[::10]]
    return soa_zone(DBL, "\n".join(listed))


@contextmanager
def rdap_server(port: int) -> Iterator[str]:
    with subprocess.Popen(
        [sys.executable, "-c", RDAP_CODE, str(port)], stdout=subprocess.PIPE, text=True
    ) as proc:
        try:
            assert proc.stdout is not None  # noqa: S101
            proc.stdout.readline()
            yield f"http://127.0.0.1:{port}/"
        finally:
            proc.terminate()


async def bounded(
    items: list[str], work: Callable[[str], Awaitable[object]], concurrency: int
) -> float:
    """Seconds to run `work` on every item, at most `concurrency` at once."""
    gate = asyncio.Semaphore(concurrency)

    async def one(item: str) -> None:
        async with gate:
            await work(item)

    started = time.perf_counter()
    await asyncio.gather(*(one(item) for item in items))
    return time.perf_counter() - started


def target(domain: str) -> Target:
    return Target(endpoint=parse_endpoint_url(f"https://mcp.{domain}/mcp"), addresses=(PUBLIC,))


async def throughput(
    names: list[str], rdap_url: str, dns: DnsConfig, concurrency: int, rounds: int
) -> dict[str, list[float]]:
    policy = NetworkPolicy(allow_private=True)
    ctx = ProbeContext(policy=policy)
    resolver = make_resolver(dns)

    async def bare(name: str) -> None:
        await resolver.resolve(f"mcp.{name}", "A")

    def collector(ttl_s: float) -> DomainCollector:
        sources = DomainSources(
            registration=RegistrationSources(rdap_base_url=rdap_url, whois_enabled=False),
            dns=dns,
            dnsbl_zones=(DnsblZone(DBL),),
            cache=CachePolicy(ttl_s=ttl_s),
        )
        return DomainCollector(sources)

    rates: dict[str, list[float]] = {k: [] for k in ("bare", "off", "cold", "warm")}
    for _ in range(rounds):
        rates["bare"].append(len(names) / await bounded(names, bare, concurrency))
        off = collector(0.0)
        rates["off"].append(len(names) / await bounded(names, _collect(off, ctx), concurrency))
        on = collector(3600.0)
        rates["cold"].append(len(names) / await bounded(names, _collect(on, ctx), concurrency))
        rates["warm"].append(len(names) / await bounded(names, _collect(on, ctx), concurrency))
    ctx.close()
    return rates


def _collect(collector: DomainCollector, ctx: ProbeContext) -> Callable[[str], Awaitable[object]]:
    async def run(name: str) -> None:
        observation = await collector(target(name), ctx)
        if observation.registration.facts is None or observation.dns.unavailable_reason:
            raise RuntimeError(f"{name}: a source failed, the figures would be wrong")

    return run


def generated_trusted(count: int, seed: int = 7) -> TrustedList:
    """`count` brand-like registrable domains (two or three syllables, common TLDs)."""
    rng = random.Random(seed)  # noqa: S311 - benchmark data, not security
    syllables = "ka ro mi zen tor va lu pe xi dra quo neb sil fa mor tek vio pra gus hel"
    syllables_list = syllables.split()
    tlds = ("com", "io", "ai", "dev", "org", "net")
    names: set[str] = set()
    while len(names) < count:
        label = "".join(rng.choice(syllables_list) for _ in range(rng.choice((2, 3))))
        names.add(f"{label}.{rng.choice(tlds)}")
    return TrustedList(frozenset(names))


def lexical(trusted: TrustedList, candidates: list[str]) -> tuple[float, float, int]:
    """(index build seconds, microseconds per check, lookalikes found)."""
    permutation_index.cache_clear()
    started = time.perf_counter()
    permutation_index(trusted)
    build = time.perf_counter() - started
    started = time.perf_counter()
    found = sum(detect_lookalike(name, trusted).is_lookalike for name in candidates)
    per_check = (time.perf_counter() - started) / len(candidates) * 1e6
    return build, per_check, found


def candidates_for(trusted: TrustedList, count: int, seed: int = 11) -> list[str]:
    """Half transposition typos of trusted domains, half unrelated names."""
    rng = random.Random(seed)  # noqa: S311 - benchmark data
    pool = sorted(trusted.domains)
    out = []
    for i in range(count):
        if i % 2:
            out.append(f"unrelated{i:04d}-shop.com")
            continue
        label, _, suffix = rng.choice(pool).partition(".")
        spot = rng.randrange(1, len(label))
        swapped = label[: spot - 1] + label[spot] + label[spot - 1] + label[spot + 1 :]
        out.append(f"{swapped}.{suffix}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--domains", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rdap-port", type=int, default=18443)
    args = parser.parse_args()
    names = domains(args.domains)
    zones = {"com": com_zone(names), DBL: dbl_zone(names)}
    print(
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {args.domains} domains, "
        f"concurrency {args.concurrency}, {args.rounds} rounds"
    )
    with (
        tempfile.TemporaryDirectory() as work,
        dns_lab(Path(work), zones) as lab,
        rdap_server(args.rdap_port) as rdap_url,
    ):
        dns = DnsConfig(nameservers=("127.0.0.1",), port=lab.resolver_port, timeout_s=5.0)
        rates = asyncio.run(throughput(names, rdap_url, dns, args.concurrency, args.rounds))
    median = {key: statistics.median(values) for key, values in rates.items()}
    print("\nlookups per second (median of rounds; each round alternates all four)")
    for key, label in (
        ("bare", "bare A question (baseline)"),
        ("off", "domain family, cache off"),
        ("cold", "domain family, cache on, cold"),
        ("warm", "domain family, cache on, warm"),
    ):
        runs = ", ".join(f"{v:,.0f}" for v in rates[key])
        print(f"  {label:<32} {median[key]:>10,.0f}/s   ({runs})")
    print(f"  ratio cache off / bare            {median['off'] / median['bare']:.3f}")
    print(f"  ratio warm / cache off            {median['warm'] / median['off']:.1f}x")
    print(f"  ratio cold / cache off            {median['cold'] / median['off']:.2f}")

    print("\nlexical lookalike check (1,000 candidates: half typos of trusted names)")
    for label, trusted in (
        (f"shipped list ({len(default_trusted().domains)})", default_trusted()),
        ("generated list (1,000)", generated_trusted(1000)),
    ):
        candidates = candidates_for(trusted, 1000)
        build, per_check, found = lexical(trusted, candidates)
        entries = len(permutation_index(trusted).entries)
        print(
            f"  {label:<24} index {build:6.2f} s ({entries:,} names), "
            f"{per_check:6.1f} us/check, {found} lookalikes"
        )


if __name__ == "__main__":
    main()
