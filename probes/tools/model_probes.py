"""The statistical layer's own probe: a definition that reads like the poisoned ones.

The model (probes/tools/classifier.py) scores every definition. Over its threshold with the
listing context agreeing, its vote is one of the hidden-instruction matches and blocks; over
the threshold alone it raises this probe instead, which warns and never blocks: prose that
no rule calls an attack is not condemned by a statistical resemblance.
"""

from __future__ import annotations

from probes.model import Evidence, Finding, Severity
from probes.tools.classifier import MODEL, MODEL_VERSION, assessment_for
from probes.tools.judging import (
    CORROBORATED,
    INSTRUCTIONS_SUBJECT,
    MODEL_PROBABILITY,
    MODEL_THRESHOLD,
    judge,
    label,
    per_definition,
    tools_spec,
)
from probes.tools.judging import MODEL_VERSION as MODEL_VERSION_KEY
from probes.tools.observation import Role, TextField, ToolDefinition, ToolsObservation

RESEMBLES_POISONING = tools_spec(
    "tool_definition_resembles_poisoning",
    question="Does a trained model find that the definition reads like a poisoned one?",
    rationale=(
        "Attacks are rephrased faster than rules are written; a linear model over word and "
        "character n-grams and directive features, trained on labelled definitions, catches "
        "rewordings. Alone it only warns: it cannot say which sentence is the attack."
    ),
    severity=Severity.HIGH,
    remediation=(
        "Review the definition's text for instructions to the agent before connecting; "
        "report false alarms so the corpus can learn them."
    ),
)


def _evidence(probability: float, corroborated: bool) -> Evidence:  # noqa: FBT001
    return {
        MODEL_PROBABILITY: round(probability, 4),
        MODEL_THRESHOLD: MODEL.threshold,
        MODEL_VERSION_KEY: MODEL_VERSION,
        CORROBORATED: corroborated,
    }


def definition_resembles_poisoning(observation: ToolsObservation) -> list[Finding]:
    """TRUE when the model's calibrated probability reaches its threshold."""

    def one(definition: ToolDefinition) -> Finding:
        found = assessment_for(observation, definition.fields)
        probability = found.probability if found else 0.0
        flagged = bool(found and found.flagged)
        verb = "reads" if flagged else "does not read"
        message = (
            f"The {label(definition)} {verb} like a poisoned definition "
            f"(p={probability:.2f}, threshold {MODEL.threshold:.2f}, model {MODEL_VERSION})."
        )
        evidence = _evidence(probability, bool(found and found.corroborated))
        return judge(
            RESEMBLES_POISONING, definition, bad=flagged, message=message, evidence=evidence
        )

    findings = per_definition(RESEMBLES_POISONING, observation, one)
    if not observation.instructions:
        return findings
    fields = [TextField("instructions", observation.instructions, Role.PROSE)]
    found = assessment_for(observation, fields)
    flagged = bool(found and found.flagged)
    probability = found.probability if found else 0.0
    message = (
        f"The server's instructions text {'reads' if flagged else 'does not read'} like "
        f"poisoning (p={probability:.2f})."
    )
    evidence = _evidence(probability, bool(found and found.corroborated))
    finding = RESEMBLES_POISONING.judged(
        flagged, message, subject=INSTRUCTIONS_SUBJECT, evidence=evidence
    )
    return [*(f for f in findings if f.subject is not None), finding]
