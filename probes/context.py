"""What collectors receive besides the target: limits, trust anchors, a thread and a child pool.

Only `trustsvc` reads the environment; it builds one ProbeContext per process and passes it
down, so `probes` stays a library with no hidden configuration.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from probes.children import ChildPool
from probes.netpolicy import NetworkPolicy

T = TypeVar("T")
DEFAULT_USER_AGENT = "trustsvc (MCP endpoint trust assessment)"
"""What a library user sends unless told more; the service names its version and contact."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ProbeLimits:
    """Bounds on every exchange, so a hostile endpoint costs a known amount of time.

    Attributes:
        family_budget_s: wall-clock budget for one family's collection.
        network_timeout_s: per-connection connect/read timeout handed to libraries.
        network_retries: how often a library may retry a failed connection.
        per_host_connections: concurrent connections sslyze may open to one server.
        request_timeout_s: total time for one HTTP exchange, body included.
        max_body_bytes: largest HTTP body read from a peer.
        max_stream_bytes: most bytes read from one SSE stream, across all its events.
        max_redirects: redirect hops followed, each re-checked against the network policy.
        max_pages: cursor pages followed for one list method.
        max_items: tools (or prompts, resources) kept from one list method.
    """

    family_budget_s: float = 60.0
    network_timeout_s: float = 5.0
    network_retries: int = 1
    per_host_connections: int = 5
    request_timeout_s: float = 10.0
    max_body_bytes: int = 2 * 1024 * 1024
    max_stream_bytes: int = 4 * 1024 * 1024
    max_redirects: int = 3
    max_pages: int = 20
    max_items: int = 1000


@dataclass(frozen=True, slots=True, kw_only=True)
class ProbeContext:
    """Shared per-process resources and settings for collectors.

    Blocking libraries run in `executor` (python-whois), whose size caps how many stuck
    threads can pile up, because a thread cannot be cancelled when a budget expires, or in
    `children` (sslyze), spawned processes that are killed when a scan overruns its budget.
    Both start lazily; whoever builds the context shuts both down (`close`).

    Attributes:
        extra_headers: operator-supplied headers (e.g. a bearer token) for endpoints that
            need credentials; never logged, never stored.
        active_mode: permit exchanges beyond observation (tools/call, client registration);
            off unless an operator opts in.
        user_agent: sent on every HTTP exchange: an honest name, so the operator of a
            server probed can tell who asked, and robots.txt can address it (`trustsvc`).
    """

    policy: NetworkPolicy = field(default_factory=NetworkPolicy)
    limits: ProbeLimits = field(default_factory=ProbeLimits)
    ca_file: Path | None = None
    extra_headers: Mapping[str, str] = field(default_factory=dict)
    active_mode: bool = False
    user_agent: str = DEFAULT_USER_AGENT
    executor: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=4, thread_name_prefix="probe")
    )
    children: ChildPool = field(default_factory=ChildPool)

    async def run_blocking(self, fn: Callable[..., T], /, *args: object) -> T:
        """Run a blocking call in the bounded pool without blocking the event loop."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, functools.partial(fn, *args))

    def close(self) -> None:
        """End the pools: queued threads are dropped, child processes are killed."""
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.children.close()
