"""Per-client cloaking: a server that lists other tools to other clients (issue 18).

A scanner sees what the server chooses to show it. A malicious server can key on the
`clientInfo` or User-Agent and serve clean tools to scanners and poisoned ones to the clients
agents really use. The collector lists the tools again under the identities of widely used
clients; this probe compares the listings as sets of definition fingerprints, so listing
order and pagination (how many pages the same tools came in) are not differences, while any
edit, addition or removal is.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence

from probes.model import Finding, Outcome, Severity
from probes.tools.fingerprint import definition_fingerprint
from probes.tools.hygiene_probes import SET_SUBJECT
from probes.tools.judging import RISK, SET_RISK_POINTS, tools_spec, truncate
from probes.tools.observation import ClientListing, ToolDefinition, ToolsObservation

CLIENTS = "clients"
NOT_COMPARED = "not_compared"
DIFFERING_CLIENTS = "differing_clients"
DIFFERENCE = "difference"
DIFF = "diff"
_SHOWN_CHARS = 200  # of a description in the diff
_DIFF_CHARS = 8_000  # of the whole JSON diff kept as evidence

DIFFER_BY_CLIENT = tools_spec(
    "tools_differ_by_client",
    question="Does the server list different tools when the client says it is another client?",
    rationale=(
        "A server that shows scanners one set of tools and widely used agents another is "
        "hiding what it serves to the agents: the clean listing proves nothing about them."
    ),
    severity=Severity.CRITICAL,
    remediation=(
        "Serve the same tool definitions to every client; do not vary tools, descriptions or "
        "schemas by clientInfo or User-Agent."
    ),
)


def _key(definition: ToolDefinition) -> tuple[str, str]:
    return definition.kind, definition_fingerprint(definition)


def _by_name(definitions: Sequence[ToolDefinition]) -> dict[str, ToolDefinition]:
    return {d.subject: d for d in definitions}


def _difference(
    ours: Sequence[ToolDefinition], theirs: Sequence[ToolDefinition]
) -> dict[str, list[object]] | None:
    """What `theirs` adds, removes and changes against `ours`; None when they are the same set."""
    if Counter(map(_key, ours)) == Counter(map(_key, theirs)):
        return None
    mine, other = _by_name(ours), _by_name(theirs)
    changed: list[object] = [
        {
            "subject": subject,
            "ours": truncate(mine[subject].description or "", _SHOWN_CHARS),
            "theirs": truncate(other[subject].description or "", _SHOWN_CHARS),
        }
        for subject in sorted(mine.keys() & other.keys())
        if _key(mine[subject]) != _key(other[subject])
    ]
    added: list[object] = [*sorted(other.keys() - mine.keys())]
    removed: list[object] = [*sorted(mine.keys() - other.keys())]
    return {"added": added, "removed": removed, "changed": changed}


def _summary(client: str, diff: dict[str, list[object]]) -> str:
    """`claude-ai/0.1.0: added x; changed tool:y` (a repeated definition shows as no name)."""
    names = {
        "added": [str(x) for x in diff["added"]],
        "removed": [str(x) for x in diff["removed"]],
        "changed": [str(c["subject"]) for c in diff["changed"] if isinstance(c, dict)],
    }
    shown = "; ".join(f"{what} {', '.join(items)}" for what, items in names.items() if items)
    return f"{client}: {shown or 'the same names, other copies of them'}"


def _comparable(listing: ClientListing) -> tuple[ToolDefinition, ...] | None:
    """A disguised listing's definitions, or None when it failed or was cut at the limit."""
    return None if listing.truncated else listing.definitions


def tools_differ_by_client(observation: ToolsObservation) -> list[Finding]:
    """TRUE when a disguised listing differs from the honest one by definition fingerprints.

    NOT_APPLICABLE when no other identity was tried or none of them could be compared (its
    handshake failed, or a listing was cut at the paging limit): no comparison, no claim.
    """
    used = ", ".join(
        [observation.client or "trustsvc-probe", *(x.client for x in observation.client_listings)]
    )
    compared = [
        (x.client, definitions)
        for x in observation.client_listings
        if (definitions := _comparable(x)) is not None
    ]
    skipped = "; ".join(
        f"{x.client}: {x.error or 'listing truncated'}"
        for x in observation.client_listings
        if _comparable(x) is None
    )
    evidence: dict[str, str | int | float | bool | None] = {CLIENTS: used, NOT_COMPARED: skipped}
    if observation.truncated or not compared:
        why = (
            "the honest listing was cut at the paging limit"
            if observation.truncated
            else "no other client identity was tried"
            if not observation.client_listings
            else f"no disguised listing could be compared ({skipped})"
        )
        return [
            DIFFER_BY_CLIENT.finding(
                Outcome.NOT_APPLICABLE, f"Not compared: {why}.", evidence=evidence
            )
        ]
    diffs = {
        client: diff
        for client, definitions in compared
        if (diff := _difference(observation.definitions, definitions)) is not None
    }
    if diffs:
        evidence |= {
            DIFFERING_CLIENTS: ", ".join(diffs),
            DIFFERENCE: truncate(" | ".join(_summary(c, d) for c, d in diffs.items()), 1000),
            DIFF: json.dumps(diffs, ensure_ascii=True, sort_keys=True)[:_DIFF_CHARS],
            RISK: SET_RISK_POINTS[DIFFER_BY_CLIENT.id],
        }
        message = (
            f"The server lists other tools to {', '.join(diffs)} than to trustsvc: "
            f"{evidence[DIFFERENCE]}"
        )
    else:
        evidence[RISK] = 0
        message = f"The same definitions were listed to every identity tried ({used})."
    return [DIFFER_BY_CLIENT.judged(bool(diffs), message, subject=SET_SUBJECT, evidence=evidence)]
