#!/usr/bin/env python3
"""Schemathesis at length against the live app: cases, failures by check, time (issue 7).

What is run: every operation in openapi/openapi.json (the committed contract, not the app's
own rendering of it), through every schemathesis phase: the documented examples, the
coverage phase's boundary values, --examples generated requests an operation (valid and
invalid), and the stateful phase, which chains operations through the links it infers
(create a webhook, then read and delete it). The app runs in process over a fresh database
(SQLite by default; `--database postgres` creates one on the server named by
TRUSTSVC_TEST_POSTGRES_URL, because PostgreSQL refuses values SQLite stores, such as NUL
characters and ids beyond INTEGER), seeded with a scan, a server and a webhook.

What is judged: no 5xx, and every answer's status code, content type, headers and body as
documented (tests/fuzzing.py, the runner the suite's bounded test_fuzz.py uses). Printed: per
operation, the requests sent and failures by check; then totals and wall time, and each
distinct failure with the request that caused it. The exit status is 1 on any failure.

Why: the suite's run is bounded to stay fast; this one looks much harder for inputs that
crash a handler or break the contract. The app is sealed to loopback
(tests/servers/sealed_app.py), so the random URLs it submits never leave this machine.

Run from the repository root: `.venv/bin/python bench/fuzz.py [--examples 300]`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.fuzzing and tests.servers hold the runner and the app

from schemathesis.python.asgi import shutdown_lifespans  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.ext.asyncio import create_async_engine  # noqa: E402

from tests.fuzzing import CHECKS, FuzzReport, load_schema, run, seed  # noqa: E402
from tests.servers.sealed_app import sealed_app  # noqa: E402

DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


async def _admin(admin_url: str, statement: str) -> None:
    engine = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


@contextlib.contextmanager
def fresh_database(kind: str) -> Iterator[str]:
    """A URL of an empty database of that kind, removed afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="trustsvc-fuzz-") as folder:
            yield f"sqlite+aiosqlite:///{Path(folder) / 'fuzz.db'}"
        return
    admin_url = os.environ.get("TRUSTSVC_TEST_POSTGRES_URL", DEFAULT_POSTGRES)
    name = f"trustsvc_fuzz_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(admin_url, f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(_admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def print_report(report: FuzzReport) -> None:
    """The per-operation table, the totals, then every distinct failure."""
    short = {name: name.removesuffix("_conformance") for name in CHECKS}
    print(f"{'operation':<48} {'requests':>8}  failures by check")
    for label, result in sorted(report.operations.items()):
        by_check = ", ".join(f"{short.get(k, k)} {n}" for k, n in sorted(result.failures.items()))
        print(f"{label:<48} {result.requests:>8}  {by_check or '-'}")
    requests = sum(r.requests for r in report.operations.values())
    print(
        f"\n{len(report.operations)} scenarios, {requests} requests, {report.failures} failures "
        f"({len(report.errors)} errors) in {report.elapsed_s:.1f} s "
        f"({requests / max(report.elapsed_s, 1e-9):.0f} requests/s)"
    )
    if report.failures:
        print("\n" + report.describe_failures())


def main() -> int:
    """Parse arguments, fuzz a fresh sealed app, print the report; 1 on any failure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=300, help="generated cases an operation")
    parser.add_argument("--seed", type=int, default=7, help="the same seed sends the same cases")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--no-stateful", action="store_true", help="skip the stateful phase")
    parser.add_argument(
        "--operation", action="append", default=[], help="an operationId (repeatable)"
    )
    args = parser.parse_args()

    with fresh_database(args.database) as database_url:
        app = sealed_app(database_url)
        seed(app)
        schema = load_schema(
            app,
            examples=args.examples,
            seed=args.seed,
            operation_ids=tuple(args.operation),
            stateful=not args.no_stateful,
        )
        print(
            f"fuzzing {args.database}, {args.examples} examples an operation, seed {args.seed}, "
            f"checks: {', '.join(CHECKS)}\n"
        )
        try:
            report = run(schema)
        finally:
            shutdown_lifespans()  # close the app's database before it is dropped
    print_report(report)
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
