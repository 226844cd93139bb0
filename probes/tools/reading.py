"""A listing read as a whole: each definition's directives, signals and model features.

The content probes (hidden instructions, shadowing, resemblance to poisoning) all need the
same reading of every definition in the context of its listing, so it is computed once per
observation here and cached by identity. A reading holds the signals the directive rules
raised (with the field and the matched sentence), the listing-level signals (look-alike and
squatting names), and the directive features the statistical layer adds to its n-grams.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from probes.tools.content import Prepared, prepared, prepared_for, span_of
from probes.tools.directives import Directive, SentenceMemo, read_directives
from probes.tools.memo import IdentityCache
from probes.tools.observation import Role, TextField, ToolDefinition, ToolsObservation
from probes.tools.pairs import joined
from probes.tools.poisoning import HIDDEN, SHADOWING
from probes.tools.references import ListingContext, RefRole, listing_context
from probes.tools.signals import judge_directive
from probes.tools.squatting import squats
from probes.tools.widening import encoded_directive

_MAX_READ_CHARS = 20_000  # beyond this a description is judged excessive anyway


@dataclass(frozen=True, slots=True)
class SignalMatch:
    """A signal raised on one field: probe, rule, field path, matched sentence and context."""

    probe: str
    rule: str
    field: str
    span: str
    context: str


@dataclass(frozen=True, slots=True)
class DefinitionReading:
    """Signals and directive features of one definition (or of the server's instructions)."""

    signals: tuple[SignalMatch, ...]
    features: frozenset[str]
    text: str  # the text the statistical layer reads


def _features(directive: Directive, role: Role) -> set[str]:
    """Directive features as names: each part present, and the pairs that matter together."""
    found = {f"act:{a.value}" for a in directive.actions}
    roles = {r.role for r in directive.refs}
    t_roles = {r.role for r in directive.trigger_refs}
    flags = {
        "obligation": directive.obligation,
        "imperative": directive.imperative,
        "trigger": directive.trigger is not None,
        "trigger_event": directive.trigger_event,
        "passive": directive.passive,
        "standing": directive.standing,
        "conceal": directive.concealment,
        "override": directive.override,
        "address": directive.address,
        "negated": bool(directive.negated),
    }
    found |= {k for k, v in flags.items() if v}
    found |= {f"ref:{r.value}" for r in roles} | {f"tref:{r.value}" for r in t_roles}
    if any(
        r.role is RefRole.FOREIGN and r.named for r in (*directive.refs, *directive.trigger_refs)
    ):
        found.add("ref:foreign_named")
    if directive.data:
        found.add(f"data:{directive.data}")
    if directive.sink:
        found.add(f"sink:{directive.sink}")
    if directive.data and directive.sink:
        found.add("flow:data_to_sink")
    if directive.obligation and (roles | t_roles) & {RefRole.FOREIGN}:
        found.add("pair:obligation_foreign")
    if directive.trigger is not None and directive.actions:
        found.add("pair:trigger_action")
    if role is not Role.PROSE and (directive.obligation or directive.imperative):
        found.add("value:directive")
    others = [r for r in directive.mentions if r.role in (RefRole.OWN, RefRole.FOREIGN)]
    if directive.ordered and others and any(r.role is RefRole.SELF for r in directive.mentions):
        found.add("pair:ordered_other")
    return found


def read_texts(
    texts: Prepared, ctx: ListingContext, memo: SentenceMemo | None = None
) -> DefinitionReading:
    """Signals and features over prepared texts, each field read sentence by sentence."""
    signals: list[SignalMatch] = []
    features: set[str] = set()
    parts: list[str] = []
    for path, text, role in texts:
        body = text[:_MAX_READ_CHARS]
        parts.append(body)
        previous: Directive | None = None
        for read in read_directives(body, ctx, role, memo):
            # A question and its answer, or numbered steps, are one directive: read the pair.
            pair = joined(body, previous, read, ctx, role)
            previous = read
            for directive in (read,) if pair is None else (read, pair):
                features |= _features(directive, role)
                if encoded_directive(path, directive):
                    span = span_of(body, directive.start, directive.end)
                    signals.append(SignalMatch(HIDDEN, "encoded_directive", path, span, span))
                    features.add("signal:encoded_directive")
                for signal in judge_directive(directive, role, ctx):
                    span = span_of(body, directive.start, directive.end)
                    context = span_of(body, max(0, directive.start - 40), directive.end + 40)
                    signals.append(SignalMatch(signal.probe, signal.rule, path, span, context))
                    features.add(f"signal:{signal.rule}")
    return DefinitionReading(tuple(signals), frozenset(features), "\n".join(parts))


@dataclass(frozen=True, slots=True)
class ListingReading:
    """Every definition's reading by id() of its fields, and the instructions' reading."""

    by_fields: dict[int, DefinitionReading]
    instructions: DefinitionReading | None
    context: ListingContext

    def of(self, fields: Iterable[TextField]) -> DefinitionReading | None:
        """The reading of a definition's fields tuple (None for fields it did not read)."""
        return self.by_fields.get(id(fields))


def _read(observation: ToolsObservation) -> ListingReading:
    ctx = listing_context(observation.definitions, observation.server_name)
    memo = SentenceMemo()
    table: dict[int, DefinitionReading] = {}
    for definition in observation.definitions:
        texts = prepared_for(observation, definition.fields)
        table[id(definition.fields)] = read_texts(texts, ctx.for_definition(definition), memo)
    for squat in squats(observation.definitions):
        definition = next(d for d in observation.definitions if d.subject == squat.subject)
        old = table[id(definition.fields)]
        signal = SignalMatch(
            SHADOWING,
            squat.rule,
            "name",
            definition.name or "",
            f"imitates the listing's '{squat.twin}'",
        )
        table[id(definition.fields)] = DefinitionReading(
            (*old.signals, signal), old.features | {f"signal:{squat.rule}"}, old.text
        )
    instructions = None
    if observation.instructions:
        fields = (TextField("instructions", observation.instructions, Role.PROSE),)
        instructions = read_texts(prepared(fields), ctx, memo)
    return ListingReading(table, instructions, ctx)


def read_definition(definition: ToolDefinition, ctx: ListingContext) -> DefinitionReading:
    """One definition read in the context of its listing."""
    return read_texts(prepared(definition.fields), ctx.for_definition(definition))


_READINGS: IdentityCache[ListingReading] = IdentityCache(size=8)


def reading_of(observation: ToolsObservation) -> ListingReading:
    """The listing's reading, computed once per observation."""
    return _READINGS.get(observation, lambda: _read(observation))
