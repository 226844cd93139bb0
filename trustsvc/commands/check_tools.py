"""`trustsvc check-tools`: judge saved tool lists offline with the same probes a scan runs.

A developer (or a CI job) checks a server's `tools/list` result before publishing it, or an
operator judges a crawl or a registry dump without connecting again. Each listing is either
a tools/list result (`{"tools": [...]}`, optionally with `prompts`, `resourceTemplates` and
`instructions`, or wrapped in a JSON-RPC `result`) or a bare JSON array of tool definitions;
where they come from (files, directories, JSON Lines, stdin) is `tool_inputs.py`. Each
listing is judged on its own. Definitions without a name or schema are still judged on what
they have.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from probes.model import Finding, ProbeSpec
from probes.tools.family import TOOLS_PROBES, judge_definitions
from probes.tools.judging import SET_FINGERPRINT
from probes.tools.observation import ToolsObservation, observation_from_lists
from probes.tools.verdicts import ToolVerdict, is_bad_tools_finding
from probes.tools.verdicts import tool_verdicts as summarise
from trustsvc.commands.errors import EXIT_OK, EXIT_VERDICT, UsageError
from trustsvc.commands.tool_inputs import ToolsInputError, sources
from trustsvc.config.env import shown
from trustsvc.config.settings import Settings
from trustsvc.reports.build import finding_doc
from trustsvc.reports.sarif import sarif_log
from trustsvc.scoring.dimensions.capabilities import evaluate_capabilities
from trustsvc.scoring.dimensions.common import DimensionInput
from trustsvc.scoring.policy import POLICY
from trustsvc.scoring.types import Dimension

_LISTS = {"tools": "tools", "prompts": "prompts", "resourceTemplates": "resource_templates"}
_EXPECTED = 'expected a JSON array of tool definitions or an object with a "tools" array'


def catalogue() -> Mapping[str, ProbeSpec]:
    """The specs of the tool probes by id."""
    return {probe.spec.id: probe.spec for probe in TOOLS_PROBES}


def parse_tool_list(text: str, *, observed_at: dt.datetime | None = None) -> ToolsObservation:
    """A ToolsObservation from the text of a tools/list result or an array of definitions."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ToolsInputError(
            f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from exc
    except RecursionError as exc:
        raise ToolsInputError("JSON nested too deeply to parse") from exc
    if isinstance(document, Mapping) and isinstance(document.get("result"), Mapping):
        document = document["result"]  # a whole JSON-RPC response
    when = observed_at or dt.datetime.now(dt.UTC)
    if isinstance(document, list):
        return observation_from_lists(observed_at=when, tools=document)
    if not isinstance(document, Mapping) or not any(key in document for key in _LISTS):
        raise ToolsInputError(_EXPECTED)
    lists: dict[str, Sequence[object]] = {}
    for key, argument in _LISTS.items():
        value = document.get(key, [])
        if not isinstance(value, list):
            raise ToolsInputError(f'"{key}" is not an array')
        lists[argument] = value
    instructions = document.get("instructions")
    info = document.get("serverInfo") or document.get("_server_info")
    name = info.get("name") if isinstance(info, Mapping) else None
    return observation_from_lists(
        observed_at=when,
        tools=lists["tools"],
        prompts=lists["prompts"],
        resource_templates=lists["resource_templates"],
        instructions=instructions if isinstance(instructions, str) else None,
        server_name=name if isinstance(name, str) else None,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolsCheck:
    """Everything the checker found: per-definition verdicts, all findings, the dimension."""

    observation: ToolsObservation
    findings: tuple[Finding, ...]
    verdicts: tuple[ToolVerdict, ...]
    score: float | None
    reason: str

    @property
    def poisoned(self) -> int:
        """How many definitions (or the server instructions) are poisoned."""
        return sum(v.poisoned for v in self.verdicts)

    def set_findings(self) -> list[Finding]:
        """The bad findings about the set as a whole (collisions, size, incomplete listing)."""
        return [f for f in self.findings if f.subject == "server:tools" and is_bad_tools_finding(f)]


def check_tools(observation: ToolsObservation) -> ToolsCheck:
    """Run every tool probe and the capabilities evaluator over one observation."""
    findings = tuple(judge_definitions(observation))
    dimension = evaluate_capabilities(
        DimensionInput(
            dimension=Dimension.CAPABILITIES,
            weight=POLICY.weights[Dimension.CAPABILITIES],
            findings=findings,
            specs=catalogue(),
            policy=POLICY,
        )
    )
    return ToolsCheck(
        observation=observation,
        findings=findings,
        verdicts=tuple(summarise(findings)),
        score=dimension.score,
        reason=dimension.reason,
    )


def _finding_json(finding: Finding) -> dict[str, Any]:
    return {
        "probe_id": finding.probe_id,
        "severity": finding.severity.value,
        "message": finding.message,
        "evidence": dict(finding.evidence),
        "provenance": None if finding.provenance is None else finding.provenance.value,
        "references": [
            {"framework": r.framework, "edition": r.edition, "id": r.id} for r in finding.references
        ],
    }


def _set_fingerprint(check: ToolsCheck) -> str | None:
    listing = next((f for f in check.findings if f.probe_id == "tool_listing_is_incomplete"), None)
    value = listing.evidence.get(SET_FINGERPRINT) if listing else None
    return value if isinstance(value, str) else None


def to_json(check: ToolsCheck) -> dict[str, Any]:
    """The `--format json` document: one entry per definition, then a summary."""
    tiers = Counter(v.capability_tier for v in check.verdicts if v.capability_tier)
    tools = [
        {
            "name": v.name,
            "kind": v.kind,
            "poisoned": v.poisoned,
            "capability_tier": v.capability_tier,
            "risk": v.risk,
            "findings": [_finding_json(f) for f in v.findings],
        }
        for v in check.verdicts
    ]
    observation = check.observation
    summary = {
        "definitions": len(observation.definitions),
        "listed": observation.listed_count,
        "unparsable": observation.parse_failures,
        "poisoned": check.poisoned,
        "max_risk": max((v.risk for v in check.verdicts), default=0),
        "capability_tiers": dict(sorted(tiers.items())),
        "score": None if check.score is None else round(check.score, 1),
        "reason": check.reason,
        "set_fingerprint": _set_fingerprint(check),
        "set_findings": [_finding_json(f) for f in check.set_findings()],
    }
    return {"tools": tools, "summary": summary}


def to_table(check: ToolsCheck) -> str:
    """A readable table: one line per definition, worst first, then the summary."""
    header = ("KIND", "NAME", "TIER", "RISK", "POISONED", "FINDINGS")
    ordered = sorted(check.verdicts, key=lambda v: (-v.poisoned, -v.risk, v.subject))
    rows = [
        (
            v.kind,
            v.name,
            v.capability_tier or "-",
            str(v.risk),
            "YES" if v.poisoned else "no",
            ", ".join(f.probe_id.removeprefix("tool_") for f in v.findings) or "-",
        )
        for v in ordered
    ]
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header) - 1)]
    lines = [
        "  ".join([*(c.ljust(w) for c, w in zip(r, widths, strict=False)), r[-1]])
        for r in (header, *rows)
    ]
    score = "-" if check.score is None else f"{check.score:.0f}"
    totals = f"{len(rows)} definition(s), {check.poisoned} poisoned, capability score {score}"
    lines += ["", f"{totals}: {check.reason}"]
    lines += [f"set: {f.message}" for f in check.set_findings()]
    for v in ordered:
        lines += [f"{v.subject}: {f.message}" for f in v.findings if f.severity.value == "critical"]
    return "\n".join(lines)


