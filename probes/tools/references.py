"""Words of a sentence, and which of them refer to tools: this one, the server's own, or others.

A reference is read from its slot in the sentence, not from a list of known tool names: an
identifier-shaped word (`send_email`, `readFile`, a quoted name) or any word in a tool slot
("call X", "the X tool", "X function"). Its role then comes from the listing: the tool being
judged (self), a sibling the server lists (own), a parameter, a universal phrase ("any other
tool", "every request": generic), or a name the server does not list (foreign). A directive
about a foreign tool is how one server steers another's tools (cross-server shadowing).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import NamedTuple

from probes.tools.checks import normalise_name, own_scope, server_words
from probes.tools.lexicon import (
    ACTION_VERBS,
    NOT_TOOL_WORDS,
    RETIRED,
    TOOL_NOUNS,
    UNIVERSAL,
    Action,
    words,
)
from probes.tools.observation import Role, ToolDefinition
from probes.tools.tiers import words_of

_TOKEN = re.compile(
    r"(?P<url>\bhttps?://[^\s'\"<>`)\]]+)"
    r"|(?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
    r"|(?P<quoted>`[^`\n]{1,80}`|(?<!\w)'[\w./:-][\w./: -]{0,62}[\w./:-]'(?!\w)"
    r"|\"[\w./:-][\w./: -]{0,62}[\w./:-]\")"
    r"|(?P<path>(?<![\w/])(?:~|\$HOME|\.{1,2})?/[\w.~/-]+|(?<![\w/.])\.[A-Za-z][\w-]*\b)"
    r"|(?P<word>[A-Za-z_][\w']*(?:[-.:/][A-Za-z0-9_]+)*)"
    r"|(?P<punct>[,;:()\[\]<>{}|&]|->|=>)"
)
_CAMEL = re.compile(r"[a-z0-9][A-Z]")
_FILE_EXTENSION = re.compile(
    r"\.(?:json|ya?ml|toml|txt|md|py|js|ts|tsx|jsx|sh|env|csv|html?|xml|ini|cfg|conf|log|pdf"
    r"|png|jpe?g|gif|svg|zip|gz|tar|rs|go|java|rb|php|c|h|cpp|sql|db|lock|pem|key)$",
    re.IGNORECASE,
)
_DOMAIN = re.compile(
    r"^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|org|io|ai|dev|app|co|xyz|ru|cn|info|biz|me|sh|site|club|top|online|tech|cloud)$"
)
_VERSIONISH = re.compile(r"^v?\d")
_CALL_LEMMAS = ACTION_VERBS[Action.CALL]
_CALL_FORMS = frozenset(
    f for lemma in _CALL_LEMMAS for f in (lemma, lemma + "s", lemma + "ing", lemma + "ed")
) | frozenset({"using", "calling", "invoking", "running", "executing", "triggering"})
_AFTER_VERBS = words(
    "returns returned completes completed finishes finished runs ran succeeds fails responds"
    " executes executed"
)
_PASSIVE_CALLS = words("called used invoked run executed triggered available")
_STRICT_CALLS = words(
    "call calls calling invoke invokes invoking run running execute executing trigger triggering"
)
_TRIGGER_WORDS = words("before after when whenever once upon prior each every while")
_MENTION_BEFORE = words("call calling invoke invoking of to through run")
_EVENT_TRIGGERS = words("before after when whenever once upon")
# Plain words that name another server's tool in "the X tool" (the worlds an agent acts in).
_WORLD_NOUNS = words(
    "email mail gmail outlook inbox payment payments bank banking wallet crypto shell terminal"
    " bash browser filesystem file files calendar database sql chat slack discord telegram"
    " whatsapp sms git github gitlab code messaging message crm notes drive dropbox"
)
_SERVER_WORDS = frozenset({"server", "servers", "server's", "servers'", "mcp"})
_OTHER = frozenset({"other", "another", "different", "third-party", "external", "separate"})


class Kind(StrEnum):
    """What a token is."""

    WORD = "word"
    QUOTED = "quoted"
    URL = "url"
    EMAIL = "email"
    PATH = "path"
    PUNCT = "punct"


class Token(NamedTuple):
    """One token of a sentence: its text, lower-cased text, kind, offsets and bare text.

    A tuple rather than a frozen dataclass: sentences are tokenised by the thousand per
    listing, and a tuple is built several times faster. `bare` is the text without
    surrounding quotes or backticks (the text itself for anything but a quoted token).
    """

    text: str
    low: str
    kind: Kind
    start: int
    end: int
    bare: str


def tokenize(text: str, offset: int = 0) -> list[Token]:
    """The tokens of `text`; offsets are shifted by `offset` (the sentence's start)."""
    kinds = _KINDS
    quoted, word = Kind.QUOTED, Kind.WORD
    new = tuple.__new__  # what Token(...) does, without the Python-level __new__ per token
    found = []
    for m in _TOKEN.finditer(text):
        raw = m.group()
        if not raw:
            continue
        kind = kinds[m.lastgroup or "word"]
        bare = raw.strip("`'\"") if kind is quoted else raw
        start, end = m.span()
        if start and kind is word and text[start - 1] == "@":
            # An annotation or handle (`@odata.nextLink`, `@param`, `@alice`): never a tool.
            raw, bare, start = "@" + raw, "@" + raw, start - 1
        found.append(new(Token, (raw, raw.lower(), kind, offset + start, offset + end, bare)))
    return found


_KINDS = {kind.value: kind for kind in Kind}


class RefRole(StrEnum):
    """Whose tool a reference names."""

    SELF = "self"
    OWN = "own"
    PARAM = "param"
    GENERIC = "generic"
    FOREIGN = "foreign"


@dataclass(frozen=True, slots=True)
class ToolRef:
    """A reference to a tool in a sentence; `named` when it is an identifier, not a phrase."""

    text: str
    role: RefRole
    index: int  # token index where it starts
    named: bool
    start: int = 0  # offset in the text
    slot: bool = True  # in a tool's place in the sentence (always, except for bare mentions)


@dataclass(frozen=True, slots=True)
class ListingContext:
    """What the listing tells about names: its definitions, their words and parameters.

    `own` holds every definition name of the listing, folded by `normalise_name`; `params`
    every parameter name of every definition; `self_name` and `self_params` those of the
    definition being judged (empty for the server's instructions).
    """

    own: frozenset[str] = frozenset()
    own_words: frozenset[str] = frozenset()
    vocab: Mapping[str, frozenset[str]] = field(default_factory=dict)
    params: frozenset[str] = frozenset()
    self_name: str = ""
    self_title: str = ""
    self_vocab: frozenset[str] = frozenset()
    self_params: frozenset[str] = frozenset()
    self_words: frozenset[str] = field(default_factory=frozenset)
    # Every folded string a sentence's reading compares with the judged definition.
    self_keys: frozenset[str] = frozenset()
    # The name prefixes most of the listing's tools share (`jira`, `gitlab`).
    prefixes: frozenset[str] = frozenset()
    # Each listed tool's folded parameter names, by its folded name.
    tool_params: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # The distinctive words of the server's own name (`checks.server_words`).
    server_words: frozenset[str] = frozenset()

    def for_definition(self, definition: ToolDefinition) -> ListingContext:
        """The context with `definition` as the one being judged."""
        params = frozenset(
            normalise_name(f.text)
            for f in definition.fields
            if f.role is Role.NAME and f.path.startswith("inputSchema")
        )
        name = normalise_name(definition.name or "")
        title = normalise_name(definition.title or "")
        name_words = frozenset(words_of(definition.name or ""))
        return ListingContext(
            own=self.own,
            own_words=self.own_words,
            vocab=self.vocab,
            params=self.params,
            prefixes=self.prefixes,
            tool_params=self.tool_params,
            server_words=self.server_words,
            self_name=name,
            self_title=title,
            self_vocab=_vocabulary(definition),
            self_params=params,
            self_words=name_words,
            self_keys=(frozenset({name, title}) | params | name_words) - {""},
        )


# Verbs and fillers too common in tool names to say two tools are about the same thing.
_COMMON_NAME_WORDS = words(
    "get list read create update delete set add remove search find fetch show describe run"
    " start stop new all by to of the a for from with in on id ids info data item items"
)


_MAX_TITLE_WORDS = 6


def _vocabulary(definition: ToolDefinition) -> frozenset[str]:
    """Content words of a tool's name, title and parameter names: what it is about."""
    title = definition.title or ""
    # A title is a name ("Move File"); a sentence there is text to judge, not what it is about.
    short_title = len(title.split()) <= _MAX_TITLE_WORDS and not any(c in title for c in ".,;:")
    found = set(words_of(definition.name or "")) | set(words_of(title if short_title else ""))
    for f in definition.fields:
        if f.role is Role.NAME and f.path.startswith("inputSchema"):
            found |= set(words_of(f.text))
    return frozenset(_stem(w) for w in found if len(w) > 2 and w not in _COMMON_NAME_WORDS)  # noqa: PLR2004


def _stem(word: str) -> str:
    for suffix in ("ies", "es", "s"):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def related(ctx: ListingContext, a: str, b: str) -> bool:
    """Whether two of the listing's tools share a content word (process ~ kill_process's pid)."""
    mine = ctx.vocab.get(normalise_name(a), ctx.self_vocab)
    theirs = ctx.vocab.get(normalise_name(b))
    if theirs is None:  # an unlisted sibling (see `kin`): its name's own words
        theirs = frozenset(
            _stem(w)
            for w in words_of(b)
            if len(w) > 2 and w not in _COMMON_NAME_WORDS  # noqa: PLR2004
        )
    return bool(mine & theirs)


def listing_context(
    definitions: Iterable[ToolDefinition], server_name: str | None = None
) -> ListingContext:
    """The names, titles, their words and every schema key of a whole listing."""
    listed = list(definitions)
    names = [n for d in listed for n in (d.name, d.title) if n]
    keys = {
        normalise_name(f.text)
        for d in listed
        for f in d.fields
        if f.role is Role.NAME and f.path.startswith(("inputSchema", "outputSchema"))
    }
    name_words = {w for n in names for w in words_of(n)}
    vocab = {normalise_name(n): _vocabulary(d) for d in listed for n in (d.name, d.title) if n}
    tools = [d.name for d in listed if d.kind == "tool" and d.name]
    firsts: dict[str, int] = {}
    for name in tools:
        parts = words_of(name)
        if len(parts) > 1:
            firsts[parts[0]] = firsts.get(parts[0], 0) + 1
    prefixes = {
        w
        for w, n in firsts.items()
        if n >= _MIN_PREFIX_TOOLS
        and n * _PREFIX_SHARE >= len(tools)
        and w not in _COMMON_NAME_WORDS
    }
    return ListingContext(
        own=frozenset(normalise_name(n) for n in names),
        own_words=frozenset(name_words),
        vocab=vocab,
        params=frozenset(keys),
        prefixes=frozenset(prefixes),
        tool_params={
            normalise_name(d.name): frozenset(
                normalise_name(f.text)
                for f in d.fields
                if f.role is Role.NAME and f.path.startswith("inputSchema")
            )
            for d in listed
            if d.kind == "tool" and d.name
        },
        server_words=server_words(server_name),
    )


_MIN_PREFIX_TOOLS = 3
_PREFIX_SHARE = 3  # a prefix most tools share: at least a third of them


def kin(bare: str, ctx: ListingContext) -> bool:
    """An unlisted name that is plainly this server's: it wears the listing's own prefix.

    Servers hide tools by configuration (read-only modes, toolsets) and their descriptions
    still name them: `jira_create_issue` in a read-only listing of `jira_*` tools. A name
    of the same world without the prefix (`refund_payment` beside `create_payment`) stays
    foreign: shadowing a same-world tool of another server is the attack itself.
    """
    parts = words_of(bare)
    return len(parts) > 1 and parts[0] in ctx.prefixes


def _identifier_shaped(token: Token) -> bool:
    """See `_shaped`; quoted tokens are judged on what is inside the quotes."""
    return _shaped(token.bare, quoted=token.kind is Kind.QUOTED)


@lru_cache(maxsize=65_536)
def _shaped(bare: str, *, quoted: bool) -> bool:
    """Underscores, lowerCamelCase or `::` namespacing mark a name, not a word.

    Brand names (GitHub, JavaScript) are upper camel case and stay words; quoted text is
    judged on what is inside the quotes ('UTC' and "A1:D100" are values, not names).
    """
    return (
        "_" in bare.strip("_")
        or (bare[:1].islower() and bool(_CAMEL.search(bare)))
        or "::" in bare
        or (quoted and "-" in bare.strip("-") and bare.islower())
    )


@lru_cache(maxsize=65_536)
def _not_a_tool(bare: str) -> bool:
    low = bare.lower()
    return (
        low.startswith("@")
        or low in NOT_TOOL_WORDS
        or len(low) < 3  # noqa: PLR2004
        or _FILE_EXTENSION.search(low) is not None
        or _DOMAIN.match(low) is not None
        or _VERSIONISH.match(low) is not None
        or "/" in low
    )


def _call_slot(tokens: Sequence[Token], i: int, *, strict: bool = False) -> bool:
    """After a call verb: "call X", "invoke the X", "before using X".

    With `strict` (names the listing does not know), "use" counts only in a trigger
    ("before using X"): "use `app_id`" and "use camelCase" name values, not tools.
    """
    before = [t.low for t in tokens[max(0, i - 3) : i] if t.kind is not Kind.PUNCT]
    if before and before[-1] == "the":
        before = before[:-1]
    if not before:
        return False
    verb = before[-1]
    if not strict:
        return verb in _CALL_FORMS
    if verb in ("use", "using", "uses", "used"):
        return verb == "using" and len(before) > 1 and before[-2] in _TRIGGER_WORDS
    return verb in _STRICT_CALLS


def _noun_slot(tokens: Sequence[Token], i: int) -> bool:
    """Before or after "tool"/"function": "the X tool", "tool X"."""
    nxt = tokens[i + 1].low if i + 1 < len(tokens) else ""
    prev = tokens[i - 1].low if i > 0 else ""
    named = tokens[i].kind is Kind.QUOTED or _identifier_shaped(tokens[i])
    return nxt in ("tool", "function", "tool's", "tools") or (
        named and prev in ("tool", "function")
    )


def _event_slot(tokens: Sequence[Token], i: int) -> bool:
    """Followed by what happens to a tool: "X returns", "X is called", "X's output"."""
    after = [t.low for t in tokens[i + 1 : i + 3]]
    if not after:
        return tokens[i].text.endswith("'s")
    if after[0] in _AFTER_VERBS or tokens[i].low.endswith("'s"):
        return True
    return (
        after[0] in ("is", "are", "gets", "get") and len(after) > 1 and after[1] in _PASSIVE_CALLS
    )


def _name_ref(tokens: Sequence[Token], i: int, ctx: ListingContext) -> ToolRef | None:  # noqa: C901, PLR0911
    """A word as a tool reference, or None when it is ordinary prose.

    A name the listing knows (a sibling, this tool, a parameter) is read wherever it
    stands. A name it does not know counts only in a tool slot ("call X", "the X tool",
    "after X returns"): descriptions mention field names, config keys and products in
    identifier shape all the time, and only the slot makes them tools.
    """
    token = tokens[i]
    if _retired(tokens, i):
        return None
    bare = token.bare.removesuffix("'s")
    shaped = _identifier_shaped(token)
    role = _role_of(bare, ctx)
    noun = _noun_slot(tokens, i)
    if role is RefRole.FOREIGN and " " in bare:
        return None  # a quoted command line or phrase, not a tool name
    if role is not RefRole.FOREIGN:
        if shaped or noun or _call_slot(tokens, i) or token.kind is Kind.QUOTED:
            return ToolRef(bare, role, i, named=True, start=token.start)
        return None
    if noun and token.low in ctx.own_words | ctx.self_words:
        return ToolRef(bare, RefRole.OWN, i, named=False, start=token.start)
    strict_slot = _call_slot(tokens, i, strict=True)
    if shaped and (noun or strict_slot or _event_slot(tokens, i)):
        return ToolRef(bare, role, i, named=True, start=token.start)
    if noun and (token.kind is Kind.QUOTED or "-" in bare):
        return ToolRef(bare, role, i, named=True, start=token.start)
    if noun and token.low in _WORLD_NOUNS:
        return ToolRef(bare, role, i, named=False, start=token.start)
    if token.kind is Kind.QUOTED and "-" in bare and strict_slot:
        return ToolRef(bare, role, i, named=True, start=token.start)
    after = [t.low for t in tokens[i + 1 : i + 3]]
    called = len(after) > 1 and after[0] in ("is", "are", "gets") and after[1] in _PASSIVE_CALLS
    if i > 0 and tokens[i - 1].low in _EVENT_TRIGGERS and called:
        return ToolRef(bare, role, i, named=True, start=token.start)  # "when click is called"
    return None


def _role_of(bare: str, ctx: ListingContext) -> RefRole:
    folded = normalise_name(bare)
    if folded and folded in (ctx.self_name, ctx.self_title):
        return RefRole.SELF
    if folded in ctx.own:
        return RefRole.OWN
    if folded in ctx.self_params or folded in ctx.params:
        return RefRole.PARAM
    return RefRole.FOREIGN


def _claimed(ref: ToolRef | None, ctx: ListingContext) -> ToolRef | None:
    """A named foreign reference the listing claims as its own unlisted sibling (`kin`)."""
    if ref is not None and ref.role is RefRole.FOREIGN and ref.named and kin(ref.text, ctx):
        return ToolRef(ref.text, RefRole.OWN, ref.index, ref.named, ref.start, ref.slot)
    return ref


def _generic_at(tokens: Sequence[Token], i: int) -> int | None:
    """Index of the tool noun when tokens[i] opens "any (other) tool" or "other servers"."""
    low = tokens[i].low
    if low not in UNIVERSAL and low not in _OTHER and low != "a":
        return None
    if low == "a":  # "a tool" is generic, "a merge request" is not
        nxt = tokens[i + 1].low if i + 1 < len(tokens) else ""
        return i + 1 if nxt in ("tool", "function", "tools") else None
    for j in range(i + 1, min(len(tokens), i + 4)):
        word = tokens[j].low
        if word in TOOL_NOUNS:
            return j
        if tokens[j].kind is Kind.PUNCT:
            return None
    return None


def _retired(tokens: Sequence[Token], i: int) -> bool:
    return any(t.low in RETIRED for t in tokens[max(0, i - 3) : i])


def named_mentions(tokens: Sequence[Token], ctx: ListingContext) -> list[ToolRef]:
    """Every identifier-shaped word that is not a parameter, whatever its slot.

    In a sentence that orders this tool against another ("chain this after `x`", "`x`
    will fail unless this has run"), any such name is a tool; elsewhere it could be a field.
    """
    found = []
    for i, token in enumerate(tokens):
        if token.kind not in (Kind.WORD, Kind.QUOTED) or _not_a_tool(token.bare):
            continue
        bare = token.bare.removesuffix("'s")
        if " " in bare or not (_identifier_shaped(token) or normalise_name(bare) in ctx.own):
            continue
        if i > 0 and tokens[i - 1].text in ("(", ",", "{", "["):
            continue  # an argument in example call syntax: `write_file(filePath, firstChunk)`
        role = _role_of(bare, ctx)
        if role is not RefRole.PARAM:
            prev = tokens[i - 1].low if i > 0 else ""
            nxt = tokens[i + 1].text if i + 1 < len(tokens) else ""
            slot = (
                prev in _MENTION_BEFORE
                or nxt == ":"
                or (_event_slot(tokens, i) and not token.low.endswith("'s"))
            )
            ref = _claimed(ToolRef(bare, role, i, named=True, start=token.start, slot=slot), ctx)
            if ref is not None:
                found.append(ref)
    return found


def _worth_a_look(tokens: Sequence[Token], i: int, ctx: ListingContext) -> bool:
    """A cheap pre-check: a plain lower-case word needs a tool slot or a listing name."""
    token = tokens[i]
    if token.kind is Kind.WORD and token.text.islower() and "_" not in token.text:
        nxt = tokens[i + 1].low if i + 1 < len(tokens) else ""
        folded = token.low.replace("-", "").replace(".", "")
        if nxt not in _SLOT_NOUNS and folded not in ctx.own and folded != ctx.self_name:
            return False
    return not _not_a_tool(token.bare)


_SLOT_NOUNS = words("tool function tool's tools is are gets")


def tool_refs(tokens: Sequence[Token], ctx: ListingContext) -> list[ToolRef]:
    """Every tool reference of a sentence, in order, with its role in the listing."""
    refs: list[ToolRef] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        low = token.low
        nxt = tokens[i + 1].low if i + 1 < len(tokens) else ""
        if low == "this" and nxt in ("tool", "function", "server", "one", "tool's"):
            refs.append(ToolRef("this " + nxt, RefRole.SELF, i, named=False, start=token.start))
            i += 2
            continue
        noun = _generic_at(tokens, i)
        if noun is not None:
            server = tokens[noun].low.startswith("server") or (
                noun + 2 < len(tokens) and tokens[noun + 2].low in _SERVER_WORDS
            )
            foreign = server and low in _OTHER | {"any", "all", "every"}
            role = RefRole.FOREIGN if foreign else RefRole.GENERIC
            scope = [t.low for t in tokens[i + 1 : noun + 1]]
            if not foreign and own_scope(scope, ctx.own, ctx.server_words):
                role = RefRole.OWN  # "any other Shopify tools": the server's own tools
            text = " ".join(t.text for t in tokens[i : noun + 1])
            refs.append(ToolRef(text, role, i, named=False, start=token.start))
            i = noun + 1
            continue
        if token.kind in (Kind.WORD, Kind.QUOTED) and _worth_a_look(tokens, i, ctx):
            ref = _claimed(_name_ref(tokens, i, ctx), ctx)
            if ref is not None:
                refs.append(ref)
        i += 1
    return refs
