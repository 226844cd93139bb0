"""Outside-in probes of remote MCP endpoints: collectors do I/O, probes judge, nothing scores.

This package never imports `trustsvc`; it is a library the service, the CLI and tests share.
"""
