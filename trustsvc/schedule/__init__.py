"""Re-probing: when each endpoint is due, and leases so several workers share the work."""
