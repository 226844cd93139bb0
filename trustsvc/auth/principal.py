"""Who a request acts as: a named API key with scopes, or the open single-user mode.

The security middleware stores the principal in the ASGI scope under "user" (where Litestar's
`request.user` reads it); logs, metrics and the audit log read it back with `principal_of`.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


class Scope(enum.StrEnum):
    """What a key may do. Each scope includes the ones below it: admin > scan > read."""

    READ = "read"
    SCAN = "scan"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        """Position in the read < scan < admin order."""
        return _RANK[self]

    def grants(self, needed: Scope) -> bool:
        """Whether holding this scope allows an action that needs `needed`."""
        return self.rank >= needed.rank


_RANK = {Scope.READ: 0, Scope.SCAN: 1, Scope.ADMIN: 2}


@dataclass(frozen=True, slots=True)
class Principal:
    """The caller of one request.

    Attributes:
        name: the key's name; "open" when the API runs without keys; "anonymous" for a
            caller without a key on a public route.
        key_id: the key's public identifier; None in open mode.
        scopes: what the key holds; open mode holds every scope.
    """

    name: str
    key_id: str | None
    scopes: frozenset[Scope]

    def allows(self, needed: Scope) -> bool:
        """Whether any held scope grants `needed`."""
        return any(held.grants(needed) for held in self.scopes)


OPEN = Principal(name="open", key_id=None, scopes=frozenset(Scope))
"""Every request when the API runs open (single user on loopback, or explicitly)."""

ANONYMOUS = Principal(name="anonymous", key_id=None, scopes=frozenset())
"""A caller without a key on a public route (health, probe catalogue)."""


def principal_of(scope: Mapping[str, Any]) -> Principal | None:
    """The principal the security middleware stored, or None (not yet authenticated)."""
    user = scope.get("user")
    return user if isinstance(user, Principal) else None


def actor_name(scope: Mapping[str, Any]) -> str | None:
    """The key name a write is recorded under (`pinned_by`, `acknowledged_by`)."""
    principal = principal_of(scope)
    return None if principal is None else principal.name
