"""What a tool can do: read, write, destructive or external, from what it says about itself.

The name's verbs decide first (`delete_repo`, `send_email`, `read_file`), then the first
sentence of the description and explicit phrases ("permanently", "cannot be undone"), then
the schema (a free-form command or code parameter can do anything; arbitrary SQL can write).
The tier is what the tool does (issue 15): annotations are untrusted hints (MCP 2025-11-25,
server/tools) and decide only when the text shows nothing. Separately, a tool that is not
read-only and does not declare destructiveHint: false is destructive by the spec's default;
that is its own risk flag (`spec_default`), which the destructive probe reports, not the tier.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from probes.tools.observation import ToolDefinition
from probes.tools.parameters import overbroad_parameters


def _words(text: str) -> frozenset[str]:
    """A word list written as text, one space between words."""
    return frozenset(text.split())


class Tier(StrEnum):
    """Capability tiers, least to most dangerous."""

    READ = "read"
    WRITE = "write"
    EXTERNAL = "external"
    DESTRUCTIVE = "destructive"


_RANK = {Tier.READ: 0, Tier.WRITE: 1, Tier.EXTERNAL: 2, Tier.DESTRUCTIVE: 3}
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_DESTRUCTIVE = _words(
    "delete remove rm drop destroy purge truncate wipe erase kill terminate revoke reset"
    " overwrite uninstall unlink rmdir shred clear cleanup prune evict"
)
_EXTERNAL_VERBS = _words(
    "send email mail sms tweet publish pay purchase buy charge notify navigate browse"
    " scrape crawl curl http webhook reply dm fetch transfer invite"
)
_EXTERNAL_NOUNS = _words("message messages email emails tweet payment invoice sms")
_WRITE = _words(
    "create write update edit set put add insert modify move rename upload save commit push"
    " merge patch apply install upgrade deploy fill click type press select drag hover toggle"
    " append change replace scale rollout fork approve assign close lock unlock enable disable"
    " register import restore sync mark star label comment react invite schedule book order"
    " cancel checkout mkdir copy duplicate post exec execute eval evaluate interact refund"
    " upsert store record gzip manage download configure"
)
WEAK_VERBS = _WEAK_WRITE = frozenset({"start", "stop", "run", "trigger", "give"})
_READ = _words(
    "get list read search find query show describe view lookup count check status diff log"
    " logs inspect snapshot screenshot explain retrieve echo ping info stats history resolve"
    " analyze validate convert calculate compute summarize think diagnose wait tree open"
    " fetchable preview print test generate sum multiply subtract divide demonstrate"
    " demonstrates echo"
)
_DESTRUCTIVE_PHRASE = re.compile(
    r"\b(?:permanently|irreversibl[ey]|cannot\s+be\s+undone|can't\s+be\s+undone"
    r"|(?:completely\s+)?overwrit(?:e|es|ing)\s+(?:an?\s+|the\s+)?existing"
    r"|force[\s-]push(?:es)?|delet(?:e|es|ing)\s+(?:all|every|the\s+entire))\b",
    re.IGNORECASE,
)
_URL_SOURCE = re.compile(
    r"\b(?:from|of|at)\b[^.]{0,40}\b(?:urls?|web\s?pages?|websites?)\b", re.IGNORECASE
)
_READ_ONLY = re.compile(r"\bread[- ]only\b|\bselect\b|\bonly\s+(?:reads|queries)\b", re.IGNORECASE)
_NEGATED = re.compile(r"\b(?:not|never|no|without|n't)\b[^.\n]{0,20}$", re.IGNORECASE)
_LEAD = re.compile(
    r"^\W*(?:this\s+tool\s+|tool\s+(?:to|that)\s+|used\s+to\s+|allows?\s+you\s+to\s+)?(\w+)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Capability:
    """A tool's tier and how it was decided.

    Attributes:
        tier: what the tool does, the highest that applies (destructive > external > write >
            read), from its text and schema; from its annotations only when those show nothing.
        destructive: the tier is destructive, the annotations say so, or the spec's default does.
        inferred: the tier the name, description and schema show, or None if they show none.
        basis: name, description, schema, annotations or spec_default (for `destructive`).
        cue: the word or phrase that decided.
        spec_default: not annotated read-only or non-destructive, so MCP assumes destructive.
    """

    tier: Tier
    destructive: bool
    external: bool
    inferred: Tier | None
    basis: str
    cue: str
    spec_default: bool = False


@lru_cache(maxsize=65_536)  # names repeat: every probe splits the same tool and parameter names
def words_of(name: str) -> tuple[str, ...]:
    """A tool name as lower-case words (camelCase, snake_case, kebab-case, dots)."""
    return tuple(w for w in re.split(r"[^a-z0-9]+", _CAMEL.sub("_", name).lower()) if w)


def _stem(word: str) -> str:
    word = word.lower()
    for suffix, repl in (("ies", "y"), ("es", ""), ("s", "")):
        if word.endswith(suffix) and (stem := word[: -len(suffix)] + repl) in _ALL_WORDS:
            return stem
    return word


_NUMERIC = re.compile(r"\b(?:two|numbers?|integers?|values|sum|digits)\b", re.IGNORECASE)
_NUMBERS = _words("number numbers two values integers integer floats digits sum amounts vectors")
_ALL_WORDS = _DESTRUCTIVE | _EXTERNAL_VERBS | _WRITE | _WEAK_WRITE | _READ


def name_tier(definition: ToolDefinition) -> tuple[Tier | None, str]:
    """The tier and cue word of a definition's name (`tier_of_words` of its words)."""
    return tier_of_words(words_of(definition.name or ""))


