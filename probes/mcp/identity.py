"""Who the probe says it is to an MCP server (`clientInfo`, User-Agent), as a hashable value.

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
    `user_agent` None sends trustsvc's own honest User-Agent; a disguise sends the one the
    client it imitates sends, since a cloaking server may key on either.
    """

    name: str
    version: str
    user_agent: str | None = None

    def as_json(self) -> dict[str, str]:
        """The object sent on the wire."""
        return {"name": self.name, "version": self.version}

    @property
    def label(self) -> str:
        """`name/version`, as reports name the identity."""
        return f"{self.name}/{self.version}"


PROBE_CLIENT = ClientInfo("trustsvc-probe", "0.1")
"""The identity every handshake uses unless told otherwise."""

WIDELY_USED_CLIENTS: tuple[ClientInfo, ...] = (
    ClientInfo("claude-ai", "0.1.0", "Claude-User"),
    ClientInfo("cursor-vscode", "1.0.0", "Cursor/1.0.0"),
    ClientInfo("Visual Studio Code", "1.101.0", "vscode/1.101.0"),
    ClientInfo("openai-mcp", "1.0.0", "openai-mcp/1.0.0"),
)
"""The identities of widely used MCP clients (their `clientInfo` and User-Agent), which a
cloaking server would serve its real tools to while showing scanners clean ones."""


def client_from_text(text: str) -> ClientInfo:
    """`name/version` (a known client's User-Agent is kept; others send `name/version`).

    Raises:
        ValueError: the text is not `name/version` with both parts non-empty.
    """
    name, sep, version = text.strip().rpartition("/")
    if not sep or not name.strip() or not version.strip():
        raise ValueError(f"a client identity is name/version, got {text.strip()[:80]!r}")
    for known in WIDELY_USED_CLIENTS:
        if (known.name, known.version) == (name.strip(), version.strip()):
            return known
    return ClientInfo(name.strip(), version.strip(), f"{name.strip()}/{version.strip()}")
