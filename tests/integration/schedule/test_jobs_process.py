"""`trustsvc serve` runs its job table in a child process it supervises (issue 22).

Real processes throughout: `trustsvc serve` on a loopback port (tests/servers/api_process),
its jobs child found through /proc, signals sent as a user, an OOM killer or a terminal
would. Nothing sleeps: every wait polls with a deadline.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from tests.servers.api_process import ApiProcess

DEADLINE_S = 90.0
"""Only so that a regression fails instead of hanging; a loaded machine is slow to import."""
CHILD_MODULE = b"trustsvc.jobs.child"


def jobs_children(pid: int) -> list[int]:
    """Pids of `pid`'s live children that run the job table."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        found.extend(c for c in map(int, children) if CHILD_MODULE in _cmdline(c) and alive(c))
    return found


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def alive(pid: int) -> bool:
    """Whether `pid` exists and is not a zombie waiting for its parent."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


async def until(predicate: object, what: str) -> None:
    """Poll `predicate()` (sync or async) until true, or fail after the deadline."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + DEADLINE_S
    while loop.time() < deadline:
        result = predicate()  # type: ignore[operator]
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        await asyncio.sleep(0.05)
    pytest.fail(f"not within {DEADLINE_S:.0f} s: {what}")


def niceness(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])


async def ready(api: ApiProcess) -> bool:
    try:
        async with aiohttp.ClientSession() as http, http.get(f"{api.url}/readyz") as response:
            return response.status == 200
    except aiohttp.ClientError:
        return False


@pytest.fixture
async def serve(tmp_path: Path) -> AsyncIterator[ApiProcess]:
    env = {
        "TRUSTSVC_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}",
        "TRUSTSVC_DOMAIN_LOOKUPS": "off",
        "TRUSTSVC_SCHEDULER": "on",
    }
    seen: set[int] = set()
    async with ApiProcess(env, tmp_path / "serve.log") as api:
        await until(lambda: ready(api), "serve ready with its scheduler running")
        seen.update(jobs_children(api.pid))
        yield api
        seen.update(jobs_children(api.pid))
    # However a test ended serve, no jobs child outlives it.
    await until(lambda: not any(alive(pid) for pid in seen), "no jobs child left behind")


async def the_child(api: ApiProcess) -> int:
    children: list[int] = []

    def one() -> bool:
        children[:] = jobs_children(api.pid)
        return len(children) == 1

    await until(one, "exactly one jobs child")
    return children[0]


async def test_the_jobs_run_in_one_child_whose_metrics_serve_merges(serve: ApiProcess) -> None:
    child = await the_child(serve)
    assert child != serve.pid
    assert niceness(child) > niceness(serve.pid)  # requests first when the cores are busy
    async with aiohttp.ClientSession() as http, http.get(f"{serve.url}/metrics") as response:
        text = await response.text()
    # The jobs' loop lives in the child: its lag series reaches /metrics only by the merge.
    assert 'trustsvc_event_loop_lag_seconds_count{loop="jobs"}' in text
    assert 'trustsvc_event_loop_lag_seconds_count{loop="api"}' in text
    assert text.count("# TYPE trustsvc_event_loop_lag_seconds histogram") == 1


async def test_a_killed_child_is_replaced(serve: ApiProcess) -> None:
    first = await the_child(serve)
    os.kill(first, signal.SIGKILL)
    await until(lambda: (c := jobs_children(serve.pid)) and c[0] != first, "a new jobs child")
    await until(lambda: ready(serve), "the scheduler running again")
    assert "the jobs process exited with -9" in serve.log_tail(200)
    assert not alive(first)


async def test_sigterm_stops_serve_and_its_child(serve: ApiProcess) -> None:
    child = await the_child(serve)
    os.kill(serve.pid, signal.SIGTERM)
    # uvicorn shuts down, then re-raises the signal it caught: the status says "terminated".
    assert await serve.wait(DEADLINE_S) in (0, -signal.SIGTERM)
    await until(lambda: not alive(child), "the jobs child gone after serve stopped")


async def test_ctrl_c_to_the_process_group_stops_both(serve: ApiProcess) -> None:
    # A terminal's Ctrl-C signals every process of the group: the child ignores it and
    # serve, stopping, stops the child.
    child = await the_child(serve)
    os.kill(child, signal.SIGINT)
    os.kill(serve.pid, signal.SIGINT)
    assert await serve.wait(DEADLINE_S) in (0, 130)  # the CLI's exit after an interrupt
    await until(lambda: not alive(child), "the jobs child gone after Ctrl-C")


async def test_a_killed_serve_leaves_no_orphan(serve: ApiProcess) -> None:
    child = await the_child(serve)
    await serve.kill()  # SIGKILL: no shutdown code runs in serve
    await until(lambda: not alive(child), "the orphaned jobs child gone")


async def test_a_start_up_warning_is_printed_once_not_again_by_the_child(
    serve: ApiProcess,
) -> None:
    # No TRUSTSVC_SECRET_KEY: serve warns that secrets are stored in clear. The child reads
    # the same environment, and a second copy would read like a second problem.
    await the_child(serve)  # ready: the child has opened its services and said it runs
    assert serve.log_tail(400).count("TRUSTSVC_SECRET_KEY is not set") == 1
