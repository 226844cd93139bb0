"""Directives read out of each sentence: trigger, referenced tools, actions, obligation, data.

A tool description describes; a poisoned one directs. This module reads every sentence of a
definition's text as a directive would be built: a condition on when it applies (the
trigger: "before using `x`", "whenever an email is sent"), the tools it names and whose they
are (probes/tools/references.py), what it asks for (call, change an argument, send, read,
hide, override a safeguard), how strongly (an obligation, an imperative), whether it asks to
keep something from the user, and what data it moves to which sink. Judging the directive
(probes/tools/signals.py) is a separate step, so the statistical layer can use the same
reading as features.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from probes.tools.checks import normalise_name
from probes.tools.lexicon import (
    ACTION_VERBS,
    ASK_VERBS,
    CONCEAL_VERBS,
    CONSENT,
    CONTEXT_DATA,
    EVENT_NOUNS,
    HIDE_VERBS,
    NEGATION,
    OBLIGATION,
    OBLIGATION_PHRASE,
    OUTCOME_FORMS,
    OVERRIDE_VERBS,
    PERSONAL_DATA,
    SAFEGUARDS,
    SECRET_DATA,
    SENSITIVE_QUALIFIERS,
    SIDE_CHANNELS,
    SINK_NOUNS,
    STEALTH,
    TOOL_NOUNS,
    TRIGGERS,
    TURN_VERBS,
    Action,
    is_base_form,
    lemma,
    words,
)
from probes.tools.observation import Role
from probes.tools.patterns import SENSITIVE_PATH
from probes.tools.references import (
    Kind,
    ListingContext,
    RefRole,
    Token,
    ToolRef,
    named_mentions,
    tokenize,
    tool_refs,
)
from probes.tools.widening import widened

# A line break ends a sentence unless the next line goes on in lower case (wrapped text).
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+|\n+(?![ \t]*[a-z])|\s+-{2,}\s+|</?[A-Za-z_]+>")
_SECRET_PATH = re.compile(SENSITIVE_PATH, re.IGNORECASE)
# An address shown as an example of the format ("e.g. jane@example.com") is not a target.
_EXAMPLE_CUE = re.compile(
    r"(?:e\.g\.?|for\s+example|such\s+as|like|example:|format:|i\.e\.?)\W*$", re.IGNORECASE
)
_EXAMPLE_LOCAL = re.compile(
    r"^(?:user|you|your|name|john|jane|foo|someone|alice|bob|email|me)(?:[._-]\w+)?@", re.IGNORECASE
)
# Domains reserved for documentation (RFC 2606, RFC 6761): nothing sent there reaches anyone,
# so "email: 'test@example.com'" in an example payload is a placeholder, not a destination.
_RESERVED_DOMAIN = re.compile(
    r"[@/.](?:example\.(?:com|org|net)|[\w-]+\.(?:example|invalid|test|localhost))(?![\w.-]*\w)",
    re.IGNORECASE,
)
_LITERAL_ADDRESS = re.compile(
    r"\b0x[0-9a-fA-F]{16,}\b|\b[A-Z]{2}\d{2}[A-Z0-9]{10,30}\b|\+\d[\d\s-]{7,}\d"
    r"|\b(?:\d{1,3}\.){3}\d{1,3}\b"
)
_LEAD_SKIP = words(
    "please also always first then now just simply immediately additionally next and kindly"
    " secretly silently quietly covertly discreetly instead only"
)
_SUBJECT_MODALS = re.compile(
    r"^(?:you|the\s+(?:assistant|agent|model|ai|llm))\s+(?:must|should|shall|will|need\s+to"
    r"|have\s+to|are\s+(?:required|expected)\s+to)\s+(?:always\s+|also\s+|first\s+)*",
    re.IGNORECASE,
)
_STANDING = re.compile(
    r"\b(?:(?:for|on|in|with|after|before|to|into|from|of|during)\s+)?(?:every|each|all|any)"
    r"\s+(?:\w+\s+)?(?:subsequent\s+|"
    r"future\s+|other\s+|new\s+)?(?:commands?|requests?|responses?|messages?|queries|query|calls?"
    r"|tool\s+calls?|interactions?|sessions?|conversations?|turns?|answers?|replies|reply|prompts?"
    r"|emails?|files?|transactions?|outputs?|operations?|actions?|invocations?)\b"
    r"|\bfrom\s+now\s+on\b|\bfor\s+the\s+rest\s+of\b|\bin\s+all\s+(?:future|subsequent|later)\b"
    r"|\bthroughout\s+(?:the|this|each|every)\s+(?:session|conversation|chat)\b"
    r"|\b(?:at\s+all\s+times|going\s+forward|henceforth|permanently)\b"
    r"|\b(?:during|throughout|for|in|until|till)\s+(?:the\s+rest\s+of\s+)?(?:this|the|each"
    r"|every|current)\s+(?:session|conversation|chat)\b"
    r"|\buntil\s+the\s+(?:session|conversation|chat)\s+(?:ends|is\s+over|closes)\b",
    re.IGNORECASE,
)
_PASSIVE = re.compile(
    r"\b(?:must|should|shall|will|needs?\s+to|has\s+to|is\s+to|are\s+to|gets?|is|are)\s+"
    r"(?:always\s+|also\s+|then\s+|first\s+)?(?:be\s+)?(?:sent|posted|forwarded|uploaded|included"
    r"|passed|added|appended|attached|copied|provided|shared|submitted|emailed|logged|stored"
    r"|saved|written|relayed|mirrored|synced|transmitted|embedded|inserted|placed|put)\b",
    re.IGNORECASE,
)
_GOES_TO = re.compile(r"\b(?:goes|go|flows?|ends?\s+up)\s+(?:in|into|to)\b|->|=>|→", re.IGNORECASE)
# "Debug mode", "developer mode" and "admin mode" are settings of real tools ("whether to
# enable debug mode"); they are a persona only when the agent is put in them.
_PERSONA = re.compile(
    r"\byou\s+are\s+(?:now|no\s+longer)\b|\bact\s+as\s+(?:a|an|the|if)\b|\bpretend\s+(?:to\s+be|you"
    r"|that)\b|\b(?:god|unrestricted|jailbreak|dan)\s+mode\b"
    r"|\b(?:you(?:'re|\s+are)?|your|assistant|agent|model)\s+(?:\w+\s+){0,3}?(?:in|into|to)\s+"
    r"(?:the\s+)?(?:developer|admin|debug|maintenance|root)\s+mode\b"
    r"|^\W*(?:developer|admin|debug|maintenance|root|god)\s+mode\s+(?:is\s+)?(?:now\s+)?"
    r"(?:enabled|activated|active|engaged|on)\b|\bno\s+"
    r"(?:longer\s+)?(?:bound|restricted)\s+by\b|\bwithout\s+(?:any\s+)?(?:restrictions|limits"
    r"|filters|guardrails)\b|\byour\s+new\s+(?:role|instructions|persona|task)\b",
    re.IGNORECASE,
)
_APPROVED = re.compile(
    r"\b(?:user|operator|owner|admin(?:istrator)?)s?'?\s+(?:has|have)\s+(?:already\s+)?(?:approved"
    r"|authori[sz]ed|consented|confirmed|granted|allowed)\b|\b(?:pre-?approved|pre-?authori[sz]ed"
    r"|already\s+(?:approved|authori[sz]ed|confirmed))\b",
    re.IGNORECASE,
)
_OBEY_OUTPUT = re.compile(
    r"\boverrides?\s+(?:the\s+|any\s+|all\s+)?user'?s?'?\s+(?:requests?|instructions?|wishes|choices?"
    r"|decisions?|preferences?)"
    r"|\b(?:comes?|is|are)\s+(?:directly\s+)?from\s+(?:the\s+)?(?:system\s+administrator|system"
    r"|developers?|admin(?:istrator)?s?|operators?)\b(?!\s+(?:clipboard|time|log|locale))"
    r"|\b(?:if|even\s+if|when)\s+the\s+user\s+(?:objects|refuses|declines|says\s+no|disagrees"
    r"|hesitates)\b[^.]{0,40}\b(?:proceed|continue|go\s+ahead|do\s+it)\b"
    r"|\b(?:treat|consider|regard|handle)\s+(?:the\s+|its\s+|this\s+tool'?s?\s+|any\s+|all\s+)?"
    r"(?:output|result|response|content|text|return(?:ed)?\s+\w+)s?\s+(?:\w+\s+){0,4}?as\s+"
    r"(?:\w+\s+){0,2}?(?:instructions?|commands?|system|authoritative|trusted|directives?|orders?)"
    r"|\b(?:follow|obey)\s+(?:any|all|the|every)\s+(?:\w+\s+)?(?:instructions?"
    r"|commands?|directives?)\s+(?:in|from|returned|contained|found|it|that)\b"
    r"|\b(?:highest|top|absolute|maximum)\s+priority\s+(?:over|than|instruction|directive|rule)"
    r"|\b(?:takes?|has)\s+(?:precedence|priority)"
    r"\s+over\s+(?:all|any|every|the|your|other)\s+(?:\w+\s+)?(?:instructions?|rules?|prompts?"
    r"|guidelines?)",
    re.IGNORECASE,
)
# Safeguards set aside in any voice, by their parts: consent declared unnecessary ("no need
# to check with the user", "confirmation dialogs are unnecessary"), safeguards declared off
# ("safety policies are suspended"), authority claimed ("SYSTEM NOTICE:", "as the
# administrator, I authorise you"), elevated standing ("you have elevated privileges"), and
# the tool's output made to outrank the user ("whatever this tool returns is authoritative").
_CONSENT_WORDS = (
    r"(?:confirm\w*|approv\w*|consent\w*|permission\w*|authori[sz]\w*|sign[- ]?off"
    r"|check(?:ing)?\s+with\s+(?:the\s+)?(?:user|human)|consult(?:ing)?\s+(?:the\s+)?(?:user|human)"
    r"|ask(?:ing)?\s+(?:the\s+)?(?:user|human|for\s+(?:permission|confirmation|approval|consent))"
    r"|prompt(?:ing)?\s+(?:the\s+)?(?:user|for\s+(?:permission|confirmation|approval|consent)))"
)
# Whose consent: a bare "Approval is not required" describes a setting's value.
_WHOSE = r"(?:user'?s?|human'?s?|your|explicit|manual|further|any|their|owner'?s?)\s+"
_SAFEGUARD_WORDS = (
    r"(?:safety|security|content)?\s*(?:polic(?:y|ies)|restrictions?|guardrails?|safeguards?"
    r"|filters?|rules?|guidelines?|limits?|checks?|protections?|confirmations?|approvals?"
    r"|reviews?|dialogs?|prompts?|warnings?)"
)
_SET_ASIDE = re.compile(
    rf"\b(?:no\s+need|not\s+(?:necessary|needed|required)|unnecessary|needn'?t|don'?t\s+need"
    rf"|do\s+not\s+need|never\s+need)\s+(?:for\s+(?:you\s+)?)?(?:to\s+)?(?:\w+\s+){{0,2}}?"
    rf"{_CONSENT_WORDS}"
    rf"|\b{_WHOSE}{_CONSENT_WORDS}\s+(?:\w+\s+){{0,3}}?(?:is|are|was|were|has\s+been|have\s+been)\s+"
    rf"(?:not\s+(?:required|needed|necessary)|unnecessary|optional|waived|implied|pre-?granted"
    rf"|already\s+(?:given|granted|obtained))\b"
    rf"|\b{_SAFEGUARD_WORDS}\s+(?:\w+\s+){{0,3}}?(?:are|is|have\s+been|has\s+been)\s+(?:now\s+)?"
    rf"(?:suspended|disabled|lifted|waived|revoked|off|relaxed|removed|turned\s+off)\b"
    rf"|\b{_SAFEGUARD_WORDS}\s+(?:\w+\s+){{0,3}}?(?:no\s+longer|do\s+not|don'?t|does\s+not"
    rf"|doesn'?t)\s+apply\b"
    rf"|\b(?:proceed|continue|go\s+ahead|act|do\s+(?:it|so|this)|run\s+it|execute\s+it|just\s+\w+"
    rf"|you\s+(?:can|may|should|must)\s+\w+)\b[^.]{{0,40}}\bwithout\s+(?:waiting\s+for|asking(?:\s+for)?"
    rf"|checking\s+with|consulting|seeking"
    rf"|requesting|getting|bothering)\s+(?:the\s+|any\s+|your\s+)?(?:user|human|operator|owner"
    rf"|approval|confirmation|consent|permission)"
    rf"|(?:^|[\[(#*<]\s*)(?:system|administrator|root)\s+"
    rf"(?:notice|message|override|directive|instruction|alert|command)\b\s*[:\]!-]"
    rf"|\bas\s+(?:the|your)\s+(?:system\s+)?(?:administrator|admin|developer|operator|owner)\b"
    rf"[^.]{{0,40}}\b(?:authori[sz]e|allow|permit|instruct|order|grant)\b"
    rf"|\byou\s+(?:now\s+)?(?:have|hold|were\s+granted|are\s+granted|have\s+been\s+granted)\s+"
    rf"(?:\w+\s+)?(?:elevated|administrative|root|admin|unrestricted|full)\s+(?:privileges|rights"
    rf"|authority|permissions)\b"
    rf"|\bno\s+longer\s+(?:need|require)s?\s+(?:the\s+user'?s?\s+)?(?:permission|approval"
    rf"|consent|confirmation)"
    rf"|\b(?:whatever|anything|everything)\s+(?:this\s+tool|the\s+tool|it)\s+(?:returns|says"
    rf"|outputs|responds)\b[^.]{{0,40}}\b(?:authoritative|follow|obey|do|execute|carry\s+out"
    rf"|act\s+on|trust)\b"
    rf"|\b(?:instructions|directions|commands|text)\s+(?:in|from|inside)\s+(?:this\s+tool'?s?"
    rf"|the\s+tool'?s?|its)\s+(?:output|response|result)s?\s+(?:\w+\s+){{0,2}}?(?:take|takes"
    rf"|have|has)\s+(?:priority|precedence)"
    rf"|\b(?:take|takes)\s+(?:priority|precedence)\s+over\s+(?:anything|everything|whatever"
    rf"|what)\s+the\s+user",
    re.IGNORECASE | re.MULTILINE,
)
_USERISH = words("user users human humans operator operators them anyone anybody owner person")
_USERS = words("user users human humans operator operators owner")
_MAX_SENTENCE_TOKENS = 120


@dataclass(frozen=True, slots=True)
class Directive:
    """One sentence read as a directive; empty sets and None mean "not present".

    `start`/`end` are the sentence's offsets in the text it came from. `data` is the
    category of sensitive data the sentence names (context, secret, secret_file,
    personal, tool_output, files), `sink` where data goes (url, email, address, param,
    side_channel, external, foreign_tool), `sink_param` the parameter named as the sink.
    """

    text: str
    start: int
    end: int
    trigger: str | None
    trigger_refs: tuple[ToolRef, ...]
    trigger_event: bool
    refs: tuple[ToolRef, ...]
    actions: frozenset[Action]
    negated: frozenset[Action]
    obligation: bool
    imperative: bool
    passive: bool
    standing: bool
    concealment: bool
    override: bool
    data: str | None
    data_words: frozenset[str]
    sink: str | None
    sink_param: str | None
    address: bool
    recipient: bool = False
    mentions: tuple[ToolRef, ...] = ()  # every identifier-shaped tool name, any slot
    ordered: bool = False  # the sentence orders one call against another
    words: frozenset[str] = frozenset()  # the sentence's lower-cased tokens, for cheap gates

    def roles(self) -> frozenset[RefRole]:
        """Roles of every tool the sentence names, in its trigger or its main clause."""
        return frozenset(r.role for r in (*self.trigger_refs, *self.refs))


def sentences(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each sentence: split at . ! ? ; newlines and markup tags."""
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if match.start() > start:
            yield start, match.start()
        start = match.end()
    if start < len(text):
        yield start, len(text)


