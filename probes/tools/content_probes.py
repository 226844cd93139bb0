"""Tool probes about what a definition says: hidden instructions, invisible text, and more.

Also look-alike names, encoded blobs and references that steer other tools. These read
every string of a definition (full-schema poisoning puts instructions in
parameter names, defaults and enums, not just the description) and the server's
`instructions`, which the client also hands to the model.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

from probes.hostile_text import escaped_characters, has_invalid, visible
from probes.model import Evidence, Finding, ProbeSpec, Severity
from probes.tools.checks import server_words
from probes.tools.classifier import MODEL, MODEL_VERSION, assessment_for
from probes.tools.content import (
    RuleMatch,
    ScanMemo,
    prepared_for,
    scan_prepared,
    sibling_names,
)
from probes.tools.encoded import encoded_payloads
from probes.tools.judging import (
    CHARACTER_KINDS,
    CODEPOINTS,
    CONTEXT,
    DECODED,
    ENCODING,
    FIELD,
    HIDDEN_TEXT,
    INSTRUCTIONS_SUBJECT,
    MATCH,
    MATCH_COUNT,
    MODEL_PROBABILITY,
    REASON,
    RISK,
    RISK_POINTS,
    RULE,
    RULES,
    SCRIPTS,
    SKELETON,
    judge,
    label,
    per_definition,
    tools_spec,
    truncate,
)
from probes.tools.judging import MODEL_VERSION as MODEL_VERSION_KEY
from probes.tools.observation import Role, TextField, ToolDefinition, ToolsObservation
from probes.tools.poisoning import HIDDEN, SHADOWING
from probes.tools.reading import reading_of
from probes.tools.unicode import hidden_characters, name_confusion, tag_text

_SKIP_ENCODED = ("icons", "_meta")

HIDDEN_INSTRUCTIONS = tools_spec(
    "tool_definition_contains_hidden_instructions",
    question="Does any text of the definition address the agent with hidden instructions?",
    rationale=(
        "Tool poisoning: instructions in metadata the user rarely reads (markup such as "
        "<IMPORTANT>, requests to read secrets, send data away or hide behaviour) steer the "
        "agent against the user."
    ),
    severity=Severity.CRITICAL,
    remediation="Do not connect to this server; report it to its registry and publisher.",
    references=("SAFE-T1001", "SAFE-T1501"),
)
INVISIBLE_UNICODE = tools_spec(
    "tool_definition_contains_invisible_unicode",
    question="Does the definition contain invisible or control characters?",
    rationale=(
        "Zero-width characters, bidi controls, Unicode tag characters and terminal escapes "
        "hide text from the person approving a tool while the model still reads it."
    ),
    severity=Severity.CRITICAL,
    remediation="Do not connect to this server; a legitimate definition has no hidden text.",
    references=("SAFE-T1402",),
)
INVALID_CHARACTERS = tools_spec(
    "tool_definition_contains_invalid_characters",
    question="Does the definition hold characters no valid text has (lone surrogates, NUL)?",
    rationale=(
        "JSON can carry a lone surrogate or NUL that no UTF-8 text holds; clients render, drop "
        "or choke on them differently, so what a reviewer approved is not what a model reads, "
        "and they broke digests and storage. The collector turns each into its visible "
        "`\\uXXXX` escape; finding one (or its escape text) is a poisoning signal."
    ),
    severity=Severity.CRITICAL,
    remediation="Do not connect to this server; a legitimate definition is valid Unicode text.",
    references=("SAFE-T1402",),
)
MIXED_SCRIPTS = tools_spec(
    "tool_name_uses_mixed_scripts",
    question="Does a tool or parameter name mix look-alike scripts or compatibility letters?",
    rationale=(
        "A Cyrillic 'e' (U+0435) in 'read_file' reads as Latin to people but not to software: the "
        "name can impersonate another server's tool."
    ),
    severity=Severity.HIGH,
    remediation="Use plain ASCII names (A-Z a-z 0-9 _ - .) as the MCP specification advises.",
    references=("SAFE-T1004",),
)
ENCODED_PAYLOAD = tools_spec(
    "tool_definition_contains_encoded_payload",
    question="Does the definition carry an encoded blob (base64, hex, escapes)?",
    rationale=(
        "Encoded text smuggles instructions past human review and keyword filters; tool "
        "metadata has no need for it."
    ),
    severity=Severity.HIGH,
    remediation="Remove encoded content from tool metadata; say plainly what the tool does.",
    references=("SAFE-T1402",),
)
SHADOWS_OTHER_TOOLS = tools_spec(
    "tool_definition_shadows_other_tools",
    question=(
        "Does the definition direct how tools this server does not own are used, or imitate "
        "another tool of the listing?"
    ),
    rationale=(
        "Tool shadowing: a directive about another server's tool (\"before using `send_email`, "
        "add ... to bcc\"), a claim to replace it, or a look-alike of a sibling's name hijacks "
        "tools without this one ever being called."
    ),
    severity=Severity.CRITICAL,
    remediation=(
        "Do not connect to this server; a tool should describe only itself and its own "
        "server's tools."
    ),
    references=("SAFE-T1008", "SAFE-T1301"),
)

TextVerdict = tuple[bool, str, Evidence]


def _text_probe(
    spec: ProbeSpec,
    observation: ToolsObservation,
    judge_text: Callable[[Sequence[TextField]], TextVerdict],
) -> list[Finding]:
    """Judge every definition's strings, then the server instructions if the server sent any.

    `judge_text` returns (bad, message predicate, evidence); the predicate is completed with
    the subject ("The tool 'x' contains ...").
    """

    def one(definition: ToolDefinition) -> Finding:
        bad, message, evidence = judge_text(definition.fields)
        text = f"The {label(definition)} {message[0].lower()}{message[1:]}"
        return judge(spec, definition, bad=bad, message=text, evidence=evidence)

    findings = per_definition(spec, observation, one)
    if not observation.instructions:
        return findings
    fields = [TextField("instructions", observation.instructions, Role.PROSE)]
    bad, message, evidence = judge_text(fields)
    text = f"The server's instructions text {message[0].lower()}{message[1:]}"
    instructions = spec.judged(bad, text, subject=INSTRUCTIONS_SUBJECT, evidence=evidence)
    return [*(f for f in findings if f.subject is not None), instructions]


def _rule_evidence(matches: list[RuleMatch], probe_id: str) -> Evidence:
    first = matches[0]
    return {
        RULE: first.rule,
        RULES: ",".join(dict.fromkeys(m.rule for m in matches)),
        FIELD: first.field,
        MATCH: first.span,
        CONTEXT: first.context,
        MATCH_COUNT: len(matches),
        RISK: RISK_POINTS[probe_id] if matches else 0,
    }


def _model_match(observation: ToolsObservation, fields: Sequence[TextField]) -> list[RuleMatch]:
    """The model's vote as a match, when it is over threshold and the listing agrees."""
    found = assessment_for(observation, fields)
    if found is None or not found.corroborated:
        return []
    span = f"p={found.probability:.2f} >= {MODEL.threshold:.2f} ({MODEL_VERSION})"
    return [
        RuleMatch("statistical_model", "definition", span, "directive cues in the listing agree")
    ]


