"""`trustsvc serve` in a child process on a loopback port, for tests that load the real API.

A child process has an interpreter of its own, as a deployment does: the probes' threads
compete with the service's event loop for its GIL, not with the test's servers and clients.
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import IO, Self

import aiohttp

HOST = "127.0.0.1"
START_TIMEOUT_S = 120.0  # a deadline: a loaded 2-core machine took over 30 s to import
STOP_TIMEOUT_S = 10.0


def free_port() -> int:
    """A loopback port nothing listens on (bound once to pick it, then released)."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


class ApiProcess:
    """`async with ApiProcess(env, log)` serves until the block ends; `url` is its base URL.

    `env` is added to this process's environment; the child's output goes to `log`, which
    a failure to start quotes.
    """

    def __init__(self, env: Mapping[str, str], log: Path) -> None:
        self._env = os.environ | dict(env)
        self._log_path = log
        self._log: IO[bytes] | None = None
        self._process: asyncio.subprocess.Process | None = None
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"

    @property
    def pid(self) -> int:
        """The `trustsvc serve` process's pid."""
        assert self._process is not None
        return self._process.pid

    @property
    def returncode(self) -> int | None:
        """Its exit status once it has exited (and been waited for)."""
        return None if self._process is None else self._process.returncode

    async def wait(self, timeout_s: float) -> int:
        """Wait for the child to exit on its own; its exit status."""
        assert self._process is not None
        return await asyncio.wait_for(self._process.wait(), timeout_s)

    @property
    def running(self) -> bool:
        """Whether the child has not exited."""
        return self._process is not None and self._process.returncode is None

    async def __aenter__(self) -> Self:
        self._log = self._log_path.open("wb")
        self._process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            "import sys; from trustsvc.commands.cli import main; sys.exit(main(sys.argv[1:]))",
            "serve",
            "--host",
            HOST,
            "--port",
            str(self.port),
            env=self._env,
            stdout=self._log,
            stderr=self._log,
        )
        try:
            await self._healthy()
        except BaseException:
            await self.__aexit__(None, None, None)
            raise
        return self

    async def _healthy(self) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + START_TIMEOUT_S
        async with aiohttp.ClientSession() as http:
            while loop.time() < deadline and self.running:
                try:
                    async with http.get(f"{self.url}/health") as response:
                        if response.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.05)
        raise RuntimeError(f"trustsvc serve did not become healthy:\n{self.log_tail()}")

    async def kill(self) -> None:
        """SIGKILL the child, as an OOM killer or a lost host would: no shutdown runs."""
        if self._process is not None and self._process.returncode is None:
            self._process.kill()
            await self._process.wait()

    def log_tail(self, lines: int = 40) -> str:
        """The end of the child's output."""
        text = self._log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        process = self._process
        if process is not None and process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), STOP_TIMEOUT_S)
            except TimeoutError:
                process.kill()
                await process.wait()
        if self._log is not None:
            self._log.close()