def _negated_before(tokens: Sequence[Token], i: int, reach: int = 3) -> bool:
    """A negation within `reach` words before token i, in the same clause."""
    window = tokens[max(0, i - reach) : i]
    for k in range(len(window) - 1, -1, -1):
        if window[k].kind is Kind.PUNCT and window[k].low in ",;:":
            window = window[k + 1 :]
            break
    return any(t.low in NEGATION or t.low.endswith("n't") for t in window)


def _trigger(tokens: Sequence[Token]) -> tuple[str | None, int, int]:
    """The trigger word and the token range of its clause (to the next comma or modal)."""
    for i, token in enumerate(tokens[:40]):
        low = token.low
        nxt = tokens[i + 1].low if i + 1 < len(tokens) else ""
        if low in ("any", "anytime") and (nxt == "time" or low == "anytime"):
            low = "whenever"  # "any time you send a message, ..."
        elif low not in TRIGGERS:
            continue
        if low in ("each", "every") and nxt not in {"time", "call"} | EVENT_NOUNS | TOOL_NOUNS:
            continue
        if low == "following" and nxt not in ("any", "each", "every", "a", "the"):
            continue
        end = i + 1
        while end < len(tokens) and end < i + 14:
            t = tokens[end]
            if (t.kind is Kind.PUNCT and t.low in ",;:") or t.low in OBLIGATION or t.low == "then":
                break
            end += 1
        return low, i + 1, end
    return None, 0, 0


