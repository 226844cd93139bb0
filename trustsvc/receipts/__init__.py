"""Signed scan receipts: canonical JSON (RFC 8785), Ed25519 detached JWS, JWKS, verification."""