def to_sarif(check: ToolsCheck, source: str) -> dict[str, Any]:
    """A SARIF log of the bad findings, with the same rule metadata as scan reports."""
    properties = {"source": source, "definitions": len(check.verdicts), "poisoned": check.poisoned}
    properties |= {"capability_score": check.score, "set_fingerprint": _set_fingerprint(check)}
    docs = [finding_doc(f) for f in check.findings]
    return sarif_log(docs, catalogue(), uri=source, properties=properties)


def render(check: ToolsCheck, fmt: str, source: str) -> str:
    """One listing's check in the requested format: table, json or sarif."""
    if fmt == "json":
        return json.dumps(to_json(check), indent=2, ensure_ascii=False)
    if fmt == "sarif":
        return json.dumps(to_sarif(check, source), indent=2, ensure_ascii=False)
    return to_table(check)


def render_many(checks: Sequence[tuple[str, ToolsCheck]], fmt: str) -> str:
    """Several listings: one JSON entry, one SARIF run or one table section per listing."""
    poisoned = sum(c.poisoned for _, c in checks)
    definitions = sum(len(c.observation.definitions) for _, c in checks)
    if fmt == "json":
        listings = [{"source": name, **to_json(check)} for name, check in checks]
        summary = {
            "listings": len(checks),
            "definitions": definitions,
            "poisoned": poisoned,
            "listings_with_poisoned": sum(c.poisoned > 0 for _, c in checks),
        }
        return json.dumps({"listings": listings, "summary": summary}, indent=2, ensure_ascii=False)
    if fmt == "sarif":
        logs = [to_sarif(check, name) for name, check in checks]
        merged = {**logs[0], "runs": [run for log in logs for run in log["runs"]]}
        return json.dumps(merged, indent=2, ensure_ascii=False)
    sections = [f"== {name} ==\n{to_table(check)}" for name, check in checks]
    total = f"{len(checks)} listing(s), {definitions} definition(s), {poisoned} poisoned"
    return "\n\n".join([*sections, total])


def _checked(source_name: str, text: str, *, several: bool) -> ToolsCheck:
    try:
        return check_tools(parse_tool_list(text))
    except ToolsInputError as exc:
        raise ToolsInputError(f"{shown(source_name)}: {exc}" if several else str(exc)) from exc


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Judge every listing the PATHs name; exit 3 with --fail-on-poisoned."""
    del settings  # offline: no setting applies
    try:
        found = sources(list(args.paths))
        several = len(found) > 1
        checks = [(s.name, _checked(s.name, s.text, several=several)) for s in found]
    except ToolsInputError as exc:
        raise UsageError(str(exc)) from exc
    if len(checks) == 1:
        ((name, check),) = checks
        output = render(check, args.format, name)
    else:
        output = render_many(checks, args.format)
    print(output)  # noqa: T201 - CLI output
    poisoned = any(check.poisoned for _, check in checks)
    return EXIT_VERDICT if args.fail_on_poisoned and poisoned else EXIT_OK
