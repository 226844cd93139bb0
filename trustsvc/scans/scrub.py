"""What an endpoint sends back is scrubbed of secrets before it is stored or shown (issue 16).

A hostile (or merely chatty) server can echo the operator's `Authorization` header in its
`serverInfo`, a tool description or an error, and the scan would store it in findings and
snapshots and print it in every report. So after probing, and before anything is judged
into storage, every string of the run (findings, attempts, observations) has the operator's
header values replaced, and the credential patterns of the log redaction masked as well
(`Bearer ...`, `client_secret=`, `whsec_...`). The probes have judged the raw text already,
so a verdict never depends on what is masked here.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Collection, Mapping
from typing import Any

from probes.runner import RunResult
from trustsvc.observability.redact import REDACTED, redact

MIN_SECRET_LENGTH = 4  # shorter values would mask ordinary words
_SCHEMES = ("bearer ", "basic ", "token ")


def secrets_of(headers: Mapping[str, str]) -> tuple[str, ...]:
    """The values to mask: each header value, and its credential without the scheme word."""
    found: set[str] = set()
    for value in headers.values():
        found.add(value.strip())
        if value.lower().startswith(_SCHEMES):
            found.add(value.split(None, 1)[-1].strip())
    # Longest first, so a value is masked whole before a part of it could be.
    return tuple(sorted((s for s in found if len(s) >= MIN_SECRET_LENGTH), key=len, reverse=True))


class Scrubber:
    """Masks known secret values and credential patterns in any nested value."""

    def __init__(self, secrets: Collection[str]) -> None:
        self.secrets = tuple(secrets)

    def text(self, value: str) -> str:
        """One string, masked."""
        for secret in self.secrets:
            if secret in value:
                value = value.replace(secret, REDACTED)
        return redact(value)

    def value(self, value: Any) -> Any:  # noqa: ANN401 - any observation, rebuilt alike
        """`value` with every string inside it masked; unchanged parts are the same objects."""
        if isinstance(value, str):
            return value if isinstance(value, enum.Enum) else self.text(value)
        if isinstance(value, Mapping):
            pairs = [(self.value(k), self.value(v)) for k, v in value.items()]
            same = all(
                k is k0 and v is v0 for (k, v), (k0, v0) in zip(pairs, value.items(), strict=True)
            )
            return value if same else dict(pairs)
        if isinstance(value, list | tuple) and not hasattr(value, "_fields"):
            items = [self.value(item) for item in value]
            same = all(a is b for a, b in zip(items, value, strict=True))
            return value if same else type(value)(items)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            changes = {
                field.name: new
                for field in dataclasses.fields(value)
                if field.init and (new := self.value(old := getattr(value, field.name))) is not old
            }
            return dataclasses.replace(value, **changes) if changes else value
        return value

    def run(self, run: RunResult) -> RunResult:
        """The run with its findings, attempts and observations masked."""
        scrubbed: RunResult = self.value(run)
        return scrubbed