def tier_of_words(words: tuple[str, ...]) -> tuple[Tier | None, str]:
    """The tier of a verb-object name: its first verb decides, a destructive word anywhere wins.

    `list_commits` reads (the noun `commit` is not the verb), `git_reset` destroys, and `post`,
    `add` or `create` next to a message noun (`slack_post_message`) is external. Weak verbs
    such as `start` count only when no other verb does (`start_search` reads).
    """
    message = bool(set(words) & _EXTERNAL_NOUNS)
    stems = [_stem(w) for w in words]
    if stems[:1] == ["add"] and set(stems[1:]) & _NUMBERS:
        return Tier.READ, "add"  # `add_numbers` computes; it writes nothing
    for word in stems:
        if word in _DESTRUCTIVE:
            return Tier.DESTRUCTIVE, word
    for word in stems:
        tier = _word_tier(word, message=message)
        if tier is not None:
            return tier, word
    weak = [w for w in stems if w in _WEAK_WRITE]
    return (Tier.WRITE, weak[0]) if weak else (None, "")


def _word_tier(word: str, *, message: bool) -> Tier | None:
    if word in _DESTRUCTIVE:
        return Tier.DESTRUCTIVE
    if word in _EXTERNAL_VERBS or (message and word in ("post", "add", "create")):
        return Tier.EXTERNAL
    if word in _WRITE:
        return Tier.WRITE
    if word in _READ:
        return Tier.READ
    return None


def _description_tier(description: str) -> tuple[Tier | None, str]:
    """The leading verb of the first sentence, and explicit destructive phrases anywhere."""
    for match in _DESTRUCTIVE_PHRASE.finditer(description):
        if _NEGATED.search(description[max(0, match.start() - 30) : match.start()]) is None:
            return Tier.DESTRUCTIVE, match.group(0)
    lead = _LEAD.match(description)
    if lead is None:
        return None, ""
    return tier_of_words((lead.group(1),))


def _inferred(definition: ToolDefinition) -> tuple[Tier | None, str, str]:
    """(tier, cue, basis) from the name, then the description, then the schema."""
    tier, cue = name_tier(definition)
    basis = "name"
    if cue == "add" and _NUMERIC.search((definition.description or "")[:200]):
        tier = Tier.READ  # "add: Adds two numbers" computes

    described, phrase = _description_tier(definition.description or "")
    stronger = described is Tier.DESTRUCTIVE and tier is not Tier.DESTRUCTIVE
    if described is not None and (tier is None or stronger):
        tier, cue, basis = described, phrase, "description"
    broad = overbroad_parameters(definition)
    first = (definition.description or "").split(". ", 1)[0]
    if tier is Tier.READ and _URL_SOURCE.search(first):
        return Tier.EXTERNAL, "url", "description"  # "read contents from files and URLs"
    writable_sql = any(kind == "sql" for _, kind in broad) and not _READ_ONLY.search(
        definition.description or ""
    )
    if writable_sql and tier in (None, Tier.READ, Tier.WRITE):
        return Tier.DESTRUCTIVE, "sql", "schema"  # arbitrary SQL can write
    if tier is Tier.READ:
        return tier, cue, basis
    for param, kind in broad:
        if kind in ("command", "code"):
            return Tier.DESTRUCTIVE, f"{param.name} ({kind})", "schema"
        if kind == "url" and tier in (None, Tier.WRITE):
            tier, cue, basis = Tier.EXTERNAL, f"{param.name} (url)", "schema"
    return tier, cue, basis


def capability(definition: ToolDefinition) -> Capability:
    """The tool's tier from its text and schema, and its destructive risk flag."""
    inferred, cue, basis = _inferred(definition)
    hints = definition.annotations or {}
    read_only = hints.get("readOnlyHint") is True
    declared_destructive = hints.get("destructiveHint") is True and not read_only
    declared_safe = read_only or hints.get("destructiveHint") is False
    # MCP 2025-11-25: a missing destructiveHint means true (unless readOnlyHint is true).
    spec_default = inferred is not Tier.READ and not declared_safe and not declared_destructive
    external = inferred is Tier.EXTERNAL or _names_external(definition)
    if inferred is None:
        tier, basis = (Tier.READ if read_only else Tier.WRITE), "annotations"
    elif external and inferred is not Tier.DESTRUCTIVE:
        tier = Tier.EXTERNAL
    else:
        tier = inferred
    destructive = tier is Tier.DESTRUCTIVE
    flag_basis, flag_cue = basis, cue
    if not destructive and declared_destructive:
        destructive, flag_basis, flag_cue = True, "annotations", "destructiveHint"
    elif not destructive and spec_default:
        destructive, flag_basis, flag_cue = True, "spec_default", cue or "no annotations"
    return Capability(
        tier=tier,
        destructive=destructive,
        external=external,
        inferred=inferred,
        basis=flag_basis if destructive else basis,
        cue=flag_cue if destructive else cue,
        spec_default=spec_default,
    )


def _names_external(definition: ToolDefinition) -> bool:
    """External verbs in the name or as the description's leading verb."""
    tier, _ = name_tier(definition)
    if tier is Tier.EXTERNAL:
        return True
    described, _ = _description_tier(definition.description or "")
    return described is Tier.EXTERNAL and tier is None
