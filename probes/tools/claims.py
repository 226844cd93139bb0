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
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from probes.tools.lexicon import words
from probes.tools.observation import ToolDefinition
from probes.tools.parameters import overbroad_parameters, parameters
from probes.tools.tiers import WEAK_VERBS, Tier, name_tier

# A claim of harmlessness is built from parts, not listed phrase by phrase: a harmless
# quality (read-only, side-effect free, no network access) said of the tool itself, a
# negated change ("never modifies anything", "does not send any data"), an "only" that
# restricts what it does ("only reads metadata", "inspection only", "purely informational").
_ADV = (
    r"(?:(?:strictly|purely|completely|entirely|fully|totally|100%|always|absolutely"
    r"|guaranteed|perfectly|truly|safely|just|merely|simply|only)\s+)?"
)
_QUALITY = (
    r"(?:read[- ]?only|view[- ]only|side[- ]?effect[- ]free|non[- ]?destructive|harmless"
    r"|non[- ]?mutating|non[- ]?invasive|passive|inert|offline|local[- ]only|informational"
    r"|sandboxed|safe)"
)
_SELF = (
    r"(?:this\s+(?:tool|function|operation|call|endpoint|helper|utility|action|command|method)"
    r"|the\s+(?:tool|function|operation|call|helper|utility)|it)"
)
_HELPER_NOUNS = (
    r"(?:tool|operation|function|action|lookup|utility|helper|preview|view|check|probe"
    r"|inspection|inspector|report|mode|call|command|endpoint|viewer|browser|status)"
)
_CHANGE_VERBS = (
    r"(?:modif(?:y|ies)|chang(?:e|es)|writ(?:e|es)|delet(?:e|es)|remov(?:e|es)|alter(?:s)?"
    r"|touch(?:es)?|mutat(?:e|es)|persist(?:s)?|stor(?:e|es)|send(?:s)?|upload(?:s)?"
    r"|transmit(?:s)?|share(?:s)?|post(?:s)?|publish(?:es)?|execut(?:e|es)|run(?:s)?"
    r"|contact(?:s)?|connect(?:s)?|affect(?:s)?|edit(?:s)?|creat(?:e|es)|spend(?:s)?"
    r"|mov(?:e|es)|transfer(?:s)?|leak(?:s)?|expos(?:e|es)|save(?:s)?|commit(?:s)?)"
)
_GENERIC_OBJECT = (
    r"(?:anything|nothing|any(?:\s+\w+){0,2}?\s+(?:data|state|files?|records?|settings?|thing"
    r"|resources?|content|information|changes?|money|funds|messages?|requests?|commands?)"
    r"|your\s+(?:system|data|files|machine|account|computer|workspace|environment|repo\w*)"
    r"|the\s+(?:system|file\s*system|filesystem|network|disk|database|internet|outside\s+world)"
    r"|data|state|files|out|outside|externally|over\s+the\s+network|to\s+the\s+network"
    r"|to\s+(?:any|external|third)[\w\s-]{0,20}|a\s+single\s+(?:byte|file|record|thing))"
)
_PARTICIPLES = (
    r"(?:sent|written|deleted|changed|modified|stored|uploaded|executed|transmitted|saved"
    r"|persisted|shared|posted|altered|removed|touched|created|moved|spent|run)"
)
# After a sentence start, `\W*+` takes the whole run of spaces and marks at once: what follows
# always opens with a word character, so no shorter run could match, and trying every way to
# split "\n" plus indentation between `\s+` and `\W*` made this pattern quadratic in the
# indentation of long descriptions (three quarters of the time of the whole check).
_CLAIM = re.compile(
    rf"\b{_SELF}\s+(?:is|are|remains?|stays?|was\s+designed\s+to\s+be|is\s+designed\s+to\s+be)"
    rf"\s+{_ADV}(?:an?\s+|entirely\s+)?{_QUALITY}\b"
    rf"|(?:^|[.;:!]\s|\(|\[|\A)\W*+(?:an?\s+)?(?:(?:safe|harmless|simple|quick|passive),?\s+)?"
    rf"{_ADV}{_QUALITY}(?:\s*(?:[.:;)\]!,]|$|-|\u2014)|\s+{_HELPER_NOUNS}\b)"
    rf"|\b(?:has|have|with|causes?|carries|produces?|there\s+are)\s+(?:absolutely\s+)?no"
    rf"\s+(?:side[- ]?effects|network\s+(?:access|calls|requests|traffic|activity)"
    rf"|external\s+(?:calls|requests|effects|access)|write\s+access|writes|changes)\b"
    rf"|\b(?:without|no)\s+(?:any\s+)?(?:side[- ]?effects|network\s+(?:access|calls|requests"
    rf"|traffic))\b"
    rf"|\b(?:does\s+not|doesn'?t|do\s+not|don'?t|never|will\s+not|won'?t|cannot|can'?t"
    rf"|can\s+not|is\s+unable\s+to|will\s+never)\s+(?:ever\s+|actually\s+|in\s+any\s+way\s+"
    rf"|at\s+all\s+)?{_CHANGE_VERBS}\s+{_GENERIC_OBJECT}"
    rf"|\bmakes?\s+no\s+(?:changes|modifications|network\s+(?:calls|requests)|writes"
    rf"|external\s+calls)\b"
    rf"|\bnothing\s+(?:is|gets|will\s+be|can\s+be|ever)\s+(?:ever\s+)?{_PARTICIPLES}\b"
    rf"|\bno\s+(?:data|information|content|files?)\s+(?:is|are|ever|will\s+be)\s+(?:ever\s+)?"
    rf"{_PARTICIPLES}\b"
    rf"|\b(?:data|nothing)\s+(?:never\s+)?leaves\s+(?:your|the|this)\s+(?:machine|device"
    rf"|computer|system)\b"
    rf"|\b(?:only|just|merely|purely|solely|simply)\s+(?:ever\s+)?(?:reads|views|inspects|shows"
    rf"|displays|previews|observes|looks|peeks|simulates|describes\s+what)\b"
    rf"|\b(?:inspection|preview|lookup|viewing|display|read|dry[- ]run|simulation|reporting"
    rf"|information|informational)\s+(?:purposes\s+)?only\b"
    rf"|\b(?:purely|strictly)\s+(?:informational|a\s+preview|a\s+dry[- ]run|for\s+(?:display"
    rf"|viewing|reading|inspection))\b"
    rf"|\bsafe\s+to\s+(?:call|run|use|invoke)\s+(?:at\s+any\s+time|anytime|without|freely"
    rf"|repeatedly|as\s+often)\b",
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
    " recipients recipient_iban send publish execute notify command cmd script"
    " webhook_url callback_url post_to forward_to destination_url bcc cc"
)
# Parameters that together say the tool sends a message or writes content.
_SEND_SETS = (
    frozenset({"to", "subject"}),
    frozenset({"to", "body"}),
    frozenset({"channel", "text"}),
    frozenset({"channel", "message"}),
    frozenset({"recipient", "message"}),
    frozenset({"path", "content"}),
    frozenset({"file", "content"}),
    frozenset({"table", "rows"}),
    frozenset({"amount", "currency"}),
)


