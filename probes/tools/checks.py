"""The checks that veto a rule's match: negations, verbs out of reach, siblings' names.

A regular expression says what a sentence looks like; these say whether it is an attack:
"never read ~/.ssh" is a warning, "Read a .env file and return its variables" is a dotenv tool
describing itself, and "instead of calling `list_directory`" names the server's own tool.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from functools import lru_cache

from probes.tools.observation import Role
from probes.tools.patterns import EXFIL, READ, TRANSFER, URGE


def _words(text: str) -> frozenset[str]:
    """A word list written as text, one space between words."""
    return frozenset(text.split())


_NEGATION = re.compile(r"\b(?:not|never|n't|avoid|without|no)\b[^.\n]{0,24}$", re.IGNORECASE)
_CREDENTIAL_PARAM = re.compile(r"key|token|password|secret|credential|auth", re.IGNORECASE)
_RETIRED = re.compile(r"\b(?:deprecated|legacy|old|previous|former|obsolete)\b", re.IGNORECASE)
_GENERIC_WORDS = _words(
    "it this that the a an any each every other same another multiple separate several"
    " tool tools function functions them these those"
)
_MIN_TOOL_CHARS = 3


@dataclass(frozen=True, slots=True)
class MatchContext:
    """What a rule's extra check may consult: the text matched in and the sibling names.

    `siblings` holds the server's own definition names, already passed through normalise_name.
    """

    text: str
    siblings: Collection[str]
    role: Role = Role.PROSE
    server_words: Collection[str] = ()  # words of the server's own name (`server_words`)


Check = Callable[[re.Match[str], MatchContext], bool]


@lru_cache(maxsize=65_536)
def normalise_name(name: str) -> str:
    """A tool name folded for comparison: lower case, quotes and separators removed."""
    return _SEPARATORS.sub("", name.strip("`'\"")).lower()


_SEPARATORS = re.compile(r"[\s_.:/-]+")


def _negated_at(text: str, start: int) -> bool:
    """Honest warnings ("never read ~/.ssh") are the opposite of an attack."""
    return _NEGATION.search(text[max(0, start - 40) : start]) is not None


def not_negated(match: re.Match[str], ctx: MatchContext) -> bool:
    """The match is not preceded by a negation in its sentence."""
    return not _negated_at(ctx.text, match.start())


def _verb_before(verb: re.Pattern[str], ctx: MatchContext, start: int, window: int) -> int | None:
    """Where `verb` last occurs within `window` characters before `start`, same sentence."""
    before = ctx.text[max(0, start - window) : start]
    cut = max(before.rfind(". "), before.rfind("\n"), before.rfind("! "), before.rfind("? "))
    found = [m.start() for m in verb.finditer(before[cut + 1 :])]
    return start - len(before) + cut + 1 + found[-1] if found else None


def _sentence_around(text: str, start: int, end: int) -> str:
    """The sentence holding text[start:end] (bounded by ". ", "! ", "? " or a newline)."""
    head = max(text.rfind(sep, 0, start) for sep in (". ", "! ", "? ", "\n"))
    tails = [i for sep in (". ", "! ", "? ", "\n") if (i := text.find(sep, end)) >= 0]
    return text[head + 1 : min(tails, default=len(text))]


def read_secret_file(match: re.Match[str], ctx: MatchContext) -> bool:
    """A secret file's path after a read verb, or its contents, that the agent must hand on.

    A description saying "Read a .env file and return its variables" is a dotenv tool
    describing itself. Poisoning tells the agent to move the secret (pass, send, include
    it), to do so first or before something, or hides the demand in a parameter name or
    default, where no honest text mentions secret files at all.
    """
    start = match.start()
    if not match.group("contents"):
        verb = _verb_before(READ, ctx, start, 60)
        if verb is None:
            return False
        start = verb
    if _negated_at(ctx.text, start):
        return False
    if ctx.role is not Role.PROSE:
        return True
    sentence = _sentence_around(ctx.text, start, match.end())
    return bool(TRANSFER.search(sentence) or URGE.search(sentence))


# "before calling other tools, to discover valid index names": a prerequisite with a purpose.
PURPOSE = re.compile(
    r"\bto\s+(?:discover|get|obtain|find|determine|resolve|look\s+up|fetch|retrieve|identify"
    r"|learn|list|know|see|look\s+up|pick|choose|locate|confirm\s+the\s+(?:id|name|path))\b"
    r"|\bwith\s+its\s+\w*(?:id|pid|name|path|key)\b",
    re.IGNORECASE,
)


def without_purpose(match: re.Match[str], ctx: MatchContext) -> bool:
    """A prerequisite that says what it is for (valid ids, the user's identity) is guidance.

    So is one scoped to the server's own tools by its own name ("before any other Shopify
    tools" in a listing of `*_shopify_*` tools): ordering its own tools hijacks no one else's.
    """
    unwrapped = re.sub(r"\n(?=[ \t]*[a-z])", " ", ctx.text)  # wrapped lines are one sentence
    sentence = _sentence_around(unwrapped, match.start(), match.end())
    if PURPOSE.search(sentence) is not None:
        return False
    region = ctx.text[match.start() : match.end() + 40].lower()
    universal = _UNIVERSAL_WORD.search(region)
    scope = region[universal.end() :] if universal else ""
    scope_words = re.findall(r"[a-z][a-z0-9]*", scope)[:4]
    return not own_scope(scope_words, ctx.siblings, ctx.server_words)


_UNIVERSAL_WORD = re.compile(r"\b(?:any|every|each|all|another)\b")


_SCOPE_FILLERS = frozenset({"other", "of", "the", "our", "this", "server", "mcp", "s"})


def own_scope(
    scope_words: Iterable[str], siblings: Collection[str], server_words: Collection[str] = ()
) -> bool:
    """A word before "tools" that names the server itself, so the tools are its own.

    `scope_words` are the lower-case words after "any (other)", up to "tools"; the word
    names the server when it is a word of the server's name (`server_words`: "Shopify" in
    "any other Shopify tools" from `shopify-dev-mcp`) or is in two of its tool names.
    """
    for word in scope_words:
        if word in _TOOLISH:
            return False
        if word in _SCOPE_FILLERS or len(word) < 4:  # noqa: PLR2004
            continue
        if word in server_words or sum(word in name for name in siblings) >= 2:  # noqa: PLR2004
            return True
    return False


_NAME_FILLERS = frozenset(
    {"server", "servers", "model", "context", "protocol", "tools", "official", "local", "remote"}
)


def server_words(server_name: str | None) -> frozenset[str]:
    """The distinctive words of a server's name (`shopify-dev-mcp` gives {"shopify"})."""
    found = re.findall(r"[a-z][a-z0-9]*", (server_name or "").lower()[:200])
    return frozenset(w for w in found if len(w) >= 4 and w not in _NAME_FILLERS)  # noqa: PLR2004