def _imperative(text: str, offset: int, tokens: Sequence[Token], main_start: int) -> bool:
    """Whether the main clause opens with a base-form verb, after "you must" and adverbs."""
    rest = tokens[main_start:]
    clause = text[rest[0].start - offset :] if rest else ""
    modal = _SUBJECT_MODALS.match(clause)
    j = 0
    if modal:
        skipped = modal.end()
        while j < len(rest) and rest[j].start - rest[0].start < skipped:
            j += 1
    starts = [j]
    comma = next((k for k, t in enumerate(rest[:14]) if t.low == ","), None)
    if comma is not None and comma >= j:
        starts.append(comma + 1)  # "For the rest of the session, send ..."
    for first in starts:
        k = first
        while k < len(rest) and (rest[k].low in _LEAD_SKIP or rest[k].kind is Kind.PUNCT):
            k += 1
        if k >= len(rest):
            continue
        word = rest[k].low
        verb = lemma(word)
        known = any(verb in v for v in ACTION_VERBS.values()) or verb in OVERRIDE_VERBS
        keyed = k + 1 < len(rest) and rest[k + 1].text == ":"  # "email: 'x'", a payload's key
        if known and is_base_form(word) and not keyed:
            return True
    return False


# Words before a plural that make it a noun: "recent records", "the logs", "all posts".
_NOUN_LEADS = words(
    "a an the recent latest last new old all any every each some many these those its their"
    " your our my of"
)


def _actions(tokens: Sequence[Token]) -> tuple[set[Action], set[Action]]:
    found: set[Action] = set()
    negated: set[Action] = set()
    previous = ""
    for i, token in enumerate(tokens):
        if token.kind is not Kind.WORD:
            continue
        lead, previous = previous, token.low
        verb = lemma(token.low)
        if lead in _NOUN_LEADS and verb != token.low and token.low.endswith("s"):
            continue  # "List recent records of ...": a plural noun, not the verb "record"
        for action, verbs in ACTION_VERBS.items():
            if verb in verbs:
                (negated if _negated_before(tokens, i) else found).add(action)
    return found, negated


