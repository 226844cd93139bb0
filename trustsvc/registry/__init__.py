"""The MCP registry: servers imported from an upstream registry (or registered by hand)."""
