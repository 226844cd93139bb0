"""ChildPool with real child processes: answers, errors, kills, replacement and wear-out.

A call that must be seen running connects back to a listener of the test and then blocks
forever, holding that connection: the accept says the call is in its child (and which one),
and EOF on the accepted socket says the child is dead, its sockets closed by the kernel.
"""

from __future__ import annotations

import asyncio
import os
import socket
import threading
from collections.abc import Iterator

import pytest

from probes.children import ChildDied, ChildFailed, ChildPool
from probes.errors import ProbeError, ProbeTimeout, Unreachable

GENEROUS_S = 60.0  # a bound that only a broken pool reaches


# -- what the children run (module-level, so a child imports them by name) ---------------------


def ready() -> int:
    """A child that answers this has imported this module (so later calls start at once)."""
    return os.getpid()


def refuse(detail: str) -> None:
    raise Unreachable(detail)


def crash() -> None:
    raise KeyError("boom")


def unpicklable_result() -> object:
    return lambda: None


def hold_a_connection(port: int) -> None:
    """Connect to the test, say which process this is, and block forever."""
    conn = socket.create_connection(("127.0.0.1", port))
    conn.sendall(f"{os.getpid()}\n".encode())
    threading.Event().wait()


# -- helpers ---------------------------------------------------------------------------------


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    with socket.create_server(("127.0.0.1", 0)) as sock:
        sock.settimeout(GENEROUS_S)
        yield sock


async def held_by(listener: socket.socket) -> tuple[socket.socket, int]:
    """The next connection a held call made, and the pid of the child that made it."""
    conn, _ = await asyncio.to_thread(listener.accept)
    conn.settimeout(GENEROUS_S)
    pid = int((await asyncio.to_thread(conn.recv, 32)).decode())
    return conn, pid


async def closed_by_peer(conn: socket.socket) -> bool:
    """Whether the other end closed (EOF), waiting at most the socket's timeout."""
    with conn:
        return await asyncio.to_thread(conn.recv, 1) == b""


def port_of(sock: socket.socket) -> int:
    return int(sock.getsockname()[1])


# -- the tests -------------------------------------------------------------------------------


async def test_answers_come_back_and_errors_keep_their_class() -> None:
    pool = ChildPool(size=1)
    try:
        pid = await pool.run(os.getpid, timeout_s=GENEROUS_S)
        assert pid != os.getpid()
        with pytest.raises(Unreachable) as refused:
            await pool.run(refuse, "nobody home", timeout_s=GENEROUS_S)
        assert refused.value.detail == "nobody home"
        with pytest.raises(ChildFailed, match="KeyError: 'boom'"):
            await pool.run(crash, timeout_s=GENEROUS_S)
        with pytest.raises(ChildFailed, match="pickle"):
            await pool.run(unpicklable_result, timeout_s=GENEROUS_S)
        # None of that cost the child.
        assert await pool.run(os.getpid, timeout_s=GENEROUS_S) == pid
    finally:
        pool.close()


async def test_an_overrun_kills_its_child_and_spares_the_others(listener: socket.socket) -> None:
    pool = ChildPool(size=2)
    try:
        first, second = await asyncio.gather(*(pool.run(ready, timeout_s=GENEROUS_S) for _ in "ab"))
        stuck = asyncio.create_task(pool.run(hold_a_connection, port_of(listener), timeout_s=3.0))
        conn, stuck_pid = await held_by(listener)
        # While one child is stuck, the other answers.
        other = await pool.run(os.getpid, timeout_s=GENEROUS_S)
        assert not stuck.done()
        assert {stuck_pid, other} == {first, second}
        with pytest.raises(ProbeTimeout, match="killed"):
            await stuck
        assert await closed_by_peer(conn)  # killed: the kernel closed its socket
        assert pool.spawned == 2  # its replacement started at once, before any call needs it
        # A fresh child took the killed one's place; the spared one goes on.
        pids = await asyncio.gather(*(pool.run(os.getpid, timeout_s=GENEROUS_S) for _ in "ab"))
        assert other in pids
        assert stuck_pid not in pids
    finally:
        pool.close()


async def test_a_cancelled_call_kills_its_child(listener: socket.socket) -> None:
    pool = ChildPool(size=1)
    try:
        call = asyncio.create_task(pool.run(hold_a_connection, port_of(listener), timeout_s=600))
        conn, pid = await held_by(listener)
        call.cancel()  # as the runner's family budget does
        with pytest.raises(asyncio.CancelledError):
            await call
        assert await closed_by_peer(conn)
        assert await pool.run(os.getpid, timeout_s=GENEROUS_S) != pid
    finally:
        pool.close()


async def test_a_call_waits_for_a_free_child_within_its_timeout(listener: socket.socket) -> None:
    pool = ChildPool(size=1)
    try:
        held = asyncio.create_task(pool.run(hold_a_connection, port_of(listener), timeout_s=600))
        conn, _ = await held_by(listener)
        with pytest.raises(ProbeTimeout, match="no free child"):
            await pool.run(os.getpid, timeout_s=0.5)
        held.cancel()
        with pytest.raises(asyncio.CancelledError):
            await held
        conn.close()
        # The slot the waiter gave up and the killed child's slot are both free again.
        assert await pool.run(os.getpid, timeout_s=GENEROUS_S) > 0
    finally:
        pool.close()


async def test_a_child_is_replaced_after_its_share_of_calls() -> None:
    pool = ChildPool(size=1, max_tasks_per_child=2)
    try:
        pids = [await pool.run(os.getpid, timeout_s=GENEROUS_S) for _ in range(5)]
        assert pids[0] == pids[1] != pids[2] == pids[3] != pids[4]
    finally:
        pool.close()


async def test_closing_kills_children_and_refuses_later_calls(listener: socket.socket) -> None:
    pool = ChildPool(size=1)
    call = asyncio.create_task(pool.run(hold_a_connection, port_of(listener), timeout_s=600))
    conn, _ = await held_by(listener)
    pool.close()
    with pytest.raises(ChildDied):
        await call
    assert await closed_by_peer(conn)
    with pytest.raises(ProbeError, match="closed"):
        await pool.run(os.getpid, timeout_s=GENEROUS_S)


def test_a_pool_needs_a_child() -> None:
    with pytest.raises(ValueError, match="at least one child"):
        ChildPool(size=0)
