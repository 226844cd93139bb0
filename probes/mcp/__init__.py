"""A raw MCP client on SafeHttp: wire-level observations of an endpoint, no SDK.

Importing this package pulls in nothing.
"""
