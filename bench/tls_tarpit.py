#!/usr/bin/env python3
"""Healthy TLS scans during and after a tarpit attack: sslyze in threads (before) and in killable
children (after), as a same-run ratio (issue 16).

The attack: `--tarpits` scans at once, each of a tarpit (tests/servers/tls.py: it relays
sslyze's connectivity check to a real lab server, then accepts and holds every later
connection). Then healthy scans of a lab server with a valid certificate run one after
another: `--during` of them while the attack's scans are still in flight, and `--after` once
every attack scan has returned (its budget spent). Each is a whole TLS family run
(`run_families`), so a scan that cannot start in time ends as TIMEOUT at the budget.

- threads: the collector as it was, sslyze in the context's 4-thread pool (the old default).
  The budget stops the waiting, not the thread: stuck threads keep their connections and
  starve later scans until sslyze gives up, minutes later.
- children: the collector as it is, sslyze in a `ChildPool` (`--children`, default 2), the
  child killed at the budget.

Printed per path and phase: the healthy scans' median and worst seconds and how many timed
out, and the connections the tarpits still held once the attack's scans had returned and the
healthy scans after it had run. The ratios are the threads' median over
the children's, per phase; a timed-out scan counts as the budget, so a ratio with timeouts
is a lower bound. Both paths run in this one process, one after the other, on the same
servers; on a busy 2-core machine absolute seconds drift, the ratio less so.

Run from the repository root: `.venv/bin/python bench/tls_tarpit.py [--tarpits 4]` (the
issue's attack was four scans, one per thread of the old pool).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import datetime as dt
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.servers holds the tarpit

from cryptography.utils import CryptographyDeprecationWarning  # noqa: E402

from probes.children import ChildPool  # noqa: E402
from probes.context import ProbeContext, ProbeLimits  # noqa: E402
from probes.family import FamilySpec  # noqa: E402
from probes.model import AttemptStatus  # noqa: E402
from probes.netpolicy import NetworkPolicy  # noqa: E402
from probes.runner import run_families  # noqa: E402
from probes.target import Target, parse_endpoint_url  # noqa: E402
from probes.tls.collect import scan_spec  # noqa: E402
from probes.tls.family import TLS_FAMILY  # noqa: E402
from probes.tls.observation import TlsObservation  # noqa: E402
from probes.tls.scan import scan_target  # noqa: E402
from tests.servers.tls import Tarpit, tarpit_server  # noqa: E402
from trustsvc.lab.pki import mint_lab_pki  # noqa: E402
from trustsvc.lab.tls_server import LabTlsConfig, LabTlsServer  # noqa: E402

CONNECTIVITY_CONNECTIONS = 3  # sslyze's connectivity check, let through by the tarpit
OLD_THREADS = 4  # the collector's thread pool before issue 16


async def _collect_in_thread(target: Target, ctx: ProbeContext) -> TlsObservation:
    """The collector before issue 16: the same blocking scan in the context's thread pool."""
    spec = scan_spec(target, ctx, dt.datetime.now(dt.UTC))
    return await ctx.run_blocking(scan_target, spec)


THREAD_FAMILY: FamilySpec[TlsObservation] = dataclasses.replace(
    TLS_FAMILY, collect=_collect_in_thread
)


def lab_target(port: int) -> Target:
    return Target(
        endpoint=parse_endpoint_url(f"https://localhost:{port}/mcp"), addresses=("127.0.0.1",)
    )


@dataclasses.dataclass(slots=True)
class Phase:
    seconds: list[float] = dataclasses.field(default_factory=list)
    timed_out: int = 0

    @property
    def median(self) -> float:
        return statistics.median(self.seconds) if self.seconds else float("nan")


@dataclasses.dataclass(slots=True)
class PathResult:
    label: str
    during: Phase
    after: Phase
    held_after_attack: int
    attack_s: float
    held_at_s: float  # how long after the attack's scans returned `held_after_attack` was read


async def healthy_scan(port: int, ctx: ProbeContext, family: FamilySpec[TlsObservation]) -> float:
    """One healthy TLS family run; its seconds, negative when it did not complete."""
    started = time.perf_counter()
    result = await run_families(lab_target(port), ctx, (family,))
    elapsed = time.perf_counter() - started
    (attempt,) = result.attempts
    return elapsed if attempt.status is AttemptStatus.COMPLETED else -elapsed


async def run_path(
    label: str,
    *,
    capacity: int,
    ctx: ProbeContext,
    family: FamilySpec[TlsObservation],
    tarpits: list[Tarpit],
    healthy_port: int,
    args: argparse.Namespace,
) -> PathResult:
    """The attack, healthy scans during it, then healthy scans after it."""
    started = time.perf_counter()
    attack = [
        asyncio.create_task(run_families(lab_target(t.port), ctx, (family,))) for t in tarpits
    ]
    # The healthy scans start once the attack holds what it can: a tarpit per thread, or
    # per child (attack scans beyond the pool's size wait for a child, as a healthy one does).
    need = min(len(tarpits), capacity)
    # A count across tarpits (each with its own condition), so it is polled.
    while sum(t.held > 0 for t in tarpits) < need and not all(a.done() for a in attack):  # noqa: ASYNC110
        await asyncio.sleep(0.05)
    during, after = Phase(), Phase()
    for _ in range(args.during):
        if all(task.done() for task in attack):
            break
        record(during, await healthy_scan(healthy_port, ctx, family))
    await asyncio.gather(*attack)
    attack_s = time.perf_counter() - started
    for _ in range(args.after):
        record(after, await healthy_scan(healthy_port, ctx, family))
    held = sum(t.held for t in tarpits)
    return PathResult(
        label, during, after, held, attack_s, time.perf_counter() - started - attack_s
    )


