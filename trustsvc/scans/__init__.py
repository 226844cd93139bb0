"""Scanning: the one service that probes, and what it records."""
