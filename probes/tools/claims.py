"""A description that claims less than its own definition shows: "read-only" over a writer.

The claim must be about the tool ("This tool is read-only", "(read-only)", "has no side
effects", "never modifies anything"), not about what it works on ("runs a read-only SQL
query", "opens the file in read-only mode"), and the evidence against it must come from the
same definition: a writing or destructive verb in its name, a free-form command or code
parameter, or parameters that write, send or force. Annotations are left to
`tool_annotations_contradict_behaviour`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from probes.tools.lexicon import words
from probes.tools.observation import ToolDefinition
from probes.tools.parameters import overbroad_parameters, parameters
from probes.tools.tiers import WEAK_VERBS, Tier, tier_of_words, words_of

_CLAIM = re.compile(
    r"\b(?:is|are|being|remains?|stays?)\s+(?:strictly\s+|purely\s+|completely\s+|entirely\s+"
    r"|fully\s+|100%\s+|always\s+)?(?:read[- ]only|side[- ]effect[- ]free|non[- ]?destructive"
    r"|harmless)\b"
    r"|^\W*(?:\(|\[)?read[- ]only\b\s*(?:[.:;)\]]|$|-|tool\b)"
    r"|\((?:strictly\s+)?read[- ]only\)"
    r"|\bread[- ]only\s+(?:tool|operation|function|action|lookup|utility)\b"
    r"|\b(?:has|have|with|causes?)\s+no\s+side[- ]effects\b"
    r"|\bwithout\s+(?:any\s+)?side[- ]effects\b"
    r"|\b(?:does\s+not|doesn'?t|never|will\s+not|won'?t|cannot|can'?t)\s+(?:ever\s+)?"
    r"(?:modify|modifies|change|changes|write|writes|delete|deletes|alter|alters|touch|touches)"
    r"\s+(?:anything|any\s+(?:data|state|files?)|your\s+(?:system|data|files)|the\s+system)\b"
    r"|\bonly\s+(?:ever\s+)?reads\b|\bjust\s+reads\b"
    r"|(?:^|[.;:]\s*)no\s+side[- ]effects\b|\bnothing\s+is\s+(?:ever\s+)?(?:sent|written|deleted"
    r"|changed|modified)\b|\b(?:inspection|preview|lookup)\s+only\b"
    r"|\bread[- ]only\s*(?:[.;)]|$)|\bread[- ]only\s+(?:preview|lookup|view)\b"
    r"|\b(?:safe|harmless),\s+read[- ]only\b",
    re.IGNORECASE | re.MULTILINE,
)
# "read-only with respect to GitLab": a claim about one system, not about the tool.
_SCOPED = re.compile(
    r"\s*(?:with\s+respect\s+to|for|on|in|regarding|towards?|except|apart\s+from|unless)\b",
    re.IGNORECASE,
)
_WRITES = frozenset({Tier.WRITE, Tier.DESTRUCTIVE, Tier.EXTERNAL})


@dataclass(frozen=True, slots=True)
class Contradiction:
    """The claim in the description and the part of the definition that belies it."""

    claim: str
    evidence: str


_WRITE_PARAMS = words(
    "overwrite force apply commit delete delete_after upload_to upload webhook recipient"
    " recipients recipient_iban send publish execute notify command cmd script sql"
)


def _belied_by(definition: ToolDefinition) -> str | None:
    tier, verb = tier_of_words(words_of(definition.name or ""))
    if tier in _WRITES and verb not in WEAK_VERBS:
        return f"its name says '{verb}'"
    for param, kind in overbroad_parameters(definition):
        if kind in ("command", "code"):
            return f"it takes a free-form {kind} in '{param.path}'"
    names = {p.name.lower() for p in parameters(definition.input_schema)}
    writes = sorted(names & _WRITE_PARAMS)
    if writes:
        return f"it takes '{writes[0]}'"
    if {"path", "content"} <= names or {"table", "rows"} <= names:
        return "it takes content to write"
    return None


def contradiction(definition: ToolDefinition) -> Contradiction | None:
    """The read-only or harmless claim its own name, schema or annotations contradict."""
    description = definition.description or ""
    match = _CLAIM.search(description)
    if match is None or _SCOPED.match(description, match.end()):
        return None
    evidence = _belied_by(definition)
    if evidence is None:
        return None
    return Contradiction(" ".join(match.group(0).split()), evidence)
