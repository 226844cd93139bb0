"""Drift: per-scan fingerprints of every surface, diffs, events, baselines, acknowledgements."""
