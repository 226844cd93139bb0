"""Lab servers on 127.0.0.1: a throw-away PKI, a configurable HTTPS server, minimal MCP.

The demo needs them from a plain install, and the tests reuse them through tests/servers/.
They are not a probe family's code: nothing here judges anything.
"""
