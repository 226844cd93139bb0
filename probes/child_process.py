"""One child process of a `ChildPool`: how it starts, what it runs, how the parent talks to it.

The child is a fresh interpreter (`python -c`, started by `subprocess`), not a fork: no
copied locks, threads or event loops of the service. It is not started by multiprocessing's
'spawn' method either, which re-runs the parent's main module in every child (a script
without a `__main__` guard then starts children forever, and the CLI's modules load in each
one) and adds a resource-tracker process. The parent's `sys.path` is handed over, so the
child imports what the parent would.

Parent and child talk over one socket pair with multiprocessing's `Connection` framing: the
parent sends `(fn, args)`, the child answers `("ok", value)`, `("error", ProbeError)` or
`("bug", traceback)`. The child asks the kernel to kill it when its parent dies
(`PR_SET_PDEATHSIG`), so a killed service leaves no scan, and no connection, behind. That
signal follows the thread that started the child: the pool starts children from the event
loop's thread, which lives as long as the loop; a child outliving its thread is found dead
and replaced.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import traceback
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from typing import cast

from probes.errors import ProbeError

_TRACE_CHARS = 2000
_PR_SET_PDEATHSIG = 1
_REAP_TIMEOUT_S = 10.0
_BOOT = (
    "import json, sys; sys.path[:] = json.loads(sys.argv[1]);"
    " from probes.child_process import child_main;"
    " child_main(int(sys.argv[2]), int(sys.argv[3]), json.loads(sys.argv[4]))"
)

Reply = tuple[str, object]


def child_main(fd: int, parent_pid: int, preload: Sequence[str] = ()) -> None:
    """The child's whole life: answer calls until the parent closes the pipe or dies.

    `preload` modules are imported first, while the parent goes on, so a fresh child does
    not spend a call's budget importing (sslyze takes about a second on a busy machine).
    """
    # Ctrl-C reaches the whole process group; the parent decides when children stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(OSError, AttributeError):  # Linux only; elsewhere EOF must do
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent_pid:  # the parent died before the request took effect
        return
    for module in preload:
        importlib.import_module(module)
    conn = Connection(fd)
    while True:
        try:
            fn, args = conn.recv()
        except (EOFError, OSError):
            return
        if not _answer(conn, _call(fn, args)):
            return


def _call(fn: Callable[..., object], args: tuple[object, ...]) -> Reply:
    try:
        return ("ok", fn(*args))
    except ProbeError as exc:
        return ("error", exc)
    except Exception:  # noqa: BLE001 - any other failure is a bug, reported with its trace
        return ("bug", traceback.format_exc()[-_TRACE_CHARS:])


def _answer(conn: Connection, reply: Reply) -> bool:
    """Send the reply; one that cannot pickle is sent as a bug (pickling precedes writing)."""
    try:
        conn.send(reply)
    except (EOFError, OSError):
        return False
    except Exception:  # noqa: BLE001 - whatever failed to pickle is reported, not fatal
        conn.send(("bug", traceback.format_exc()[-_TRACE_CHARS:]))
    return True


class ChildHandle:
    """The parent's side of one child: the process and its end of the socket pair."""

    def __init__(self, process: subprocess.Popen[bytes], conn: Connection) -> None:
        self.process = process
        self.conn = conn
        self.tasks = 0

    @classmethod
    def start(cls, preload: Sequence[str] = ()) -> ChildHandle:
        """Start a child (quick: it imports on its own while the parent goes on)."""
        ours, theirs = multiprocessing.Pipe()
        try:
            fd = theirs.fileno()
            argv = [
                sys.executable,
                "-c",
                _BOOT,
                json.dumps(sys.path),
                str(fd),
                str(os.getpid()),
                json.dumps(list(preload)),
            ]
            process = subprocess.Popen(  # noqa: S603 - our interpreter, a fixed program
                argv, pass_fds=(fd,), stdin=subprocess.DEVNULL
            )
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()  # else the parent holds the child's end and never sees EOF
        return cls(process, ours)

    @property
    def alive(self) -> bool:
        """Whether the process still runs (reaping it if it has exited)."""
        return self.process.poll() is None

    @property
    def exit_code(self) -> int | None:
        """How the process ended (negative: the signal), None while it runs or is unreaped."""
        return self.process.returncode

    def receive(self) -> Reply:
        """Block (in a waiter thread) until the child answers or its end of the pipe closes."""
        try:
            return cast("Reply", self.conn.recv())
        except (EOFError, OSError):
            self.reap()
            return ("died", None)
        except Exception:  # noqa: BLE001 - the answer did not unpickle here: a bug
            return ("bug", traceback.format_exc()[-_TRACE_CHARS:])

    def kill(self) -> None:
        """SIGKILL: its threads end and the kernel closes every socket it held."""
        with contextlib.suppress(OSError):
            self.process.kill()

    def retire(self) -> None:
        """Close our end of the pipe; an idle child reads EOF and exits."""
        with contextlib.suppress(OSError):
            self.conn.close()

    def reap(self) -> None:
        """Wait for the exit (so no zombie is left); kill a child that does not go."""
        try:
            self.process.wait(_REAP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.kill()
            self.process.wait()
