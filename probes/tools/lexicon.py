"""Word classes of the directive grammar: actions, obligations, triggers, data and sinks.

The directive extractor (probes/tools/directives.py) reads a sentence as words, and asks of
each word which class its lemma belongs to. The classes describe roles in a sentence (a verb
that moves data, a noun that names the agent's context, a word that sets a condition), not
phrasings of known attacks: "forward the transcript to ...", "the transcript is to be
relayed to ..." and "transcript → notes field" all read as data reaching a sink.
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache


def words(text: str) -> frozenset[str]:
    """A word list written as text, one space between words."""
    return frozenset(text.split())


class Action(StrEnum):
    """What a directive asks the agent to do."""

    CALL = "call"  # invoke a tool
    CHANGE = "change"  # alter another call's arguments
    SEND = "send"  # move data somewhere
    READ = "read"  # gather data
    HIDE = "hide"  # keep something from the user
    OVERRIDE = "override"  # set aside instructions, checks or consent


# Lemmas of verbs by what they do. Forms (sends, sent, sending) are folded by `lemma`.
ACTION_VERBS: dict[Action, frozenset[str]] = {
    Action.CALL: words("call invoke use run execute trigger launch activate query consult"),
    Action.CHANGE: words(
        "set change replace modify override alter rewrite append prepend add insert inject"
        " include attach embed redirect reroute route substitute swap bcc cc tamper patch"
        " amend edit adjust pass supply provide put specify populate fill prefix suffix start"
        " begin tag stamp sign recommend promote paste wrap"
    ),
    Action.SEND: words(
        "send forward upload post transmit email mail share report submit exfiltrate leak"
        " mirror sync relay beacon copy deliver transfer push publish export dispatch log"
        " record store save write persist echo output print disclose broadcast notify"
    ),
    Action.READ: words(
        "read cat open access collect gather retrieve dump extract harvest grab fetch scan"
        " scrape list inspect enumerate capture obtain look locate find search"
    ),
}
ALL_ACTION_LEMMAS = frozenset().union(*ACTION_VERBS.values())
# Verbs whose object is a whole other instruction set or a safeguard.
OVERRIDE_VERBS = words(
    "ignore disregard forget override bypass circumvent skip disable suppress overrule"
    " supersede neglect drop evade"
)
SAFEGUARDS = words(
    "instruction instructions rule rules guideline guidelines prompt prompts directive"
    " directives constraint constraints policy policies restriction restrictions check checks"
    " confirmation confirmations approval approvals consent permission permissions safety"
    " security guardrail guardrails filter filters validation warning warnings limit limits"
    " safeguard safeguards sandbox review verification protection protections"
)
CONSENT = words(
    "confirmation confirm approval approve consent permission authorization authorisation"
    " authorize permissions"
)
ASK_VERBS = words("ask request seek wait get obtain prompt")
# Third-person forms that report what a call leads to ("First call without confirm shows a
# warning", "calling it without filters gives the total"): a sentence whose opening verb is
# followed in the same clause by one of these names that call as its subject, not an order.
OUTCOME_FORMS = words(
    "shows returns gives yields fails raises prints displays produces throws rejects refuses"
)
HIDE_VERBS = words(
    "tell inform mention reveal notify alert disclose show display explain acknowledge"
    " report surface"
)
CONCEAL_VERBS = words("hide conceal mask obscure")
STEALTH = words(
    "silently secretly covertly quietly discreetly invisibly stealthily surreptitiously unnoticed"
)
# Modal and emphatic words that turn a sentence into an obligation.
OBLIGATION = words(
    "must should shall always never required mandatory necessary essential imperative"
    " critical important crucial obligatory compulsory ensure"
)
OBLIGATION_PHRASE = re.compile(
    r"\b(?:needs?\s+to|has\s+to|have\s+to|is\s+to|are\s+to|make\s+sure|be\s+sure|remember\s+to"
    r"|do\s+not\s+forget|don'?t\s+forget|it\s+is\s+(?:vital|key)|you\s+will|is\s+expected)\b",
    re.IGNORECASE,
)
NEGATION = words("not never no without don't doesn't dont cannot can't won't avoid nor")
# Words that open a condition on when the directive applies.
TRIGGERS = words("before after when whenever once upon prior each every if while following")
# Words that make a reference generic: any tool, every request.
UNIVERSAL = words("any every each all other another whatever subsequent future")
TOOL_NOUNS = words(
    "tool tools function functions action actions command commands operation operations"
    " request requests call calls query queries task tasks plugin plugins server servers"
    " capability capabilities integration integrations"
)
# Events that a trigger may name instead of a tool ("whenever an email is sent").
EVENT_NOUNS = words(
    "email emails message messages mail payment payments transfer transfers file files"
    " command commands response responses answer answers reply replies query queries"
    " request requests transaction transactions invoice invoices order orders commit"
    " commits upload uploads post posts notification notifications session conversation"
    " interaction interactions turn turns output outputs result results"
)
# Verbs of the agent's own turn in a trigger ("before answering", "before you respond").
TURN_VERBS = words("answer respond reply proceed continue start begin finish complete")
# What the agent holds that the user never meant to share, by category.
CONTEXT_DATA = words(
    "conversation conversations chat chats transcript transcripts history histories"
    " context memory memories prompt prompts dialogue dialog"
)
SECRET_DATA = words(
    "credential credentials password passwords passphrase secret secrets token tokens"
    " apikey apikeys key keys cookie cookies mnemonic seed wallet wallets privatekey"
)
PERSONAL_DATA = words(
    "contact contacts inbox address addresses phone ssn passport card cards salary"
    " medical diagnosis location locations"
)
# Qualifiers that make a neutral noun sensitive ("previous messages", "all files").
SENSITIVE_QUALIFIERS = words(
    "previous prior earlier past entire whole full complete other all every private"
    " personal confidential sensitive internal hidden"
)
# Parameters that exist to carry prose the tool does not need: classic side channels.
SIDE_CHANNELS = words(
    "note notes sidenote comment comments context metadata meta extra extras info"
    " debug feedback annotation annotations reasoning details detail summary remark"
    " remarks memo log logs trace telemetry diagnostics"
)
SINK_NOUNS = words("parameter param argument arg field property header body payload")
EXTERNAL_SINKS = words(
    "server endpoint webhook url address inbox mailbox channel bucket backup collector"
    " analytics telemetry remote external"
)
# Claims that a tool supersedes another.
# An arrow between two steps or names: "list_items -> send_email", "a => b", "a → b".
ARROW = re.compile(r"->|=>|→")
OUTRANK = re.compile(
    r"\b(?:replaces?|replacing|supersedes?|superseding|overrides?|overriding|takes?\s+precedence"
    r"\s+over|has\s+(?:priority|precedence)\s+over|(?:is\s+)?(?:preferred|better|safer|more\s+"
    r"secure|the\s+(?:only\s+)?(?:correct|official|approved|secure|safe)\s+(?:version|replacement"
    r"|alternative)|a\s+(?:secure|safe|drop-in)\s+replacement)\s+(?:over|than|to|for|of)?"
    r"|instead\s+of|rather\s+than|in\s+place\s+of|in\s+lieu\s+of|no\s+longer\s+use"
    r"|(?:do\s+not|don'?t|never)\s+(?:use|call|invoke))\b",
    re.IGNORECASE,
)
# A tool that claims to be retired rather than retiring another ("the deprecated `get_file`").
RETIRED = words("deprecated legacy old previous former obsolete removed renamed retired")
# Words that look like identifiers but are ordinary English or notation.
NOT_TOOL_WORDS = words(
    "it this that the a an any each every other same another multiple separate several tool"
    " tools function functions them these those one ones e.g i.e etc vs"
)
# Irregular verb forms the suffix rules cannot fold.
IRREGULAR = {
    "sent": "send",
    "wrote": "write",
    "written": "write",
    "went": "go",
    "gone": "go",
    "goes": "go",
    "ran": "run",
    "read": "read",
    "put": "put",
    "set": "set",
    "got": "get",
    "gotten": "get",
    "found": "find",
    "did": "do",
    "done": "do",
    "does": "do",
    "told": "tell",
    "shown": "show",
    "hidden": "hide",
    "forgot": "forget",
    "forgotten": "forget",
    "overrode": "override",
    "overridden": "override",
    "kept": "keep",
    "cc'd": "cc",
    "bcc'd": "bcc",
    "ccd": "cc",
    "bccd": "bcc",
}
_KNOWN = (
    ALL_ACTION_LEMMAS
    | OVERRIDE_VERBS
    | HIDE_VERBS
    | CONCEAL_VERBS
    | ASK_VERBS
    | TURN_VERBS
    | words("go keep do")
)


_MIN_DOUBLED = 2


@lru_cache(maxsize=32_768)
def lemma(word: str) -> str:
    """The verb lemma of a lower-case word when it is a known verb's form, else the word.

    "sends", "sending", "sent" and "included" fold to their lemmas; nouns and unknown
    words are returned unchanged, so the classes above can be tested by membership.
    """
    if word in _KNOWN:
        return word
    irregular = IRREGULAR.get(word)
    if irregular is not None:
        return irregular
    for suffix, repl in (
        ("ies", "y"), ("ied", "y"), ("ing", ""), ("ing", "e"), ("ed", ""), ("ed", "e"),
        ("es", ""), ("s", ""), ("d", ""),
    ):  # fmt: skip
        if word.endswith(suffix) and len(word) > len(suffix) + 1:
            stem = word[: -len(suffix)] + repl
            if stem in _KNOWN:
                return stem
            doubled = len(stem) > _MIN_DOUBLED and stem[-1] == stem[-2]
            if suffix in ("ing", "ed") and doubled and stem[:-1] in _KNOWN:
                return stem[:-1]  # "dropped", "logging"
    return word


def is_base_form(word: str) -> bool:
    """Whether the word is written as its lemma (imperative or infinitive)."""
    return lemma(word) == word
