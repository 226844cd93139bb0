"""Drift digests: subscriptions, their schedule, the digest, its formats and delivery."""
