"""Run schemathesis over the committed OpenAPI document against an app in process.

One runner for the suite (tests/integration/api/test_fuzz.py, a few examples an operation)
and bench/fuzz.py (hundreds, plus the stateful phase), so both judge answers the same way:
no 5xx, and every status code, content type, header and body as documented.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import schemathesis
from hypothesis import strategies as st
from litestar import Litestar
from litestar.testing import TestClient
from schemathesis.core.failures import Failure
from schemathesis.engine import Status, events, from_schema
from schemathesis.engine.recorder import ScenarioRecorder

OPENAPI_FILE = Path(__file__).resolve().parent.parent / "openapi" / "openapi.json"
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
)
BODY_SHOWN = 300  # characters of a failing request's and response's bodies in the report
MESSAGE_SHOWN = 1500  # characters of a check's message (schema errors quote the schema)
REQUEST_TIMEOUT_S = 30  # a scan of a closed port takes seconds; a hang must still fail

# A scan of a closed loopback port (stored, every family unreachable), a server whose remote
# is that endpoint, and a webhook: list routes then answer with items to check, not just [].
SEED_REQUESTS: tuple[tuple[str, dict[str, object]], ...] = (
    ("/v1/scans", {"url": "http://127.0.0.1:9/mcp"}),
    (
        "/v1/servers",
        {
            "name": "io.github.fuzz/seed",
            "description": "seeded for the fuzz run",
            "version": "1.0.0",
            "remotes": [{"type": "streamable-http", "url": "http://127.0.0.1:9/mcp"}],
        },
    ),
    ("/v1/webhooks", {"url": "http://127.0.0.1:9/hook", "min_severity": "info"}),
)


def _timestamps() -> st.SearchStrategy[str]:
    """`date-time` values as clients send them: with `Z`, with an offset, and without one.

    Schemathesis generates only valid RFC 3339 (always with an offset), so a naive timestamp,
    which was a 500 on every `since`/`until` (issue 16), was never sent; now one in five is.
    """
    # A day inside either end of the calendar, so no offset moves the instant out of it.
    first, last = dt.datetime(1, 1, 2), dt.datetime(9999, 12, 30)  # noqa: DTZ001 - wall times
    moments = st.datetimes(min_value=first, max_value=last)
    offsets = st.sampled_from(("", "Z", "+00:00", "-05:30", "+14:00"))
    separators = st.sampled_from(("T", " "))
    return st.builds(
        lambda moment, sep, offset: moment.isoformat(sep) + offset, moments, separators, offsets
    )


schemathesis.openapi.format("date-time", _timestamps())


@dataclass
class OperationResult:
    """What one operation got and how its answers fared."""

    requests: int = 0
    failures: Counter[str] = field(default_factory=Counter)
    samples: dict[str, str] = field(default_factory=dict)


@dataclass
class FuzzReport:
    """Per-operation results of one run, the errors that stopped a phase, and the time."""

    operations: dict[str, OperationResult] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    elapsed_s: float = 0.0

    @property
    def failures(self) -> int:
        """Failed checks plus errors: zero is a pass."""
        return sum(sum(r.failures.values()) for r in self.operations.values()) + len(self.errors)

    def describe_failures(self) -> str:
        """One paragraph per distinct failure, with the request that caused it."""
        lines = [
            f"{label}: {sample}"
            for label, result in sorted(self.operations.items())
            for sample in result.samples.values()
        ]
        return "\n\n".join(lines + self.errors)


def seed(app: Litestar) -> None:
    """Store a little data through the API itself, before the fuzzer starts the app again.

    Raises:
        RuntimeError: a seed request was not answered 201.
    """
    with TestClient(app) as client:
        for path, body in SEED_REQUESTS:
            response = client.post(path, json=body)
            if response.status_code != 201:
                raise RuntimeError(f"seeding {path}: {response.status_code} {response.text}")


def load_schema(
    app: Litestar,
    *,
    examples: int,
    seed: int,
    operation_ids: tuple[str, ...] = (),
    stateful: bool,
) -> schemathesis.BaseSchema:
    """The committed document, bound to `app`, with the checks and bounds of this run."""
    config = schemathesis.Config.from_dict(
        {
            "seed": seed,
            # No example database: a run is its seed alone, not what earlier runs saved.
            "generation": {"max-examples": examples, "database": "none"},
            "phases": {"stateful": {"enabled": stateful}},
            "checks": {"enabled": False} | {name: {"enabled": True} for name in CHECKS},
            "continue-on-failure": True,
            "request-timeout": REQUEST_TIMEOUT_S,
        }
    )
    schema = schemathesis.openapi.from_path(OPENAPI_FILE, config=config)
    schema.app = app
    return schema.include(operation_id=list(operation_ids)) if operation_ids else schema


def run(schema: schemathesis.BaseSchema) -> FuzzReport:
    """Every phase the schema's config enables, tallied per operation."""
    report = FuzzReport()
    started = time.perf_counter()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            _tally(report, event.recorder)
        elif isinstance(event, events.NonFatalError):
            report.errors.append(f"{event.label}: error {event.info.title}: {event.info}")
        elif isinstance(event, events.FatalError):
            report.errors.append(f"fatal: {event.exception!r}")
    report.elapsed_s = time.perf_counter() - started
    return report


def _tally(report: FuzzReport, recorder: ScenarioRecorder) -> None:
    result = report.operations.setdefault(recorder.label, OperationResult())
    result.requests += len(recorder.interactions)
    for case_id, checks in recorder.checks.items():
        for check in checks:
            if check.status != Status.FAILURE or check.failure_info is None:
                continue
            failure = check.failure_info.failure
            result.failures[check.name] += 1
            key = f"{check.name}: {failure.title}"
            if key not in result.samples:
                result.samples[key] = _sample(recorder, failure.case_id or case_id, key, failure)


def _sample(recorder: ScenarioRecorder, case_id: str, key: str, failure: Failure) -> str:
    interaction = recorder.interactions.get(case_id)
    if interaction is None:
        return f"{key}\n  {failure.message[:MESSAGE_SHOWN]}"
    request, response = interaction.request, interaction.response
    sent = f"{request.method} {request.uri}"
    if request.body:
        sent += f" body={request.body[:BODY_SHOWN]!r}"
    answer = (
        "no response"
        if response is None
        else f"{response.status_code} {response.content[:BODY_SHOWN]!r}"
    )
    return f"{key}\n  {failure.message[:MESSAGE_SHOWN]}\n  sent: {sent}\n  got: {answer}"
