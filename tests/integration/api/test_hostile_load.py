"""The API keeps answering lookups while a batch of slow and hostile scans runs.

`trustsvc serve` runs in its own process over a fresh database. After one real scan of the
good TLS lab server, sixteen scans start at once through the API: hostile HTTP peers (a body
dripped a byte per tick, an endless SSE stream, malformed JSON, redirect loops, 5000 tools,
a 512 KiB description), TLS servers that accept and never answer or hang up mid-handshake,
and the good server again. The slowest stall their families for 10-12 s. Meanwhile four
clients look up the known endpoint and unknown URLs (a cached miss, and new URLs that reach
the database) and every answer must come back far sooner than the stalls: the event loop,
the probes' thread pool and the database are all busy, but no scan may hold a lookup up.
"""

from __future__ import annotations

import asyncio
import logging
import statistics
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from probes.context import ProbeLimits
from tests.servers.api_process import ApiProcess
from tests.servers.hostile import HostileServer
from tests.servers.tls import closing_server, hanging_server
from trustsvc.lab.pki import LabPki
from trustsvc.lab.tls_server import LabTlsServer
from trustsvc.store.db import make_engine
from trustsvc.store.migrate import upgrade

log = logging.getLogger(__name__)

BUDGET_S = 12.0
"""Each family's budget: a TLS server that never answers costs this much."""
STALL_S = ProbeLimits().request_timeout_s
"""How long the slow-drip peer holds each HTTP exchange (the default request timeout)."""
MAX_LOOKUP_S = STALL_S / 2
"""A lookup held up by any stalled exchange would take at least STALL_S.

Seen: 0.4-1.4 s alone on two cores, up to 2.7 s beside another test worker's TLS scans.
"""
WARM_UP_S = 1.0
LOOKERS = 4
PAUSE_S = 0.01
DEADLINE_S = 60.0
UNKNOWN_URL = "https://never-scanned.example/mcp"

COMPLETED = "completed"
ANY_ERROR = "*"
MCP_FAMILIES = ("auth", "tools")


@dataclass(frozen=True, slots=True)
class Case:
    """One scan of the batch and how each family named must end (reasons, or completed)."""

    name: str
    url: str
    expect: Mapping[str, frozenset[str]]
    wait: bool = False
    stalls: bool = False


@dataclass(frozen=True, slots=True)
class Sample:
    """One lookup: when it ended (s since the lookups began), how long it took, its answer."""

    at: float
    latency: float
    kind: str
    status: int
    body: Any


@dataclass
class Batch:
    """What the batch's requests saw."""

    started: float = 0.0
    posted: float = 0.0
    scan_ids: dict[str, str] = field(default_factory=dict)
    waited: dict[str, float] = field(default_factory=dict)
    last_running: dict[str, float] = field(default_factory=dict)
    samples: list[Sample] = field(default_factory=list)

    def now(self) -> float:
        """Seconds since the lookups began."""
        return time.perf_counter() - self.started


def mcp(*reasons: str) -> dict[str, frozenset[str]]:
    return dict.fromkeys(MCP_FAMILIES, frozenset(reasons))


def cases(hostile: HostileServer, good: str, hang: tuple[int, int], closing: int) -> list[Case]:
    def at(path: str, **expect: frozenset[str]) -> Case:
        return Case(path, hostile.url(path), expect or mcp(COMPLETED))

    return [
        Case("slow-drip", hostile.url("/slow-drip"), mcp("timeout"), stalls=True),
        Case("slow-drip-wait", hostile.url("/slow-drip", other=True), mcp("timeout"), wait=True),
        Case("endless-sse", hostile.url("/endless-sse"), mcp("timeout", "response_too_large")),
        at("/invalid-json", **mcp("protocol_error")),
        at("/wrong-type", **mcp("protocol_error")),
        at("/redirect-loop", **mcp("protocol_error")),
        at("/redirect-private", **mcp("refused_by_policy")),
        at("/legacy/private", **mcp("refused_by_policy")),
        at("/mcp/many"),
        at("/mcp/huge"),
        at("/mcp/cursor-loop"),
        at("/legacy/foreign"),
        Case(
            "tls-hang",
            f"https://127.0.0.1:{hang[0]}/mcp",
            {"tls": frozenset({"timeout"}), **mcp("timeout")},
            stalls=True,
        ),
        Case(
            "tls-hang-wait",
            f"https://127.0.0.1:{hang[1]}/mcp",
            {"tls": frozenset({"timeout"}), **mcp("timeout")},
            wait=True,
        ),
        Case(
            "tls-closing",
            f"https://127.0.0.1:{closing}/mcp",
            {"tls": frozenset({"tls_handshake_failed"}), **mcp(ANY_ERROR)},
        ),
        Case("good-again", good, {"tls": frozenset({COMPLETED})}),
    ]


