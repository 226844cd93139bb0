"""The `trustsvc` command and its sub-commands (serve, worker, assess, receipt, verify, ...).

Exit codes: 0 done, 2 usage error or refused target (one line, never a traceback), 3 the
verdict reached `--fail-on`, 1 anything unexpected (one line; details with TRUSTSVC_DEBUG=1).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING

from trustsvc.commands.errors import EXIT_UNEXPECTED, EXIT_USAGE, UsageError
from trustsvc.commands.parser import build_parser
from trustsvc.config.env import SettingsError

if TYPE_CHECKING:
    from trustsvc.config.settings import Settings

# Start-up cost: this module imports only argparse and light modules, so `--help` and a bad
# option answer at once. The settings load after parsing; each command's module (and with
# it SQLAlchemy, sslyze, Litestar or alembic) only when that command runs.
# tests/integration/test_cli_startup.py keeps it so; bench/cli_start.py measures it.

__all__ = ["COMMANDS", "build_parser", "main"]

MAX_MESSAGE = 600  # characters of one error line (an argument quoted in it: at most 200)
EXIT_PIPE_CLOSED = 141  # 128 + SIGPIPE, what a shell reports for `yes | head`

# Each command's module, imported only when that command runs.
COMMANDS = {
    "serve": "serve",
    "assess": "assess",
    "demo": "demo",
    "check-tools": "check_tools",
    "check-domain": "check_domain",
    "worker": "worker",
    "sync": "sync",
    "advisories": "advisories",
    "keys": "keys",
    "receipt": "receipt",
    "verify": "verify",
    "signing-keys": "signing_keys",
    "db": "db",
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command and return its exit code."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # Migrations run at every start on SQLite; their progress lines are noise in a terminal.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # sslyze's bundled trust stores hold a root with a non-positive serial; cryptography warns
    # on every load. It is not about the endpoint, so it must not reach the user's terminal.
    warnings.filterwarnings("ignore", message=".*serial number which wasn't positive.*")
    try:
        args = build_parser().parse_args(argv)
        from trustsvc.config.settings import load_settings  # noqa: PLC0415 - see the note

        settings = load_settings(os.environ)
        code = _dispatch(args, settings)
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's exit
    except (UsageError, SettingsError) as exc:
        return _one_line("error", exc, EXIT_USAGE)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return _pipe_closed()
    except Exception as exc:
        if (refusal := _refusal(exc)) is not None:
            return _one_line("refused", refusal, EXIT_USAGE)
        if os.environ.get("TRUSTSVC_DEBUG"):
            raise
        return _one_line("failed", f"{type(exc).__name__}: {exc}", EXIT_UNEXPECTED)
    return code


def _one_line(kind: str, message: object, code: int) -> int:
    """Print `trustsvc: KIND: MESSAGE` as one line of bounded length and return `code`.

    Messages quote arguments through `shown` already; this bound is the backstop for a
    library's message that echoes a huge input.
    """
    line = " ".join(str(message).split())
    if len(line) > MAX_MESSAGE:
        line = f"{line[:MAX_MESSAGE]}... ({len(line) - MAX_MESSAGE} more characters)"
    print(f"trustsvc: {kind}: {line}", file=sys.stderr)  # noqa: T201 - CLI output
    return code


def _pipe_closed() -> int:
    """The reader went away (`| head`): stop quietly, as SIGPIPE would, without a traceback.

    stdout is pointed at /dev/null so the interpreter's final flush cannot raise again.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return EXIT_PIPE_CLOSED


def _refusal(exc: Exception) -> str | None:
    """A refused target's detail; probes.errors is loaded if one was raised, never imported."""
    errors = sys.modules.get("probes.errors")
    if errors is not None and isinstance(exc, errors.TargetRejected):
        detail: str = exc.detail
        return detail
    return None


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    module = importlib.import_module(f"trustsvc.commands.{COMMANDS[args.command]}")
    code: int = module.run(args, settings)
    return code
