"""The audit log: every write and every scan request, who made it and how it ended."""