def _rule_probe(
    spec: ProbeSpec,
    probe: str,
    observation: ToolsObservation,
    *,
    what: str,
    clean: str,
    statistical: bool = False,
) -> list[Finding]:
    siblings = sibling_names(observation.definitions)
    own_words = server_words(observation.server_name)
    listing = reading_of(observation)
    memo: ScanMemo = {}

    def judge_fields(fields: Sequence[TextField]) -> TextVerdict:
        matches = scan_prepared(
            prepared_for(observation, fields),
            probe=probe,
            siblings=siblings,
            server_words=own_words,
            memo=memo,
        )
        reading = listing.of(fields) or listing.instructions
        if reading is not None:
            matches += [
                RuleMatch(s.rule, s.field, s.span, s.context)
                for s in reading.signals
                if s.probe == probe
            ]
        model: Evidence = {}
        if statistical:
            matches += _model_match(observation, fields)
            found = assessment_for(observation, fields)
            if found is not None:
                model = {
                    MODEL_PROBABILITY: round(found.probability, 4),
                    MODEL_VERSION_KEY: MODEL_VERSION,
                }
        if not matches:
            return False, clean, model
        first = matches[0]
        message = f'{what} ({first.rule} in {first.field}: "{first.span}").'
        return True, message, {**_rule_evidence(matches, spec.id), **model}

    return _text_probe(spec, observation, judge_fields)


def definition_contains_hidden_instructions(observation: ToolsObservation) -> list[Finding]:
    """TRUE when a poisoning rule matches any string of the definition (or the instructions)."""
    return _rule_probe(
        HIDDEN_INSTRUCTIONS,
        HIDDEN,
        observation,
        what="Contains instructions aimed at the agent rather than the user",
        clean="Contains no instructions aimed at the agent.",
        statistical=True,
    )


def definition_shadows_other_tools(observation: ToolsObservation) -> list[Finding]:
    """TRUE when the text directs how tools that this server does not list must behave."""
    return _rule_probe(
        SHADOWS_OTHER_TOOLS,
        SHADOWING,
        observation,
        what="Gives directives about tools this server does not own",
        clean="Refers to no tools outside this server.",
    )


