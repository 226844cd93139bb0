"""Run the poisoning rules over every string of a definition, as the model would read it.

Text is prepared before matching: invisible characters are removed and compatibility forms
folded (NFKC), so "ig\u200bnore previous instructions" or fullwidth letters do not slip past;
identifier-shaped names are split into words, so a parameter called
`content_from_reading_ssh_id_rsa` reads as the sentence it is. Encoded blobs that decode to
text are judged on what they decode to.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from probes.tools.encoded import encoded_payloads
from probes.tools.memo import IdentityCache
from probes.tools.observation import Role, TextField, ToolDefinition, ToolsObservation
from probes.tools.poisoning import RULES, MatchContext, Rule, normalise_name
from probes.tools.unicode import strip_hidden

SPAN_CHARS = 160
MIN_ENCODED_CHARS = 32  # shorter strings cannot hold an encoded sentence
MIN_RULE_CHARS = 6  # no rule can match fewer characters
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_SEPARATORS = re.compile(r"[_\-.]+")


@dataclass(frozen=True, slots=True)
class RuleMatch:
    """One rule that fired: which, in which field, and the matched text (truncated)."""

    rule: str
    field: str
    span: str
    context: str


def prepare(field: TextField) -> str:
    """The text rules see: hidden characters removed, NFKC-folded, identifiers split."""
    text = strip_hidden(field.text)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    if field.role is Role.NAME and not any(ch.isspace() for ch in text):
        text = _SEPARATORS.sub(" ", _CAMEL.sub(" ", text))
    return text


def span_of(text: str, start: int, end: int) -> str:
    """The matched text on one line, at most SPAN_CHARS long."""
    span = " ".join(text[start:end].split())
    return span if len(span) <= SPAN_CHARS else span[: SPAN_CHARS - 1] + "…"


def _first_match(rule: Rule, text: str, ctx: MatchContext) -> re.Match[str] | None:
    for match in rule.pattern.finditer(text):
        if rule.check is None or rule.check(match, ctx):
            return match
    return None


def _rules_by_probe() -> dict[str, tuple[tuple[Rule, ...], re.Pattern[str]]]:
    """Each probe's rules, and one pattern that matches wherever any of their hints could."""
    grouped: dict[str, tuple[Rule, ...]] = {}
    for rule in RULES:
        grouped[rule.probe] = (*grouped.get(rule.probe, ()), rule)
    return {
        probe: (rules, re.compile("|".join(r.hints[0].pattern for r in rules)))
        for probe, rules in grouped.items()
    }


_RULES_BY_PROBE = _rules_by_probe()
# One word with no markup characters cannot hold any rule's sentence or tag.
_SINGLE_TOKEN = re.compile(r"[\w./~-]+")


def _texts(fields: Iterable[TextField]) -> Iterable[tuple[str, str, Role]]:
    """(path, prepared text, role) for each field, then for each decoded payload in it."""
    for field in fields:
        text = prepare(field)
        yield field.path, text, field.role
        if field.role is not Role.NAME and len(text) >= MIN_ENCODED_CHARS:
            for payload in encoded_payloads(field.text):
                if payload.decoded is not None:
                    path = f"{field.path} ({payload.encoding})"
                    yield path, unicodedata.normalize("NFKC", payload.decoded), field.role


Prepared = tuple[tuple[str, str, Role], ...]
# Per observation: the prepared texts of each definition, keyed by id() of its fields tuple
# (the cached observation keeps those tuples alive, so the ids stay theirs).
_PREPARED: IdentityCache[dict[int, Prepared]] = IdentityCache(size=8)


def prepared(fields: Iterable[TextField]) -> Prepared:
    """(path, prepared text, role) for each field and each decoded payload in it."""
    return tuple(_texts(fields))


def prepared_for(observation: ToolsObservation, fields: Sequence[TextField]) -> Prepared:
    """The prepared texts of one definition's fields, computed once per observation."""
    table = _PREPARED.get(
        observation, lambda: {id(d.fields): prepared(d.fields) for d in observation.definitions}
    )
    return table.get(id(fields)) or prepared(fields)


def scan(
    fields: Sequence[TextField], *, probe: str, siblings: Collection[str] = ()
) -> list[RuleMatch]:
    """Every (rule, field) pair of the given probe's rules that matched, in field order."""
    return scan_prepared(prepared(fields), probe=probe, siblings=siblings)


ScanMemo = dict[tuple[str, Role], list[tuple[str, str, str]]]
"""One probe's rule matches per (prepared text, role) within one listing: (rule, span, context)."""


def scan_prepared(
    texts: Prepared,
    *,
    probe: str,
    siblings: Collection[str] = (),
    server_words: Collection[str] = (),
    memo: ScanMemo | None = None,
) -> list[RuleMatch]:
    """`scan` over texts already prepared (see `prepared_for`).

    A rule's match depends only on the text, its role and the listing-wide sibling names and
    server words, so with `memo` (one per probe and listing) a text that recurs in the
    listing, like a parameter description shared by fifty tools, is matched once.
    """
    found: list[RuleMatch] = []
    for path, text, role in texts:
        known = None if memo is None else memo.get((text, role))
        hits = known if known is not None else _scan_text(text, role, probe, siblings, server_words)
        if memo is not None and known is None:
            memo[(text, role)] = hits
        found += [RuleMatch(rule, path, span, context) for rule, span, context in hits]
    return found


def _scan_text(
    text: str, role: Role, probe: str, siblings: Collection[str], server_words: Collection[str]
) -> list[tuple[str, str, str]]:
    """(rule, span, context) of each of the probe's rules that matches one text."""
    rules, any_hint = _RULES_BY_PROBE[probe]
    if len(text) < MIN_RULE_CHARS or _SINGLE_TOKEN.fullmatch(text):
        return []
    lowered = text.lower()
    if any_hint.search(lowered) is None:
        return []
    found: list[tuple[str, str, str]] = []
    ctx = MatchContext(text=text, siblings=siblings, role=role, server_words=server_words)
    for rule in rules:
        if role not in rule.roles or not rule.may_match(lowered):
            continue
        match = _first_match(rule, text, ctx)
        if match is not None:
            span = span_of(text, match.start(), match.end())
            context = span_of(text, max(0, match.start() - 40), match.start() + SPAN_CHARS)
            found.append((rule.id, span, context))
    return found


def sibling_names(definitions: Iterable[ToolDefinition]) -> frozenset[str]:
    """The server's own definition names, folded for comparison with references in text."""
    return frozenset(normalise_name(d.name) for d in definitions if d.name)
