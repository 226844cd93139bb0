"""Progress lines on stderr while a command works, only when stderr is a terminal.

Plain lines, not a live display: they survive `script`, tmux logs and terminals without
cursor control, and they need no dependency. stdout never carries them, so JSON and SARIF
stay clean; `--quiet` (or a stderr that is a file or a pipe) turns them off.
"""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from probes.context import ProbeContext
    from probes.family import Collect, FamilySpec
    from probes.target import Target


def terminal_width() -> int | None:
    """Columns to wrap stdout's text to when it is a terminal; None for a pipe or a file.

    A pipe keeps one table row a line (for grep), whatever COLUMNS says.
    """
    if not sys.stdout.isatty():
        return None
    return shutil.get_terminal_size().columns


class Progress:
    """Writes `trustsvc: ...` lines to `stream` when it is on; a no-op otherwise."""

    def __init__(self, *, enabled: bool, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled

    @classmethod
    def for_terminal(cls, *, quiet: bool) -> Progress:
        """On when stderr is a TTY and `--quiet` was not given."""
        return cls(enabled=not quiet and sys.stderr.isatty())

    def line(self, text: str) -> None:
        """One progress line (flushed: the point is to see it now)."""
        if self.enabled:
            self.stream.write(f"trustsvc: {text}\n")
            self.stream.flush()

    def watch_families(self, families: Sequence[FamilySpec[Any]]) -> tuple[FamilySpec[Any], ...]:
        """The families with collectors that report running / done / failed and the time."""
        if not self.enabled:
            return tuple(families)
        return tuple(replace(family, collect=self._watched(family)) for family in families)

    def _watched(self, family: FamilySpec[Any]) -> Collect[Any]:
        name = family.family.value
        collect = family.collect

        async def watched(target: Target, ctx: ProbeContext) -> Any:  # noqa: ANN401 - any observation
            self.line(f"{name:<10} running")
            started = time.perf_counter()
            try:
                observation = await collect(target, ctx)
            except Exception as exc:
                reason = getattr(exc, "reason", "bug")
                self.line(f"{name:<10} failed ({reason}) after {_elapsed(started)}")
                raise
            self.line(f"{name:<10} done in {_elapsed(started)}")
            return observation

        return watched


def _elapsed(started: float) -> str:
    return f"{time.perf_counter() - started:.1f} s"