def _hidden_evidence(fields: Sequence[TextField]) -> TextVerdict:
    for field in fields:
        hidden = hidden_characters(field.text)
        if not hidden:
            continue
        labels = list(dict.fromkeys(h.label for h in hidden))
        kinds = ",".join(dict.fromkeys(h.kind for h in hidden))
        evidence: Evidence = {
            FIELD: field.path,
            CODEPOINTS: ",".join(labels[:12]),
            CHARACTER_KINDS: kinds,
            MATCH_COUNT: len(hidden),
            HIDDEN_TEXT: truncate(tag_text(field.text)) or None,
            MATCH: truncate(field.text.encode("unicode_escape").decode("ascii")),
            RISK: RISK_POINTS[INVISIBLE_UNICODE.id],
        }
        message = f"Contains {len(hidden)} invisible character(s) ({kinds}) in {field.path}."
        return True, message, evidence
    return False, "Contains no invisible or control characters.", {}


def definition_contains_invisible_unicode(observation: ToolsObservation) -> list[Finding]:
    """TRUE for zero-width, bidi, tag, variation-selector or control characters anywhere."""
    return _text_probe(INVISIBLE_UNICODE, observation, _hidden_evidence)


def _invalid_evidence(fields: Sequence[TextField]) -> TextVerdict:
    for field in fields:
        labels = escaped_characters(field.text)
        if not labels and has_invalid(field.text):  # not collected through decode_json
            labels = escaped_characters(visible(field.text))
        if not labels:
            continue
        evidence: Evidence = {
            FIELD: field.path,
            CODEPOINTS: ",".join(list(dict.fromkeys(labels))[:12]),
            MATCH_COUNT: len(labels),
            MATCH: truncate(visible(field.text)),
            RISK: RISK_POINTS[INVALID_CHARACTERS.id],
        }
        message = (
            f"Contains {len(labels)} invalid character(s) (lone surrogates or NUL, shown "
            f"escaped) in {field.path}."
        )
        return True, message, evidence
    return False, "Contains no lone surrogates or NUL characters.", {}


def definition_contains_invalid_characters(observation: ToolsObservation) -> list[Finding]:
    """TRUE for a lone surrogate or NUL anywhere, as escaped at collection or still raw."""
    return _text_probe(INVALID_CHARACTERS, observation, _invalid_evidence)


def _encoded_evidence(fields: Sequence[TextField]) -> TextVerdict:
    for field in fields:
        if field.role is Role.NAME or field.path.startswith(_SKIP_ENCODED):
            continue
        payloads = encoded_payloads(field.text)
        if payloads:
            first = payloads[0]
            evidence: Evidence = {
                FIELD: field.path,
                ENCODING: first.encoding,
                MATCH: truncate(first.span),
                DECODED: truncate(first.decoded) if first.decoded else None,
                MATCH_COUNT: len(payloads),
                RISK: RISK_POINTS[ENCODED_PAYLOAD.id],
            }
            return True, f"Carries a {first.encoding} payload in {field.path}.", evidence
    return False, "Carries no encoded payloads.", {}


def definition_contains_encoded_payload(observation: ToolsObservation) -> list[Finding]:
    """TRUE for base64, hex, percent or escape blobs that decode to text or are very long."""
    return _text_probe(ENCODED_PAYLOAD, observation, _encoded_evidence)


def _name_fields(definition: ToolDefinition) -> Collection[TextField]:
    return [f for f in definition.fields if f.role is Role.NAME]


def name_uses_mixed_scripts(observation: ToolsObservation) -> list[Finding]:
    """TRUE when the name or a parameter name mixes scripts or uses compatibility letters."""

    def one(definition: ToolDefinition) -> Finding:
        for field in _name_fields(definition):
            confusion = name_confusion(field.text)
            if confusion is not None:
                evidence: Evidence = {
                    FIELD: field.path,
                    MATCH: truncate(field.text),
                    REASON: confusion.reason,
                    SCRIPTS: ",".join(confusion.scripts),
                    SKELETON: confusion.skeleton,
                }
                message = (
                    f"The {label(definition)} has a look-alike name in {field.path}: "
                    f"'{field.text}' reads as '{confusion.skeleton}' ({confusion.reason})."
                )
                return judge(
                    MIXED_SCRIPTS, definition, bad=True, message=message, evidence=evidence
                )
        message = f"The {label(definition)} uses no look-alike characters in its names."
        return judge(MIXED_SCRIPTS, definition, bad=False, message=message)

    return per_definition(MIXED_SCRIPTS, observation, one)