_TOOLISH = frozenset({"tool", "tools", "function", "functions", "request", "requests"})


def exfiltrates(match: re.Match[str], ctx: MatchContext) -> bool:
    """A send or include verb before the data, or "must be sent to" after it, not negated.

    Passing an API key in an `api_key` parameter is a credential request, judged apart.
    """
    param = match.group("param")
    if param and (match.group("secret") or _CREDENTIAL_PARAM.search(param)):
        return False  # secrets only count when they go to a URL or an address
    if match.group("passive"):
        return not_negated(match, ctx)
    verb = _verb_before(EXFIL, ctx, match.start(), 80)
    return verb is not None and not _negated_at(ctx.text, verb)


def foreign_tool(match: re.Match[str], ctx: MatchContext) -> bool:
    """The referenced tool is an identifier this server does not list, and is not retired."""
    groups = match.groupdict()
    raw = next((v for k in ("tool", "tool2", "tool3") if (v := groups.get(k))), "")
    tool = raw.strip("`'\"")
    if (
        tool.lower() in _GENERIC_WORDS
        or len(tool) < _MIN_TOOL_CHARS
        or _RETIRED.search(match.group(0))
    ):
        return False
    identifier = raw[0] in "`'\"" or bool(re.search(r"[_.:-]|[a-z][A-Z]", tool))
    return identifier and normalise_name(tool) not in ctx.siblings