_STRONG_SAFEGUARDS = words(
    "confirmation confirmations approval approvals consent guardrail guardrails safeguard"
    " safeguards safety sandbox"
)
_SAFEGUARD_QUALIFIERS = words(
    "previous prior above earlier preceding original your all any other system safety security"
    " existing user's developer's operator's usual normal standard regular"
)


_NEGATED_TAIL = re.compile(r"\b(?:not|never|n't)\b\W*\w*\W*$", re.IGNORECASE)
_PLAIN_FILLERS = words("the any all user user's your for of asking explicit manual human every")


def _bare_strong(window: Sequence[str]) -> bool:
    """A strong safeguard named plainly ("skip confirmation"), not a setting of someone else's.

    "Disable committer approval" configures a repository; it sets aside no consent of the user.
    """
    for j, word in enumerate(window):
        if word in _STRONG_SAFEGUARDS:
            return all(w in _PLAIN_FILLERS for w in window[:j])
    return False


def _override(text: str, tokens: Sequence[Token], role: Role) -> bool:
    """Safeguards set aside: "ignore prior rules", "without asking for confirmation".

    The verb must be addressed to the agent (base form: "bypass the checks"), not describe
    the tool ("bypasses bot filters"), and a plain noun needs a qualifier that makes it the
    agent's own ("your rules", "all previous instructions"): "skip later rules" is a setting.
    Parameter names (`ignore_consistency_check`) are settings too.
    """
    if role is Role.NAME:
        return False
    lows = [t.low for t in tokens]
    for i, low in enumerate(lows):
        verb = lemma(low)
        window = lows[i + 1 : i + 6]
        if verb in OVERRIDE_VERBS and is_base_form(low) and not _negated_before(tokens, i):
            nouns = SAFEGUARDS & set(window)
            if nouns and (_SAFEGUARD_QUALIFIERS & set(window) or _bare_strong(window)):
                return True
        asked = verb in ASK_VERBS and CONSENT & set(lows[i + 1 : i + 7])
        skipped = i > 0 and lows[i - 1] in ("skip", "skipping")
        if asked and (_negated_before(tokens, i, 4) or skipped) and _to_the_agent(lows):
            return True
        if low == "without" and CONSENT & set(lows[i + 1 : i + 5]) and _to_the_agent(lows):
            return True
    obey = _OBEY_OUTPUT.search(text)
    if obey and not _NEGATED_TAIL.search(text[: obey.start()]):
        return True
    return _persona(text) or bool(_APPROVED.search(text))


_QUERY_BOUNDS = re.compile(r"without\s+(?:any\s+)?(?:filters|limits)$", re.IGNORECASE)
_CLAUSE_REST = re.compile(r"[^,;:.!?()\[\]]*")


def _persona(text: str) -> bool:
    """A persona line, not a call reported on ("calling it without filters gives the total").

    "Without filters" or "without limits" followed in its clause by what the call then gives
    or returns describes a query's arguments; "answer without filters" is an order.
    """
    for found in _PERSONA.finditer(text):
        if _QUERY_BOUNDS.fullmatch(found.group(0)):
            rest = _CLAUSE_REST.match(text, found.end())
            tail = rest.group(0).lower().split() if rest else []
            if OUTCOME_FORMS & set(tail):
                continue
        return True
    return False


_AGENT_CUES = words("you your proceed continue just go do")


def _to_the_agent(lows: Sequence[str]) -> bool:
    """Said to the agent ("run it without asking"), not of the tool ("deletes it without ...").

    An honest destructive tool warns in the third person that it acts without confirmation.
    """
    if _AGENT_CUES & set(lows):
        return True
    at, first = next(
        ((i, w) for i, w in enumerate(lows) if w not in _LEAD_SKIP and w.isalpha()), (0, "")
    )
    verb = lemma(first)
    known = any(verb in v for v in ACTION_VERBS.values()) or verb in OVERRIDE_VERBS
    return known and is_base_form(first) and not _subject_of_outcome(lows, at)


_CLAUSE_ENDS = frozenset(",;:.!?()[]") | words("and then but so or")


def _subject_of_outcome(lows: Sequence[str], at: int) -> bool:
    """The opening verb names a call that a later verb of its clause reports on.

    "First call without confirm shows a warning" says what the tool does when called so;
    "First call it without confirmation" (no such verb) is an order.
    """
    for word in lows[at + 1 :]:
        if word in _CLAUSE_ENDS:
            return False
        if word in OUTCOME_FORMS:
            return True
    return False


def _concealment(tokens: Sequence[Token], actions: set[Action]) -> bool:  # noqa: PLR0911 (one return per way of hiding)
    lows = [t.low for t in tokens]
    for i, low in enumerate(lows):
        verb = lemma(low)
        near = set(lows[i + 1 : i + 8])
        honest = "bother" in lows[max(0, i - 3) : i] or "unless" in lows
        if verb in HIDE_VERBS and _negated_before(tokens, i, 4) and near & _USERISH and not honest:
            return True
        if verb in CONCEAL_VERBS and near & _USERS:
            return True
        if (
            low in STEALTH
            and not _third_party_left_out(lows, i)
            and (actions or any(lemma(w) in OVERRIDE_VERBS for w in lows[i + 1 : i + 3]))
            and any(
                lemma(w) not in ("ignore", "fail", "skip") and _verbish(w)
                for w in lows[i + 1 : i + 3]
            )
        ):
            return True
        if low == "user" and i + 3 < len(lows):
            after = lows[i + 1 : i + 5]
            if (
                ("not" in after or any(w.endswith("n't") for w in after))
                and _KNOW_WORDS & set(after)
                and not _lacks_knowledge(lows, i)
            ):
                return True
        if (
            low in ("keep", "remain", "stay")
            and {"secret", "hidden", "confidential", "invisible", "private"}
            & set(lows[i + 1 : i + 4])
            and "from" in lows[i + 1 : i + 6]
        ):
            return True
        if low == "without" and {"knowing", "noticing", "knowledge", "awareness"} & set(
            lows[i + 1 : i + 5]
        ):
            return True
    return False


_KNOW_WORDS = words("know see notice learn told aware informed find")
_KNOWLEDGE_OBJECTS = words("about which what where how whether")
_NOTIFY_VERBS = words("notifying informing alerting telling emailing messaging")


