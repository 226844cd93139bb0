"""Exit codes and the one error every command may raise for bad input."""

from __future__ import annotations

EXIT_OK = 0
EXIT_UNEXPECTED = 1
EXIT_USAGE = 2
EXIT_VERDICT = 3


class UsageError(Exception):
    """Bad command-line input: reported in one line with exit code 2."""
