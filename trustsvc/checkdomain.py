"""`trustsvc check-domain`: is a host or URL a lookalike of a trusted domain? Offline, lexical.

Only the lexical check exists so far; the network facts (registration age, registrar, name
servers, DNSBL) come with the domain family, so the output says so instead of pretending.
`--offline` is accepted now so that scripts keep working when those facts arrive.
"""

from __future__ import annotations

import json
from typing import Any

from probes.domain.lookalike import LookalikeVerdict, detect_lookalike
from probes.domain.trusted import TrustedList, default_trusted

NETWORK_NOTE = "network facts (registration, registrar, DNS) come with the domain family"


def check_domain(name: str, trusted: TrustedList | None = None) -> LookalikeVerdict:
    """The lexical verdict for a host or URL; raises TargetRejected for unusable input."""
    return detect_lookalike(name, trusted if trusted is not None else default_trusted())


def as_document(verdict: LookalikeVerdict) -> dict[str, Any]:
    """The JSON document `--format json` prints."""
    return {
        "domain": verdict.domain,
        "registrable_domain": verdict.registrable_domain,
        "lookalike_of": verdict.lookalike_of,
        "technique": verdict.technique,
        "engine": verdict.engine,
        "applicable": verdict.applicable,
        "reason": verdict.reason,
        "network_facts": None,
        "note": NETWORK_NOTE,
    }


def render(verdict: LookalikeVerdict, fmt: str) -> str:
    """The verdict as JSON or as aligned `key: value` lines."""
    document = as_document(verdict)
    if fmt == "json":
        return json.dumps(document, indent=2)
    width = max(map(len, document))
    shown = {key: "-" if value is None else value for key, value in document.items()}
    return "\n".join(f"{key:<{width}}  {value}" for key, value in shown.items())