async def test_lookups_stay_fast_while_hostile_scans_stall(
    tmp_path: Path, database_url: str, lab_pki: LabPki, good_server: LabTlsServer
) -> None:
    if database_url.startswith("postgresql"):
        engine = make_engine(database_url)
        await upgrade(engine)
        await engine.dispose()
    env = {
        "TRUSTSVC_DATABASE_URL": database_url,
        "TRUSTSVC_ALLOWED_NETWORKS": "127.0.0.0/8",
        "TRUSTSVC_CA_FILE": str(lab_pki.ca_cert),
        "TRUSTSVC_FAMILY_BUDGET_S": str(BUDGET_S),
        "TRUSTSVC_SCHEDULER": "off",
        # Four TLS scans run at once, two of them held by hanging servers for the budget; a
        # child per scan, so none waits for one (tls/test_tarpit.py is about that wait).
        "TRUSTSVC_TLS_CHILDREN": "4",
        # The limits are not what this test is about; lookups come at 100+ a second.
        "TRUSTSVC_RATE_ADDRESS_PER_MIN": "0",
        "TRUSTSVC_RATE_SCAN_PER_MIN": "0",
    }
    good = good_server.url(host="127.0.0.1")
    timeout = aiohttp.ClientTimeout(total=DEADLINE_S)
    with hanging_server() as hang_a, hanging_server() as hang_b, closing_server() as closing:
        async with (
            HostileServer() as hostile,
            ApiProcess(env, tmp_path / "serve.log") as api,
            aiohttp.ClientSession(api.url, timeout=timeout) as http,
        ):
            seeded = await post_scan(http, good, wait=True)
            assert seeded[0] == 201, seeded
            seed = seeded[1]
            batch_cases = cases(hostile, good, (hang_a, hang_b), closing)
            batch = Batch()
            async with asyncio.timeout(DEADLINE_S):
                await run_batch(http, batch, batch_cases, good)
            reports = {
                case.name: await report(http, batch.scan_ids[case.name]) for case in batch_cases
            }
            async with http.get("/health") as health:
                assert health.status == 200
                assert (await health.json())["database"] == "ok"
            assert api.running, api.log_tail()
    check_lookups(batch, {seed["scan_id"], batch.scan_ids["good-again"]})
    check_in_flight(batch, batch_cases)
    check_reports(batch_cases, reports, seed)


async def post_scan(http: aiohttp.ClientSession, url: str, *, wait: bool) -> tuple[int, Any]:
    params = {"wait": "true" if wait else "false"}
    async with http.post("/v1/scans", params=params, json={"url": url}) as response:
        return response.status, await response.json(content_type=None)


async def report(http: aiohttp.ClientSession, scan_id: str) -> dict[str, Any]:
    """The finished scan's report, once it has finished.

    Scans that do not stall (the 5,000-tool listing) may still be judging on a loaded
    machine when the stalling ones are done (CI saw a 202 here at load 17).
    """
    async with asyncio.timeout(DEADLINE_S):
        while True:
            async with http.get(f"/v1/scans/{scan_id}") as response:
                if response.status != 202:
                    assert response.status == 200, (scan_id, await response.text())
                    body: dict[str, Any] = await response.json()
                    return body
            await asyncio.sleep(0.25)


async def run_batch(
    http: aiohttp.ClientSession, batch: Batch, batch_cases: list[Case], good: str
) -> None:
    """Look up, start every scan, and stop looking once the stalling ones have finished."""
    stop = asyncio.Event()
    batch.started = time.perf_counter()
    lookers = [
        asyncio.create_task(look_up(http, batch, good, number, stop)) for number in range(LOOKERS)
    ]
    await asyncio.sleep(WARM_UP_S)  # a serving API has its connections open already
    batch.posted = batch.now()
    waiting = {
        case.name: asyncio.create_task(waited_scan(http, batch, case))
        for case in batch_cases
        if case.wait
    }
    started = [case for case in batch_cases if not case.wait]
    answers = await asyncio.gather(*(post_scan(http, case.url, wait=False) for case in started))
    for case, (status, body) in zip(started, answers, strict=True):
        assert status == 202, (case.name, status, body)
        batch.scan_ids[case.name] = body["scan_id"]
    stalling = [case.name for case in batch_cases if case.stalls]
    await asyncio.gather(*(watch(http, batch, name) for name in stalling), *waiting.values())
    stop.set()
    await asyncio.gather(*lookers)


async def waited_scan(http: aiohttp.ClientSession, batch: Batch, case: Case) -> None:
    """A `wait=true` request: the connection stays open for the whole scan."""
    status, body = await post_scan(http, case.url, wait=True)
    assert status == 201, (case.name, status, body)
    batch.scan_ids[case.name] = body["scan_id"]
    batch.waited[case.name] = batch.now() - batch.posted