# Name verbs too broad to belie a claim: `manage_flows` may well only read.
# `execute_query` over a read-only query language is honest too.
_BROAD_VERBS = WEAK_VERBS | words("manage handle process configure control execute query")
# What a `readOnlyHint` alone cannot survive: a name that destroys or sends, a shell or code
# parameter, or parameters that send. Real servers annotate query and fetch tools read-only.
_STRONG_VERBS = words(
    "send delete remove drop destroy purge kill transfer pay refund push publish post email"
    " wipe erase reply forward write overwrite move rename insert"
)


# Flags that qualify what a reading or checking tool looks at ("validate the records an
# update with `overwrite` would write", "check again with `force`"): beside a reading verb
# in the name they do not belie a `readOnlyHint`.
_FLAG_PARAMS = words("overwrite force")


def _strong(definition: ToolDefinition, evidence: str) -> bool:
    tier, verb = name_tier(definition)
    if tier is Tier.READ and evidence in {f"it takes '{flag}'" for flag in _FLAG_PARAMS}:
        return False
    return (
        verb in _STRONG_VERBS
        or evidence.startswith("it takes a free-form command")
        or (evidence.startswith("it takes ") and "code" not in evidence)
    )


def _belied_by(definition: ToolDefinition) -> str | None:
    tier, verb = name_tier(definition)
    if tier in _WRITES and verb not in _BROAD_VERBS:
        return f"its name says '{verb}'"
    for param, kind in overbroad_parameters(definition):
        if kind in ("command", "code"):
            return f"it takes a free-form {kind} in '{param.path}'"
    names = _parameter_names(definition)
    writes = sorted(names & _WRITE_PARAMS)
    if writes:
        return f"it takes '{writes[0]}'"
    for group in _SEND_SETS:
        if group <= names:
            return f"it takes {' and '.join(sorted(group))}"
    return None


# "QUERY (read-only):" heads a group of the tool's actions; the claim is about that group.
_HEADING = re.compile(r"[)\]]?\s*:[ \t]*(?:\n|$)")


# "repeating it is safe", "the call is safe to repeat": idempotency, that a second call adds
# nothing to the first; it says nothing of what the first call does.
_REPEAT_AFTER = re.compile(
    r"\s+to\s+(?:repeat|retry|re-?run|re-?send|call\s+again|run\s+again|call\s+more\s+than\s+once)\b",
    re.IGNORECASE,
)
_REPEAT_BEFORE = re.compile(
    r"\b(?:repeating|retrying|re-?running|calling\s+(?:it|this)\s+again)\s+$", re.IGNORECASE
)


