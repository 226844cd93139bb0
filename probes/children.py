"""A few child processes that run blocking library calls, and that can be killed.

Why processes: a thread cannot be cancelled. When a budget expires the caller stops waiting,
but a blocking library (sslyze) goes on in its thread, with every socket it holds, for as
long as the peer lets it; a tarpit that accepts and then holds connections kept hundreds open
for minutes and starved every later scan of threads. A child process can be killed: SIGKILL
ends its threads, and the kernel closes its sockets. A killed child is replaced, and the
calls running in the other children go on.

Each child is a fresh interpreter (`probes.child_process`), runs at most
`max_tasks_per_child` calls (so whatever a library leaks in native memory goes back to the
system with the process), and answers one call at a time. `fn`, its arguments and its
result must pickle; `fn` must be importable (a module-level function).

The pool is shared by every event loop of the process (the API's and the jobs' loop beside
it), so its bookkeeping is guarded by a thread lock and waiters are concurrent futures.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar, cast

from probes.child_process import ChildHandle
from probes.errors import ProbeError, ProbeTimeout

T = TypeVar("T")
log = logging.getLogger(__name__)

DEFAULT_CHILDREN = 2
DEFAULT_TASKS_PER_CHILD = 25


class ChildFailed(Exception):
    """The call raised something other than a ProbeError in the child: a bug, with its trace."""


class ChildDied(ProbeError):
    """The child ended without answering (killed from outside, or crashed in native code)."""


class ChildPool:
    """At most `size` children; a call waits for a free one, and a call that overruns is killed.

    Children start lazily, on the first calls that need them, so a process that never scans
    never spawns one. A child that is killed or worn out is replaced at once, importing
    `preload` and the modules of the functions called so far before it is needed, so a
    fresh child costs no call its budget. `close()` ends them all.
    """

    def __init__(
        self,
        size: int = DEFAULT_CHILDREN,
        max_tasks_per_child: int = DEFAULT_TASKS_PER_CHILD,
        *,
        preload: tuple[str, ...] = (),
    ) -> None:
        if size < 1 or max_tasks_per_child < 1:
            raise ValueError("a child pool needs at least one child and one task per child")
        self.size = size
        self.max_tasks_per_child = max_tasks_per_child
        self._lock = threading.Lock()
        self._idle: list[ChildHandle] = []
        self._children: set[ChildHandle] = set()
        self._slots = 0  # children alive or about to be spawned, at most `size`
        self._waiters: deque[Future[ChildHandle | None]] = deque()
        self._closed = False
        self._preload: dict[str, None] = dict.fromkeys(preload)  # ordered, no repeats
        # One waiter thread per busy child, plus room for killed ones still draining EOF.
        self._threads = ThreadPoolExecutor(max_workers=2 * size, thread_name_prefix="child-wait")

    @property
    def spawned(self) -> int:
        """Children alive now (idle or busy)."""
        with self._lock:
            return len(self._children)

    @property
    def pids(self) -> tuple[int, ...]:
        """The process ids of the children alive now (for benches and operators)."""
        with self._lock:
            return tuple(child.process.pid for child in self._children)

    async def run(self, fn: Callable[..., T], /, *args: object, timeout_s: float) -> T:
        """Call `fn(*args)` in a child; past `timeout_s` (waiting included) the child is killed.

        Raises:
            ProbeTimeout: no free child, or no answer, within `timeout_s`.
            ProbeError: what `fn` raised in the child (ChildDied if it never answered).
            ChildFailed: `fn` raised anything else (its traceback is the message).
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        with self._lock:
            self._preload.setdefault(fn.__module__, None)
        try:
            async with asyncio.timeout_at(deadline):
                child = await self._checkout()
        except TimeoutError:
            detail = f"no free child process within {timeout_s:g} s ({self.size} busy)"
            raise ProbeTimeout(detail) from None
        try:
            async with asyncio.timeout_at(deadline):
                child.conn.send((fn, args))
                kind, value = await loop.run_in_executor(self._threads, child.receive)
        except TimeoutError:
            self._discard(child)
            log.info("killed child %d: no answer within %g s", child.process.pid, timeout_s)
            detail = (
                f"no answer within {timeout_s:g} s: the child process was killed,"
                " closing its connections"
            )
            raise ProbeTimeout(detail) from None
        except BaseException as exc:  # cancelled by the caller's budget, or the send failed
            self._discard(child)
            log.info("killed child %d: %s", child.process.pid, type(exc).__name__)
            raise
        return cast("T", self._settle(child, kind, value))

    def _settle(self, child: ChildHandle, kind: str, value: object) -> object:
        """Hand the child back (or replace it) and turn its answer into a value or an error."""
        if kind == "died":
            self._discard(child)
            code = child.exit_code
            raise ChildDied(f"the child process ended without answering (exit code {code})")
        child.tasks += 1
        if child.tasks >= self.max_tasks_per_child:
            self._discard(child, kill=False)
        else:
            self._release(child)
        if kind == "error":
            raise cast("ProbeError", value)
        if kind == "bug":
            raise ChildFailed(str(value))
        return value

    async def warm(self, timeout_s: float = 60.0) -> tuple[int, ...]:
        """Start every child now and wait until each answers (its preloads imported); pids.

        `size` concurrent calls each hold a different child, so all of them spawn.
        """
        pids = await asyncio.gather(
            *(self.run(os.getpid, timeout_s=timeout_s) for _ in range(self.size))
        )
        return tuple(pids)

    def close(self) -> None:
        """Kill every child (a call in flight ends with ChildDied) and refuse further calls."""
        with self._lock:
            self._closed = True
            children, self._children = list(self._children), set()
            self._idle.clear()
            waiters, self._waiters = list(self._waiters), deque()
        for child in children:
            child.kill()
            child.retire()
        for child in children:
            child.reap()
        for waiter in waiters:
            if waiter.set_running_or_notify_cancel():
                waiter.set_exception(ProbeError("the child pool is closed"))
        self._threads.shutdown(wait=False, cancel_futures=True)

    # -- bookkeeping ------------------------------------------------------------------------

    async def _checkout(self) -> ChildHandle:
        waiter: Future[ChildHandle | None] | None = None
        with self._lock:
            if self._closed:
                raise ProbeError("the child pool is closed")
            while self._idle:
                child = self._idle.pop()
                if child.alive:
                    return child
                self._forget(child)  # died while idle: its slot is free again
            if self._slots < self.size:
                self._slots += 1
            else:
                waiter = Future()
                self._waiters.append(waiter)
        if waiter is None:
            return self._spawn()
        try:
            handed = await asyncio.wrap_future(waiter)
        except asyncio.CancelledError:
            with self._lock:
                given = not waiter.cancel()  # False: a child or a slot was handed over
            if given and waiter.exception() is None:
                self._pass_on(waiter.result())
            raise
        return handed if handed is not None else self._spawn()

    def _spawn(self) -> ChildHandle:
        """Start a child in a slot already counted (quick: the child imports on its own)."""
        try:
            return self._spawn_in_slot()
        except BaseException:
            self._pass_on(None)
            raise

    def _discard(self, child: ChildHandle, *, kill: bool = True) -> None:
        """End a child (killed, died or worn out) and start its replacement in its slot."""
        if kill:
            child.kill()
        child.retire()
        with self._lock:
            self._children.discard(child)
            closed = self._closed
        fresh = None
        if not closed:
            with contextlib.suppress(OSError, ProbeError):  # else a later call spawns one
                fresh = self._spawn_in_slot()
        self._pass_on(fresh)
        with contextlib.suppress(RuntimeError):  # the pool closed: close() reaped it
            self._threads.submit(child.reap)

    def _modules(self) -> tuple[str, ...]:
        with self._lock:
            return tuple(m for m in self._preload if m not in {"builtins", "posix", "__main__"})

    def _spawn_in_slot(self) -> ChildHandle:
        """A child in a slot already counted; on failure the caller frees the slot."""
        child = ChildHandle.start(self._modules())
        with self._lock:
            if not self._closed:
                self._children.add(child)
                return child
        child.kill()
        child.reap()
        raise ProbeError("the child pool is closed")

    def _release(self, child: ChildHandle) -> None:
        self._pass_on(child)

    def _pass_on(self, handed: ChildHandle | None) -> None:
        """Give a child (or a free slot, None) to the oldest waiter, else keep it."""
        with self._lock:
            while self._waiters:
                waiter = self._waiters.popleft()
                if waiter.set_running_or_notify_cancel():
                    waiter.set_result(handed)
                    return
            if handed is None:
                self._slots -= 1
            elif self._closed:
                handed.kill()
                handed.reap()
            else:
                self._idle.append(handed)

    def _forget(self, child: ChildHandle) -> None:
        """Drop a dead idle child (the lock is held)."""
        self._children.discard(child)
        child.retire()
        child.reap()  # it has exited already
        self._slots -= 1
