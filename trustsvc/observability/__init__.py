"""Metrics (Prometheus), structured logs and the hooks that feed them."""