def record(phase: Phase, signed_s: float) -> None:
    phase.seconds.append(abs(signed_s))
    phase.timed_out += signed_s < 0


@contextlib.contextmanager
def servers(workdir: Path, count: int) -> Iterator[tuple[Path, int, list[Tarpit]]]:
    """The CA file, the healthy server's port, and `count` tarpits in front of another."""
    pki = mint_lab_pki(workdir / "pki")
    config = LabTlsConfig(chain=pki["valid"].chain, key=pki["valid"].key)
    with contextlib.ExitStack() as stack:
        behind = stack.enter_context(LabTlsServer(config))
        healthy = stack.enter_context(LabTlsServer(config))
        tarpits = [
            stack.enter_context(tarpit_server(behind.port, hand_over=CONNECTIVITY_CONNECTIONS))
            for _ in range(count)
        ]
        yield pki.ca_cert, healthy.port, tarpits


def context(ca_file: Path, args: argparse.Namespace, children: int) -> ProbeContext:
    limits = ProbeLimits(family_budget_s=args.budget, network_timeout_s=args.network_timeout)
    return ProbeContext(
        policy=NetworkPolicy(allow_private=True),
        limits=limits,
        ca_file=ca_file,
        executor=ThreadPoolExecutor(max_workers=OLD_THREADS, thread_name_prefix="old-tls"),
        children=ChildPool(size=children),
    )


async def bench(args: argparse.Namespace, workdir: Path) -> list[PathResult]:
    results: list[PathResult] = []
    for label in ("children", "threads"):  # threads last: their stuck scans outlive the run
        with servers(workdir / label, args.tarpits) as (ca_file, healthy_port, tarpits):
            ctx = context(ca_file, args, args.children)
            try:
                await ctx.children.warm()
                family = TLS_FAMILY if label == "children" else THREAD_FAMILY
                capacity = args.children if label == "children" else OLD_THREADS
                warm = await healthy_scan(healthy_port, ctx, family)  # imports, trust stores
                print(f"{label}: warm-up healthy scan {abs(warm):.1f} s", flush=True)
                result = await run_path(
                    label,
                    capacity=capacity,
                    ctx=ctx,
                    family=family,
                    tarpits=tarpits,
                    healthy_port=healthy_port,
                    args=args,
                )
                results.append(result)
                print_path(result, args)
            finally:
                # Closing the tarpits (leaving `servers`) ends what stuck threads still hold.
                ctx.close()
    return results


def print_path(r: PathResult, args: argparse.Namespace) -> None:
    for name, phase in (("during", r.during), ("after", r.after)):
        worst = max(phase.seconds, default=float("nan"))
        print(
            f"  {r.label:8} {name:6} {len(phase.seconds)} healthy scans:"
            f" median {phase.median:5.1f} s, worst {worst:5.1f} s,"
            f" {phase.timed_out} timed out (budget {args.budget:g} s)",
            flush=True,
        )
    print(
        f"  {r.label:8} attack scans returned after {r.attack_s:.1f} s; connections the tarpits"
        f" still held {r.held_at_s:.0f} s later: {r.held_after_attack}",
        flush=True,
    )


def print_summary(results: list[PathResult]) -> None:
    by = {r.label: r for r in results}
    old, new = by["threads"], by["children"]
    print("\nhealthy TLS scan time, threads / children (median; >1 means the pool is faster):")
    for name in ("during", "after"):
        a, b = getattr(old, name), getattr(new, name)
        bound = " (lower bound: threads timed out)" if a.timed_out else ""
        print(f"  {name:6}: {a.median:.1f} s / {b.median:.1f} s = {a.median / b.median:.1f}{bound}")
    print(
        f"connections held after the attack: threads {old.held_after_attack},"
        f" children {new.held_after_attack}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--tarpits", type=int, default=4, help="attack scans at once")
    parser.add_argument("--during", type=int, default=3, help="healthy scans during the attack")
    parser.add_argument("--after", type=int, default=3, help="healthy scans after it")
    parser.add_argument("--budget", type=float, default=15.0, help="family budget, seconds")
    parser.add_argument("--network-timeout", type=float, default=5.0, help="sslyze's, seconds")
    parser.add_argument("--children", type=int, default=2, help="the pool's size")
    args = parser.parse_args()
    if min(args.tarpits, args.during, args.after, args.children) < 1:
        parser.error("--tarpits, --during, --after and --children must be positive")
    warnings.filterwarnings("ignore", category=CryptographyDeprecationWarning)
    print(
        f"tarpit bench: {args.tarpits} tarpit scan(s) at once, budget {args.budget:g} s,"
        f" network timeout {args.network_timeout:g} s; threads: {OLD_THREADS},"
        f" children: {args.children}",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="trustsvc-tarpit-") as tmp:
        results = asyncio.run(bench(args, Path(tmp)))
    print_summary(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