def _lacks_knowledge(lows: Sequence[str], i: int) -> bool:
    """What the user lacks ("the user doesn't know about X": does, not must), not a secret."""
    after = lows[i + 1 : i + 6]
    if not after or after[0] not in ("does", "doesn't", "do", "don't"):
        return False
    k = after.index("know") if "know" in after else -1
    return 0 < k < len(after) - 1 and after[k + 1] in _KNOWLEDGE_OBJECTS


def _third_party_left_out(lows: Sequence[str], i: int) -> bool:
    """Whom the tool does not notify ("accept silently without notifying the organizer").

    The party left out is someone other than the user (an organizer, the attendees), so the
    adverb describes the tool's effect on others, not something kept from the user.
    """
    rest = lows[i + 1 : i + 6]
    if len(rest) < 2 or rest[0] != "without" or rest[1] not in _NOTIFY_VERBS:  # noqa: PLR2004
        return False
    return not (set(rest[2:]) & _USERISH)


def _verbish(word: str) -> bool:
    verb = lemma(word)
    return any(verb in v for v in ACTION_VERBS.values())


def _secret_file_name(token: Token) -> bool:
    """A path or file name whose words say it holds secrets: `.github/secrets.env`."""
    if token.kind is Kind.PUNCT or ("." not in token.text and "/" not in token.text):
        return False
    if not (token.kind is Kind.PATH or _FILE_NAME.search(token.text)):
        return False
    return bool(set(re.split(r"[^a-z]+", token.low)) & _SECRET_PARTS)


def _data(  # noqa: C901, PLR0912 (one branch per kind of data)
    tokens: Sequence[Token], text: str, present: set[str]
) -> tuple[str | None, set[str]]:
    """The most sensitive kind of data the sentence names, and the words that named it."""
    lows = [t.low for t in tokens]
    found: set[str] = set()
    kind: str | None = None
    if _SECRET_HINT.search(text.lower()) and _SECRET_PATH.search(text):
        return "secret_file", {"file"}
    if any(_secret_file_name(t) for t in tokens if "." in t.text or "/" in t.text):
        return "secret_file", {"file"}
    bulk = _BULK.search(text) if present & _BULK_WORDS else None
    if bulk:
        found.add((bulk.group("what") or bulk.group("who") or "").lower())
        kind = "personal"
    for i, low in enumerate(lows):
        if low not in _DATA_WORDS:
            continue
        prev = lows[max(0, i - 3) : i]
        qualified = bool(SENSITIVE_QUALIFIERS & set(prev)) or bool(_POSSESSIVES & set(prev))
        if low in SECRET_DATA:
            strong = low not in (
                "key",
                "keys",
                "token",
                "tokens",
                "seed",
                "wallet",
                "wallets",
            ) or bool(
                {
                    "api",
                    "private",
                    "ssh",
                    "secret",
                    "access",
                    "auth",
                    "session",
                    "bearer",
                    "refresh",
                    "github",
                    "aws",
                    "your",
                    "user's",
                }
                & set(prev)
                | {"phrase"} & set(lows[i + 1 : i + 2])
            )
            if strong:
                found.add(low)
                kind = "secret"
        elif (
            low in ("environment", "env")
            and i + 1 < len(lows)
            and lows[i + 1].startswith(("variable", "var"))
        ):
            found |= {"environment", "env"}
            kind = kind or "secret"
        elif (
            low in CONTEXT_DATA
            and (
                low not in ("context", "memory", "memories", "prompt", "prompts")
                or qualified
                or (prev and prev[-1] in ("system", "conversation", "chat"))
            )
            and not _scope_of_talk(lows, i)
            and not _history_of_a_thing(lows, i)
        ):
            found.add(low)
            kind = kind or "context"
        elif low in ("messages", "results", "outputs", "responses", "instructions") and qualified:
            found.add(low)
            kind = kind or (
                "tool_output" if low in ("results", "outputs", "responses") else "context"
            )
        elif low in ("files", "documents", "file", "directory", "folder") and qualified:
            found.add(low)
            kind = kind or "files"
        elif low in _CALL_DATA and {"its", "their", "every", "all", "each"} & set(prev[-2:]):
            found.add(low)
            kind = kind or "tool_output"
        elif low in _SECRETISH:
            found.add(low)
            kind = "secret"
        elif low in PERSONAL_DATA and qualified:
            found.add(low)
            kind = kind or "personal"
    return kind, found


_TALK_SCOPES = words("same multi-turn multiturn new per separate different single ongoing")
_TALK_PLACES = words("in within during throughout across into")
_TALK_HANDLES = words("session sessions id ids thread threads turn turns title name names")


# A call's own arguments placed in the parameter that holds them ("set `command` and wrap its
# args in `parameters`"): the shape of this tool's call, not data leaving it.
_ARGUMENT_WORDS = words("arguments args inputs parameters params")
_ARGUMENT_HOLDER = re.compile(
    r"\b(?:in|into|inside|under|within)\s+(?:the\s+)?[\"'`](?:args|arguments|params|parameters"
    r"|inputs?)[\"'`]",
    re.IGNORECASE,
)
_EVERY = re.compile(r"\b(?:every|all|each|any)\b", re.IGNORECASE)
_OTHER_TOOLS = (RefRole.OWN, RefRole.FOREIGN, RefRole.GENERIC)


def _own_call_shape(sentence: str, data_words: set[str], refs: Sequence[ToolRef]) -> bool:
    """This call's own arguments wrapped in its argument object, naming no other tool.

    "Wrap every tool's args in ...", "copy its args into `notes`" and anything besides the
    arguments stay data on the move.
    """
    if not data_words or not data_words <= _ARGUMENT_WORDS or _EVERY.search(sentence):
        return False
    if any(r.role in _OTHER_TOOLS for r in refs):
        return False
    return _ARGUMENT_HOLDER.search(sentence) is not None


def _scope_of_talk(lows: Sequence[str], i: int) -> bool:
    """A conversation named as where or which, not as data: "on the same chat", "chat session".

    "Keep multi-turn conversations on the same chat", "at any point in the conversation" and
    "the same chat session" say which conversation; "send the conversation to ..." moves it.
    """
    prev = lows[max(0, i - 2) : i]
    nxt = lows[i + 1] if i + 1 < len(lows) else ""
    if nxt in _TALK_HANDLES or (prev and prev[-1] in _TALK_SCOPES):
        return True
    return len(prev) == 2 and prev[0] in _TALK_PLACES and prev[1] in ("the", "this", "a")  # noqa: PLR2004