async def watch(http: aiohttp.ClientSession, batch: Batch, name: str) -> None:
    """Poll a scan while it runs, noting when it was last seen running.

    On a busy machine the posts can take so long that a stalling scan is over by the first
    poll; then its own report says how long its slowest family ran, from just after the post.
    """
    while True:
        async with http.get(f"/v1/scans/{batch.scan_ids[name]}") as response:
            if response.status == 200:
                if name not in batch.last_running:
                    attempts = (await response.json())["attempts"]
                    ran_s = max(a["elapsed_ms"] for a in attempts) / 1000
                    batch.last_running[name] = ran_s
                return
            assert response.status == 202, (name, response.status)
            assert (await response.json())["status"] == "running"
        batch.last_running[name] = batch.now() - batch.posted
        await asyncio.sleep(0.25)


async def look_up(
    http: aiohttp.ClientSession, batch: Batch, known: str, looker: int, stop: asyncio.Event
) -> None:
    """Look up the known URL, an unknown one, and a URL never asked before, in turn."""
    count = 0
    while not stop.is_set():
        count += 1
        kind = ("known", "unknown", "new")[count % 3]
        url = {"known": known, "unknown": UNKNOWN_URL}.get(
            kind, f"https://new-{looker}-{count}.example/mcp"
        )
        started = time.perf_counter()
        try:
            async with http.get("/v1/lookup", params={"url": url}) as response:
                status, body = response.status, await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError) as exc:
            status, body = 0, repr(exc)
        batch.samples.append(Sample(batch.now(), time.perf_counter() - started, kind, status, body))
        await asyncio.sleep(PAUSE_S)


def check_lookups(batch: Batch, known_ids: set[str]) -> None:
    samples = batch.samples
    latencies = sorted(s.latency for s in samples)
    p99 = statistics.quantiles(latencies, n=100)[98]
    slowest = sorted(samples, key=lambda s: -s.latency)[:5]
    log.info(
        "%d lookups: max %.3f s, p99 %.3f s, median %.3f s; slowest (at, latency, kind): %s",
        len(latencies),
        latencies[-1],
        p99,
        statistics.median(latencies),
        [(round(s.at, 2), round(s.latency, 3), s.kind) for s in slowest],
    )
    failed = [s for s in samples if not answered(s, known_ids)]
    assert not failed, failed[:5]
    assert {s.kind for s in samples} == {"known", "unknown", "new"}
    assert len(samples) >= 200
    # The causal bound only: a lookup queued behind a stalled exchange would take STALL_S.
    # How fast lookups are is bench/lookup.py's to measure, not a test's to assert (a busy
    # CI machine failed a p99 bound here with every lookup answered).
    assert latencies[-1] < MAX_LOOKUP_S, slowest


def answered(sample: Sample, known_ids: set[str]) -> bool:
    if sample.kind == "known":
        return sample.status == 200 and sample.body["scan_id"] in known_ids
    return sample.status == 404 and str(sample.body["type"]).endswith("/not-found")


def check_in_flight(batch: Batch, batch_cases: list[Case]) -> None:
    """The stalling scans really were running while the lookups were answered."""
    log.info("seen running until %s, waited for %s", batch.last_running, batch.waited)
    for case in batch_cases:
        if case.stalls:
            assert batch.last_running[case.name] >= STALL_S - 2, case.name
        if case.wait:
            assert batch.waited[case.name] >= STALL_S - 2, case.name
    window = batch.posted + min(batch.last_running.values())
    during = [s for s in batch.samples if batch.posted <= s.at <= window]
    assert len(during) >= 100


def check_reports(
    batch_cases: list[Case], reports: Mapping[str, Any], seed: Mapping[str, Any]
) -> None:
    """Hostile scans ended on their own, each failed family with a recorded reason."""
    log.info(
        "slowest family per scan (ms): %s",
        {name: max(a["elapsed_ms"] for a in got["attempts"]) for name, got in reports.items()},
    )
    for case in batch_cases:
        got = reports[case.name]
        attempts = {a["family"]: a for a in got["attempts"]}
        failed = False
        for family, accepted in case.expect.items():
            attempt = attempts[family]
            if accepted == {COMPLETED}:
                assert attempt["status"] == COMPLETED, (case.name, attempt)
                continue
            failed = True
            assert attempt["status"] == "error", (case.name, attempt)
            assert ANY_ERROR in accepted or attempt["reason"] in accepted, (case.name, attempt)
            outcomes = {f["outcome"] for f in got["findings"] if f["family"] == family}
            assert outcomes == {"not_available"}, (case.name, family, outcomes)
        if failed:
            assert got["confidence"] <= seed["confidence"], case.name
        if case.stalls or case.wait:
            slowest = max(a["elapsed_ms"] for a in got["attempts"])
            assert slowest >= (STALL_S - 1) * 1000, (case.name, got["attempts"])
