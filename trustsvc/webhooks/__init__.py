"""Drift notifications: signed webhook deliveries with retries and a queryable log."""