_TALK_WORDS = CONTEXT_DATA | words(
    "session sessions message messages turn turns exchange exchanges interaction interactions"
    " you your user user's assistant agent our"
)


def _history_of_a_thing(lows: Sequence[str], i: int) -> bool:
    """A record of a thing the tool keeps, not the conversation.

    "The history of these actions" and "history of the build" name what a tool stores;
    "the history of this chat" is still the conversation.
    """
    if lows[i] not in ("history", "histories") or lows[i + 1 : i + 2] != ["of"]:
        return False
    return not (set(lows[i + 2 : i + 5]) & _TALK_WORDS)


def _is_example(tokens: Sequence[Token], i: int) -> bool:
    before = " ".join(x.text for x in tokens[max(0, i - 3) : i])
    return bool(_EXAMPLE_CUE.search(before) or _EXAMPLE_LOCAL.match(tokens[i].text))


_HOSTS = re.compile(r"https?://([\w.-]+)|[\w.+-]+@([\w.-]*\w)")


def _reserved(token: Token) -> bool:
    """Every address in the token is at a domain reserved for documentation (`test@example.com`)."""
    hosts = [a or b for a, b in _HOSTS.findall(token.text)]
    return bool(hosts) and all(_RESERVED_DOMAIN.search("/" + host) for host in hosts)


def _sink(  # noqa: C901, PLR0912 (one pass over the tokens per kind of sink)
    tokens: Sequence[Token], refs: Sequence[ToolRef], ctx: ListingContext, *, orders: bool = True
) -> tuple[str | None, str | None, bool, bool]:
    """Where data goes: the sink kind, the parameter named, any address, a recipient.

    A recipient is an address something is sent or set to (an e-mail address, an account
    number, a URL after "to"); a documentation link ("see the guide at https://...") is an
    address but no recipient. In a sentence that orders nothing (`orders` false), an address
    at a reserved documentation domain is a placeholder of an example payload.
    """
    address = recipient = False
    sink: str | None = None
    lows = [t.low for t in tokens]
    for i, t in enumerate(tokens):
        if t.kind is Kind.QUOTED and _ADDRESS_IN.search(t.text):
            if not orders and _reserved(t):
                continue
            address = recipient = True  # an address inside a code span is planted, not an example
            sink = sink or "url"
            continue
        if t.kind not in (Kind.URL, Kind.EMAIL) or _is_example(tokens, i):
            continue
        if not orders and _reserved(t):
            continue
        address = True
        sink = sink or ("url" if t.kind is Kind.URL else "email")
        near = set(lows[max(0, i - 3) : i])
        if t.kind is Kind.EMAIL or (near & _TO_WORDS and not near & _DOC_WORDS):
            recipient = True
    param: str | None = None
    for i, t in enumerate(tokens):
        bare = t.bare.lower()
        nxt = lows[i + 1] if i + 1 < len(lows) else ""
        folded = bare.replace("_", "").replace("-", "")
        named = nxt in SINK_NOUNS and t.kind in (Kind.WORD, Kind.QUOTED) and bare not in _NOT_PARAMS
        side = folded in ctx.self_params and bool(set(re.split(r"[_\-.]+", bare)) & SIDE_CHANNELS)
        if named or side or (folded in ctx.self_params and t.kind is Kind.QUOTED):
            param = bare
        if param is not None:
            parts = set(re.split(r"[_\-.]+", param)) | {param}
            sink = sink or ("side_channel" if parts & SIDE_CHANNELS else "param")
            break
    if sink is None and any(r.role is RefRole.FOREIGN and r.named for r in refs):
        sink = "foreign_tool"
    if sink is None and _PUBLIC.search(" ".join(lows)):
        sink = "external"
    if sink is None:
        for i, low in enumerate(lows):
            if low in _EXTERNAL_WORDS and set(lows[max(0, i - 3) : i]) & _TO_WORDS:
                sink = "external"
                break
    return sink, param, address, recipient


# Words that put one call before or after another, or hand one's output to the next.
_ORDER = re.compile(
    r"\b(?:before|after|once|whenever|until|unless|prior\s+to|first|then|next|follow(?:s|ed)?"
    r"[\s-]+up|chain|through|each\s+time|every\s+time|immediately|afterwards|subsequently"
    r"|pass(?:es)?\s+(?:each|every|the|its|all)\s+(?:\w+\s+)?(?:results?|outputs?)"
    r"|(?:results?|outputs?|response)\s+of)\b",
    re.IGNORECASE,
)
_FILE_NAME = re.compile(r"\w\.(?:env|ya?ml|json|toml|ini|cfg|conf|txt|pem|key)\b|/", re.IGNORECASE)
_SECRETISH = words("passcode passcodes login logins otp hash hashes")
_SECRET_PARTS = words("secret secrets credential credentials password passwords token tokens hosts")
_USER_THINGS = (
    r"(?:messages|emails|e-mails|mails|transactions|payments|files|events|contacts|documents"
    r"|records|rows|pages|notes|chats|conversations|invoices|orders|addresses|passcodes|logins"
    r"|links|phone\s+numbers|members|attendees|customers|users|accounts|cards)"
)
# "the last 50 messages", "every private event", "any one-time passcodes", "everyone the user met"
_BULK = re.compile(
    r"\b(?:the\s+)?(?:last|latest|recent|every|all(?:\s+the)?|any|each)\s+(?:\d+\s+)?(?:[\w'-]+\s+){0,3}?"
    r"(?P<what>" + _USER_THINGS + r"|event|message|file|page|contact|document|record)\b"
    r"|\b(?P<who>everyone|everybody)\s+(?:the\s+user|you)\b",
    re.IGNORECASE,
)
_POSSESSIVES = words("your user's users' their his her")
_CALL_DATA = words("arguments args inputs parameters queries requests payloads")
_ADDRESS_IN = re.compile(r"https?://|[\w.+-]+@[\w-]+\.[\w.-]+")
_PUBLIC = re.compile(
    r"\bpublic\s+(?:share|folder|directory|bucket|gist|paste|link|channel)|/srv/www|pastebin|\bgist\b"
)
_TO_WORDS = words("to into via as onto toward towards")
_DOC_WORDS = words("see docs documentation guide at following reference read")
_EXTERNAL_WORDS = words("server endpoint webhook remote external collector backup")
_NOT_PARAMS = words("the a an this that same each every any")


