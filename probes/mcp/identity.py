"""Who the probe says it is to an MCP server (`clientInfo`), as a hashable value.

Apart from the client so the handshake's notebook (`record.py`) and the per-scan memo
(`shared.py`) can name it without importing the protocol flow.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ClientInfo:
    """The Implementation object sent as `clientInfo` (2025-11-25 basic/lifecycle).

    Hashable, so a per-scan memo can key handshakes by identity: a server that shows other
    tools to another client is found by handshaking again under a different one.
    """

    name: str
    version: str

    def as_json(self) -> dict[str, str]:
        """The object sent on the wire."""
        return {"name": self.name, "version": self.version}


PROBE_CLIENT = ClientInfo("trustsvc-probe", "0.1")
"""The identity every handshake uses unless told otherwise."""