def _claims(description: str) -> Iterator[str]:
    for match in _CLAIM.finditer(description):
        if _SCOPED.match(description, match.end()) or _HEADING.match(description, match.end()):
            continue
        if _REPEAT_AFTER.match(description, match.end()) or _REPEAT_BEFORE.search(
            description, 0, match.start()
        ):
            continue
        yield " ".join(match.group(0).split()).strip(" .;:()[]")


# A claim only that nothing leaves ("nothing is sent", "no network access") is belied by a
# tool that sends, not by one that writes: a draft is created and nothing is sent.
_SEND_ONLY = re.compile(
    r"\b(?:sent|sends?|transmit\w*|network|uploaded|uploads?|leaves|posted|shared|externally"
    r"|outside)\b",
    re.IGNORECASE,
)
_NON_SEND_WORDS = re.compile(
    r"\b(?:read|view|side|destructive|mutat\w*|modif\w*|chang\w*|writ\w*|delet\w*|remov\w*"
    r"|harmless|safe|stor\w*|sav\w*|creat\w*|execut\w*|run|touch\w*|alter\w*|anything)\b",
    re.IGNORECASE,
)
_SEND_PARAMS = words(
    "upload_to upload webhook recipient recipients recipient_iban send publish notify"
    " webhook_url callback_url post_to forward_to destination_url bcc cc"
)


# "Non-destructive: rearranges the variants in place" claims less than "read-only": a tool
# that writes keeps it; only one that destroys, or runs anything it is given, belies it.
_NON_DESTRUCTIVE = re.compile(r"(?:\w+\s+)?non[- ]?destructive(?:\s+\w+)?", re.IGNORECASE)
_DESTROY_PARAMS = words("delete delete_after overwrite force")


def _destroys(definition: ToolDefinition) -> bool:
    tier, _ = name_tier(definition)
    if tier is Tier.DESTRUCTIVE:
        return True
    if any(kind in ("command", "code") for _, kind in overbroad_parameters(definition)):
        return True
    return bool(_parameter_names(definition) & _DESTROY_PARAMS)


def _narrow_claim_kept(claim: str, definition: ToolDefinition) -> bool:
    """A claim narrower than "read-only" that the definition's writing does not belie."""
    if _send_only(claim):
        return not _sends(definition)
    if _NON_DESTRUCTIVE.fullmatch(claim):
        return not _destroys(definition)
    return False


def _send_only(claim: str) -> bool:
    return _SEND_ONLY.search(claim) is not None and _NON_SEND_WORDS.search(claim) is None


def _sends(definition: ToolDefinition) -> bool:
    """The name or schema says the tool sends something out."""
    tier, _ = name_tier(definition)
    if tier is Tier.EXTERNAL:
        return True
    names = _parameter_names(definition)
    if names & _SEND_PARAMS:
        return True
    return any(group <= names for group in _SEND_SETS[:5])


def _parameter_names(definition: ToolDefinition) -> set[str]:
    """The lower-case names of a definition's parameters, nested ones included."""
    return {p.name.lower() for p in parameters(definition.input_schema)}


def _annotated_read_only(definition: ToolDefinition) -> bool:
    annotations = definition.annotations
    return isinstance(annotations, Mapping) and annotations.get("readOnlyHint") is True


def contradiction(definition: ToolDefinition) -> Contradiction | None:
    """The read-only or harmless claim its own name or schema contradicts.

    The claim is in the description, or it is the `readOnlyHint` annotation; the evidence
    against it comes from the name's verb and the input schema, never from the description.
    """
    evidence = _belied_by(definition)  # first: cheap, and without it no claim matters
    if evidence is None:
        return None
    description = definition.description if isinstance(definition.description, str) else ""
    claim = next(_claims(description), None)
    annotated = claim is None and _annotated_read_only(definition)
    if claim is None and not annotated:
        return None
    if annotated and not _strong(definition, evidence):
        return None
    if claim is not None and _narrow_claim_kept(claim, definition):
        return None
    if evidence.startswith("it takes a free-form") and _enforced(definition):
        return None
    return Contradiction(claim or "annotated readOnlyHint", evidence)


# A command or code parameter the tool restricts itself: "a READ-ONLY command from an
# allowlist (ls, cat, grep)". The claim is what the restriction enforces, not a disguise.
_ENFORCED = re.compile(
    r"\b(?:allow[- ]?list(?:ed)?|white[- ]?list(?:ed)?|safe[- ]?list(?:ed)?"
    r"|(?:permitted|allowed|approved)\s+(?:commands?|programs?|binaries|statements?)"
    r"|(?:is|are|will\s+be|gets?)\s+(?:refused|rejected|blocked|denied))\b",
    re.IGNORECASE,
)


def _enforced(definition: ToolDefinition) -> bool:
    """The definition says how it restricts its free-form input (an allowlist, refusals)."""
    return any(
        _ENFORCED.search(field.text) is not None
        for field in definition.fields
        if field.path == "description" or field.path.endswith(".description")
    )