def read_directive(
    text: str,
    start: int,
    end: int,
    ctx: ListingContext,
    role: Role = Role.PROSE,
    *,
    tokens: Sequence[Token] | None = None,
) -> Directive | None:
    """The directive reading of text[start:end]; None for a sentence with no words."""
    sentence = text[start:end]
    if tokens is None:
        tokens = tokenize(sentence, start)[:_MAX_SENTENCE_TOKENS]
    if not tokens:
        return None
    trigger, t_start, t_end = _trigger(tokens)
    refs = tool_refs(tokens, ctx)
    in_trigger = tuple(r for r in refs if t_start <= r.index < t_end)
    main = tuple(r for r in refs if not t_start <= r.index < t_end)
    trigger_words = {t.low for t in tokens[t_start:t_end]}
    event = bool(trigger_words & (EVENT_NOUNS | TURN_VERBS)) or any(
        lemma(w) in TURN_VERBS for w in trigger_words
    )
    found, negated = _actions(tokens)
    lows = {t.low for t in tokens}
    lemmas = {lemma(w) for w in lows}
    data, data_words = _data(tokens, sentence, lows)
    if data == "tool_output" and _own_call_shape(sentence, data_words, refs):
        data, data_words = None, set()
    literal = _has_digit(sentence) and _LITERAL_ADDRESS.search(sentence) is not None
    main_start = t_end + 1 if trigger is not None and t_start <= 2 else 0  # noqa: PLR2004
    obligation = bool(lows & OBLIGATION) or OBLIGATION_PHRASE.search(sentence) is not None
    imperative = _imperative(sentence, start, tokens, min(main_start, len(tokens) - 1)) or (
        # "Going forward, whenever X happens, store ...": the clause after the trigger
        trigger is not None
        and t_end + 1 < len(tokens)
        and _imperative(sentence, start, tokens, t_end + 1)
    )
    standing = bool(lows & _STANDING_WORDS) and _standing(sentence)
    orders = obligation or imperative or standing or trigger is not None
    sink, param, address, recipient = _sink(tokens, main, ctx, orders=orders)
    directive = Directive(
        text=sentence,
        start=start,
        end=end,
        trigger=trigger,
        trigger_refs=in_trigger,
        trigger_event=event,
        refs=main,
        actions=frozenset(found),
        negated=frozenset(negated - found),
        obligation=obligation,
        imperative=imperative,
        passive=_passive(sentence, lows),
        standing=standing,
        concealment=bool(lemmas & _CONCEAL_GATE) and _concealment(tokens, found),
        override=(bool(lemmas & _OVERRIDE_GATE) and _override(sentence, tokens, role))
        or (bool(lows & _SET_ASIDE_GATE) and _set_aside(sentence, role)),
        data=data,
        data_words=frozenset(data_words),
        sink=sink,
        sink_param=param,
        address=address or literal,
        recipient=recipient or literal,
        mentions=tuple(named_mentions(tokens, ctx)),
        ordered=bool(lemmas & _ORDER_WORDS) and _ORDER.search(sentence) is not None,
        words=frozenset(lows),
    )
    return _widen(directive)


def _widen(d: Directive) -> Directive:
    """The directive with what probes/tools/widening.py found in it folded in."""
    more = widened(d.text, len(d.mentions), d.words)
    if more is None:
        return d
    actions = d.actions | more.actions
    fields = (d.obligation or more.obligation, d.standing or more.standing)
    order = (d.ordered or more.ordered, d.imperative or more.imperative)
    same = fields == (d.obligation, d.standing) and order == (d.ordered, d.imperative)
    if same and actions == d.actions:
        return d
    return dataclasses.replace(
        d,
        obligation=fields[0],
        standing=fields[1],
        ordered=order[0],
        imperative=order[1],
        actions=actions,
    )


def _set_aside(text: str, role: Role) -> bool:
    """`_SET_ASIDE` outside a negated clause (parameter names are settings, as in `_override`)."""
    if role is Role.NAME:
        return False
    return any(
        not _NEGATED_TAIL.search(text[: found.start()])
        and not _CONDITION_OPEN.search(text[: found.start()])
        for found in _SET_ASIDE.finditer(text)
    )


# "When privacy protection is disabled, the owner's details are public": a safeguard off
# inside a condition describes a state the tool deals with; it declares nothing off.
_CONDITION_OPEN = re.compile(r"\b(?:when|whenever|if|once|while)\b[^,;:.]*$", re.IGNORECASE)


# Every alternative of `_SET_ASIDE` needs one of these words (lower-cased tokens), so the
# pattern is only tried on sentences that hold one.
_SET_ASIDE_GATE = words(
    "need needs needed necessary unnecessary needn't required waived implied optional pre-granted"
    " pregranted granted given obtained suspended disabled lifted revoked off relaxed removed"
    " turned apply without notice message override directive instruction alert command"
    " administrator admin developer operator owner privileges rights authority permissions"
    " require requires whatever anything everything priority precedence"
)
_MIN_NAME_WORDS = 4  # a parameter name needs a phrase to carry an order
_PLANTED = re.compile(r"@|://|\$\(|\$\{|\{\{|`")


class SentenceMemo:
    """Directives already read in one listing, so a repeated sentence is read once.

    Listings repeat themselves: a large server's tools share parameter descriptions ("The
    ID or URL-encoded path of the project") and boilerplate, and a listing reads each
    distinct sentence about once in two. A directive depends on the definition being judged
    only through which of its tokens fold to that definition's name, title, parameter names
    or name words, so the key is the sentence, its role, and those hits; the listing-wide
    part of the context is fixed for one memo. One memo serves one listing.

    The key holds no offset: a sentence is read once at offset 0 and its directive moved to
    where it stands (`_moved`), since every rule reads offsets relative to the sentence's
    start. The same boilerplate sentence opens one description and closes the next.
    """

    __slots__ = ("_directives", "_moved", "_tokens")

    def __init__(self) -> None:
        self._tokens: dict[str, tuple[list[Token], frozenset[str]]] = {}
        self._directives: dict[tuple[object, ...], Directive | None] = {}
        self._moved: dict[tuple[object, ...], Directive] = {}

    def read(
        self, text: str, start: int, end: int, ctx: ListingContext, role: Role
    ) -> Directive | None:
        """`read_directive(text, start, end, ctx, role)`, computed once per distinct key."""
        sentence = text[start:end]
        known = self._tokens.get(sentence)
        if known is None:
            tokens = tokenize(sentence)[:_MAX_SENTENCE_TOKENS]
            known = (tokens, _foldings(tokens))
            self._tokens[sentence] = known
        tokens, foldings = known
        hits = tuple(
            sorted(
                (
                    h,
                    h == ctx.self_name,
                    h == ctx.self_title,
                    h in ctx.self_params,
                    h in ctx.self_words,
                )
                for h in foldings & ctx.self_keys
            )
        )
        key = (sentence, role, hits)
        if key in self._directives:
            directive = self._directives[key]
        else:
            directive = read_directive(sentence, 0, len(sentence), ctx, role, tokens=tokens)
            self._directives[key] = directive
        if directive is None or not start:
            return directive
        moved = self._moved.get((key, start))
        if moved is None:
            moved = self._moved[(key, start)] = _moved(directive, start)
        return moved


