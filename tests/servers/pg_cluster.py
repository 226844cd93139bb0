"""A PostgreSQL cluster of the test's own, on a port of its own, that the test may stop.

Outage tests must stop a database mid-run; the shared server on 5432 serves everyone else,
so each such test gets a throwaway cluster: `initdb` into a fresh directory (trust auth,
loopback only, a Unix socket in that directory), `pg_ctl start`/`stop` at will. PostgreSQL
refuses to run as root, so under root the binaries run as the `postgres` user and the
directory is handed to it. No pytest imports here.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType
from typing import Self

from tests.servers.api_process import free_port

_ROOT = "/usr/lib/postgresql"
_TIMEOUT_S = 60


def postgres_binaries() -> Path | None:
    """The newest installed PostgreSQL's bin directory, or None when none is installed."""
    found = sorted(Path(_ROOT).glob("*/bin"), key=lambda p: int(p.parent.name))
    return found[-1] if found else None


class PostgresCluster:
    """`with PostgresCluster() as pg`: running on `pg.port`; `stop()` and `start()` at will."""

    def __init__(self) -> None:
        binaries = postgres_binaries()
        if binaries is None:
            raise RuntimeError(f"no PostgreSQL binaries under {_ROOT}")
        self._bin = binaries
        self.port = free_port()
        self._dir = Path(tempfile.mkdtemp(prefix="trustsvc-pg-"))
        self._data = self._dir / "data"
        self._user = "postgres" if os.geteuid() == 0 else None

    @property
    def url(self) -> str:
        """The SQLAlchemy URL of its `postgres` database."""
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        command = [str(self._bin / args[0]), *args[1:]]
        if self._user is not None:
            command = ["runuser", "-u", self._user, "--", *command]
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=_TIMEOUT_S, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(args[:2])} failed: {result.stderr or result.stdout}")

    def start(self) -> None:
        """Start (or restart) the server and wait until it accepts connections."""
        options = f"-p {self.port} -k {self._dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self._data), "-o", options, "-w", "-l",
                  str(self._dir / "server.log"), "start")  # fmt: skip

    def stop(self) -> None:
        """Stop the server at once (`immediate`: connections drop, as in a crash)."""
        self._run("pg_ctl", "-D", str(self._data), "-m", "immediate", "-w", "stop")

    def __enter__(self) -> Self:
        if self._user is not None:
            record = pwd.getpwnam(self._user)
            os.chown(self._dir, record.pw_uid, record.pw_gid)
        self._run("initdb", "-D", str(self._data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.stop()
        except RuntimeError:
            pass  # already stopped by the test
        finally:
            shutil.rmtree(self._dir, ignore_errors=True)
