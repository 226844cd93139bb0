"""The TLS collector: one sslyze scan of the pinned address, in a child process that can be killed.

sslyze blocks, and a thread running it cannot be cancelled: a tarpit (a server that lets the
first connection through and then accepts and holds every later one) kept a thread, and
hundreds of connections, busy for minutes after its budget had expired. So the scan runs in
the context's `ChildPool` (`probes.children`): a few spawned processes, each for a bounded
number of scans. Past the family's budget the child is killed, which closes its sockets; the
attempt is recorded as timed out (ProbeTimeout, with the reason), and scans running in the
other children go on.
"""

from __future__ import annotations

import datetime as dt

from probes.context import ProbeContext
from probes.target import Target
from probes.tls.observation import TlsObservation
from probes.tls.scan import ScanSpec, scan_target

# The child is killed a little before the family's budget runs out, so the attempt says why
# (the child's reason) rather than only that the budget expired.
_KILL_MARGIN_S = 0.5


def scan_spec(target: Target, ctx: ProbeContext, observed_at: dt.datetime) -> ScanSpec:
    """What the child scans: the pinned address, SNI from the URL, the context's limits."""
    limits = ctx.limits
    return ScanSpec(
        hostname=target.endpoint.host,
        port=target.endpoint.port,
        ip_address=target.pinned_address,
        network_timeout_s=limits.network_timeout_s,
        network_retries=limits.network_retries,
        per_host_connections=limits.per_host_connections,
        ca_file=ctx.ca_file,
        observed_at=observed_at,
    )


def kill_after_s(budget_s: float) -> float:
    """When the child is killed: the budget less a margin of at most 10 % of it."""
    return budget_s - min(_KILL_MARGIN_S, budget_s / 10)


async def collect_tls(target: Target, ctx: ProbeContext) -> TlsObservation:
    """Scan the target's TLS configuration; http:// targets are observed without any I/O."""
    observed_at = dt.datetime.now(dt.UTC)
    endpoint = target.endpoint
    if not endpoint.is_tls:
        return TlsObservation(
            observed_at=observed_at,
            scheme=endpoint.scheme,
            hostname=endpoint.host,
            port=endpoint.port,
            ip_address=target.pinned_address if target.addresses else None,
        )
    spec = scan_spec(target, ctx, observed_at)
    timeout_s = kill_after_s(ctx.limits.family_budget_s)
    return await ctx.children.run(scan_target, spec, timeout_s=timeout_s)