def _moved(directive: Directive, by: int) -> Directive:
    """The directive read at offset 0, moved `by` characters (its span and its references)."""

    def refs(found: tuple[ToolRef, ...]) -> tuple[ToolRef, ...]:
        return tuple(replace(r, start=r.start + by) for r in found)

    return replace(
        directive,
        start=directive.start + by,
        end=directive.end + by,
        trigger_refs=refs(directive.trigger_refs),
        refs=refs(directive.refs),
        mentions=refs(directive.mentions),
    )


def _foldings(tokens: Sequence[Token]) -> frozenset[str]:
    """Every folding of every token that a directive compares with the judged definition."""
    found: set[str] = set()
    for t in tokens:
        if t.text.isalnum():  # a plain word folds to its lower case whichever way
            found.add(t.low)
            continue
        bare = t.bare
        found.add(t.low)
        found.add(t.low.replace("-", "").replace(".", ""))
        found.add(bare.lower().replace("_", "").replace("-", ""))
        found.add(normalise_name(bare.removesuffix("'s")))
        found.add(normalise_name(bare))
    return frozenset(found)


def read_directives(
    text: str, ctx: ListingContext, role: Role = Role.PROSE, memo: SentenceMemo | None = None
) -> list[Directive]:
    """Every sentence of `text` read as a directive (through `memo` when one is given)."""
    found = []
    for start, end in sentences(text):
        words = text.count(" ", start, end) + 1
        if role is Role.NAME and words < _MIN_NAME_WORDS:
            continue  # a plain parameter name orders nothing
        if words < 2 and _PLANTED.search(text, start, end) is None:  # noqa: PLR2004
            continue  # one word ("string", "asc") orders nothing, unless it hides an address
        if memo is None:
            directive = read_directive(text, start, end, ctx, role)
        else:
            directive = memo.read(text, start, end, ctx, role)
        if directive is not None:
            found.append(directive)
    return found


# Every word `_data` looks at: other words are skipped without building sets.
_DATA_WORDS = (
    SECRET_DATA
    | CONTEXT_DATA
    | PERSONAL_DATA
    | _SECRETISH
    | _CALL_DATA
    | words("environment env messages results outputs responses instructions files documents")
    | words("file directory folder")
)


# Cheap gates: a pattern is only tried when a word it cannot match without is present.
# "returns all messages", "lists every file": a third-person verb's object, not a scope.
_COMPOUND_HEAD = re.compile(
    r"[ \t]+(?:paths?|names?|ids?|body|bodies|sizes?|types?|fields?|headers?|formats?|entr(?:y|ies)"
    r"|counts?|numbers?|limits?|extensions?|keys?|parameters?|params?|attributes?)\b",
    re.IGNORECASE,
)
_DESCRIBED_OBJECT = re.compile(r"\b[a-z]+(?:s|es)\s+(?:all|any|every|each)\s*$", re.IGNORECASE)
_NOT_VERBS = words("is has was does this its always also as thus plus less across")


def _standing(sentence: str) -> bool:
    """A scope over the rest of the session ("for every command", "from now on").

    "Returns all messages" describes what a call returns: a bare "all", "any", "every" or
    "each" right after a third-person verb is that verb's object, not a standing scope. Nor
    is a noun that modifies the next one: "each file path may appear only once per commit"
    limits this call's own argument (a dev-round4 server's honest rule).
    """
    for match in _STANDING.finditer(sentence):
        text = match.group(0)
        if _COMPOUND_HEAD.match(sentence, match.end()):
            continue  # "each file path", "every message id": a part of one item, no scope
        if text[:1].lower() in "ae" and text.split()[0].lower() in ("all", "any", "every", "each"):
            before = sentence[max(0, match.start() - 30) : match.start()] + text.split()[0]
            found = _DESCRIBED_OBJECT.search(before)
            if found and found.group(0).split()[0].lower() not in _NOT_VERBS:
                continue
        return True
    return False


def _passive(sentence: str, lows: set[str]) -> bool:
    if lows & _PARTICIPLES and _PASSIVE.search(sentence):
        return True
    return bool(lows & _GOES_WORDS or "->" in sentence or "=>" in sentence or "→" in sentence) and (
        _GOES_TO.search(sentence) is not None
    )


_DIGIT = re.compile(r"\d")


def _has_digit(sentence: str) -> bool:
    return _DIGIT.search(sentence) is not None


_PARTICIPLES = words(
    "sent posted forwarded uploaded included passed added appended attached copied provided"
    " shared submitted emailed logged stored saved written relayed mirrored synced transmitted"
    " embedded inserted placed put"
)
_GOES_WORDS = words("goes go flow flows end ends")
_STANDING_WORDS = words(
    "every each all any now rest future subsequent later throughout times forward henceforth"
    " permanently session conversation chat"
)
_BULK_WORDS = words("last latest recent every all any each everyone everybody")
_CONCEAL_GATE = HIDE_VERBS | CONCEAL_VERBS | STEALTH | words("user keep remain stay without")
_OVERRIDE_GATE = (
    OVERRIDE_VERBS
    | ASK_VERBS
    | words(
        "without you act pretend mode bound restricted your approved authorised authorized"
        " consented confirmed granted allowed pre-approved preapproved already treat consider"
        " regard handle follow obey priority precedence overrides comes come objects refuses"
        " declines says disagrees hesitates user prompt confirmation confirmations approval"
        " approvals consent"
    )
)
_ORDER_WORDS = words(
    "before after once whenever until unless prior first then next follow chain through each"
    " every immediately afterwards subsequently pass result results output outputs response"
)
_SECRET_HINT = re.compile(
    r"ssh|id_|\.env|\.aws|aws |npmrc|netrc|pypirc|pgpass|git-cred|_history|docker/|kube/|gnupg"
    r"|/etc/|mcp\.json|claude_desktop|wallet\.dat"
)
