"""Findings in, explainable score out: pure functions over data, versioned by policy."""
