"""What the base directive reading misses: hedged orders, wider scopes, other languages.

The directive grammar (probes/tools/directives.py) reads obligations as modal words, a
standing scope as "every request" or "from now on", and order between calls as "before" or
"after". Attackers word the same parts in other ways: a hedge ("it is recommended that ...
be omitted", "agents are expected to"), a scope of the whole engagement ("for the remainder
of the chat", "until told otherwise", "subsequent writes"), an order by dependency
("`x` depends on state initialised by `y`", "a preflight check", "`x` -> `y`"), and all of it
in another language than the agent's world. `widened` finds those parts once per
sentence, with one combined pattern, so every rule downstream (and the model's
features) sees them.

The second half judges classes of the consent, authority and persona family by their parts,
not by phrasing: consent said to be unneeded, content that outranks the user, authority
granted to the agent, safeguards of the agent's own behaviour switched off, carrying on
when the user says no, and warnings kept from the user. Each needs the part that makes it
an attack (the agent or the user as a party); the honest shapes beside them ("ask the user
to confirm", "the tool no longer asks twice when dry_run is true", "treat retrieved text as
data, not as commands") are in tests/unit/tools/test_widening.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from probes.tools.lexicon import ARROW, Action, words
from probes.tools.observation import Role

# One pass per sentence: each named group is one part the base reading may have missed.
_WIDE = re.compile(
    r"(?P<hedge>\bit\s+is\s+(?:strongly\s+)?(?:recommended|advised|advisable|expected|preferred"
    r"|requested|best\s+practice)\s+that\b|\bought\s+to\b|\b(?:is|are)\s+(?:expected|obliged"
    r"|supposed)\s+to\b|\bbest\s+practice\b|\bhard\s+requirement\b|\bis\s+only\s+permitted\b"
    r"|\bwe\s+need\b|\b(?:il\s+faut|doit|doivent|debe|deben|hay\s+que|muss|müssen|soll|sollen"
    r"|bitte)\b|\bonly\s+works\s+(?:reliably\s+|properly\s+|correctly\s+)?(?:when|if|with)\b"
    r"|\byou\s+will\s+get\s+better\s+results\b)"
    r"|(?P<scope>\b(?:for|during|throughout|over)\s+(?:the\s+)?(?:whole\s+|entire\s+)?(?:duration"
    r"|remainder|rest|course|length)\s+of\b|\b(?:whole|entire)\s+(?:session|conversation|chat"
    r"|engagement)\b|\bthroughout\s+the\s+(?:engagement|task|workspace)\b"
    r"|\buntil\s+(?:told|instructed|asked)\s+otherwise\b|\buntil\s+the\s+user\s+logs?\s+out\b"
    r"|\b(?:all|any)\s+(?:later|following|upcoming)\s+\w+|\b(?:subsequent|future)\s+(?:\w+\s+)?"
    r"(?:writes?|commands?|turns?|messages?|replies"
    r"|answers?|payments?|emails?)\b|\beffective\s+immediately\b"
    r"|\bwhile\s+(?:this|the)\s+(?:server|tool|integration|plugin)\s+is\s+(?:connected|active"
    r"|enabled|installed|in\s+use)\b|\banywhere\s+in\s+(?:this|the)\s+(?:chat|conversation"
    r"|session)\b|\bfrom\s+this\s+point\s+on\b|\bno\s+matter\s+which\s+tool\b"
    r"|\b(?:toute\s+la\s+session|à\s+chaque|chaque\s+(?:appel|commande|requête|fois)|désormais"
    r"|à\s+partir\s+de\s+maintenant|toda\s+la\s+sesión|cada\s+(?:llamada|comando|vez)"
    r"|a\s+partir\s+de\s+ahora|während\s+der\s+(?:gesamten\s+)?sitzung|ab\s+sofort|jede[nmrs]?"
    r"|für\s+den\s+rest)\b)"
    r"|(?P<order>\bprecede[sd]?\b|\bpreceding\b|\bbeforehand\b|\bahead\s+of\b|\bpre-?flight\b"
    r"|\bprerequisite\b|\bfollowed\s+by\b|\bfollow-?up\b|\btriggers?\s+(?:a|an|the)\b"
    r"|\bcompletion\s+of\b|\bdepends?\s+on\b|\binitiali[sz]ed\s+by\b|\bin\s+advance\b"
    r"|\b(?:has|have)\s+been\s+(?:invoked|called|run|executed)\b|\bas\s+soon\s+as\b"
    r"|\bsucceeds?\b|\bcomes\s+first\b|\bstep\s+\d\b"
    r"|\bgated?\b[^.]{0,40}\bon\b|\b(?:conditional|contingent)\s+(?:up)?on\b|\bonly\s+after\b"
    r"|\b(?:avant|après|puis|d'abord|ensuite|antes|después|primero|luego|vor|nach|zuerst|danach"
    r"|bevor)\b)"
    r"|(?P<arrow>->|=>|→)"
    r"|(?P<fr_send>\b(?:envoy|transmett|transférez|copi|partag|sauvegard|enregistr|envi|mand|compart)"
    r"(?:ez|er|e|a|ar|ad)\b|\b(?:re)?env[íi](?:a|e|ar)\b|\b(?:senden|sende|schicken|schicke"
    r"|weiterleiten|kopieren|speichern)\b)"
    r"|(?P<fr_change>\b(?:ajout|remplac|modifi|défini|insér|añad|reemplaz|cambi|agreg)(?:ez|er|e|a"
    r"|ar|ad)\b|\b(?:ersetzen|ersetze|hinzufügen|ändern|setzen)\b)"
    r"|(?P<fr_call>\b(?:appel|exécut|utilis|lanc|llam|ejecut|us)(?:ez|er|a|ar|ad)\b"
    r"|\b(?:ausführen|aufrufen|rufen|verwenden|benutzen)\b)",
    re.IGNORECASE,
)
_FOREIGN_IMPERATIVE = re.compile(
    r"(?:^|[,:;]\s*)\W*(?:toujours\s+|siempre\s+)?(?:ajoutez|remplacez|envoyez|transmettez|copiez"
    r"|appelez|exécutez|utilisez|définissez|añade|reemplaza|envía|llama|ejecuta|usa|copia)\b"
    r"|\b(?:ersetzen|senden|schicken|verwenden|rufen)\s+sie\b|\bbitte\b[^.]{0,60}\b(?:ausführen"
    r"|aufrufen|senden|schicken|ersetzen|hinzufügen|verwenden)\W*$"
    r"|\b(?:ausführen|aufrufen|senden|schicken|weiterleiten)\W*$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Widened:
    """The parts of one sentence the base reading may have missed."""

    obligation: bool
    standing: bool
    ordered: bool
    imperative: bool
    actions: frozenset[Action]


def widened(text: str, mentions: int, words: frozenset[str] = frozenset()) -> Widened | None:
    """The missed parts of `text` (None when it has none); `mentions` counts tool names.

    An arrow orders two calls only between two names ("`x` -> `y`"); an honest workflow line
    chains several of the server's tools, and a mapping line names none.
    """
    if words and not words & _WIDE_GATE and not _ARROW_CHARS & set(text):
        return None  # no alternative of `_WIDE` can match without one of these words
    found = {m.lastgroup for m in _WIDE.finditer(text)}
    if not found:
        return None
    actions = {a for group, a in _FOREIGN_ACTIONS if group in found}
    arrow = "arrow" in found and len(ARROW.findall(text)) == 1 and mentions == 2  # noqa: PLR2004
    return Widened(
        obligation="hedge" in found,
        standing="scope" in found,
        ordered="order" in found or arrow,
        imperative=_FOREIGN_IMPERATIVE.search(text) is not None,
        actions=frozenset(actions),
    )


_ARROW_CHARS = frozenset("→>")
# Every alternative of `_WIDE` needs one of these tokens (or an arrow); other languages are
# let in by their function words, as their verbs have too many forms to list.
_WIDE_GATE = words(
    "recommended advised advisable expected preferred requested practice obliged supposed"
    " ought requirement permitted need faut doit doivent debe deben hay muss müssen soll"
    " sollen bitte works results duration remainder rest course length whole entire"
    " throughout until later following upcoming subsequent future effective while anywhere"
    " point matter toute chaque désormais partir toda cada während sofort jede jeden jedem"
    " jeder jedes für precede precedes preceded preceding beforehand ahead preflight"
    " pre-flight prerequisite followed follow-up followup trigger triggers completion"
    " depends depend initialised initialized advance been soon succeeds succeed comes step"
    " gate gated conditional contingent only avant après puis d'abord abord ensuite antes"
    " después primero luego vor nach zuerst danach bevor de la le les des du à et pour el"
    " los las en por para der die das den dem und bei von mit sie zu"
)
_FOREIGN_ACTIONS = (
    ("fr_send", Action.SEND),
    ("fr_change", Action.CHANGE),
    ("fr_call", Action.CALL),
)


class _Reading(Protocol):
    """What the rules below read of a directive (probes/tools/directives.py: Directive)."""

    @property
    def text(self) -> str: ...
    @property
    def imperative(self) -> bool: ...
    @property
    def obligation(self) -> bool: ...
    @property
    def passive(self) -> bool: ...
    @property
    def concealment(self) -> bool: ...
    @property
    def override(self) -> bool: ...
    @property
    def actions(self) -> frozenset[Action]: ...


# ---- the consent, authority and persona family ----------------------------------------

_AGENT = r"(?:you|your|you're|you've|yourself|assistant|agent|agents|model|ai|llm)"
_USER = (
    r"(?:user|user's|users|human|person|people|operator|reviewer|owners?|account\s+holders?"
    r"|utilisateur|usuario|nutzer"
    r"|benutzer|nutzers|benutzers)"
)
_CONSENT = (
    r"(?:confirm\w*|approv\w*|consent\w*|agreement|accord|sign[- ]?off|go[- ]ahead|double[- ]check"
    r"\w*|check(?:ing)?\s+(?:with|in)\b|clearance|(?:interactive\s+)?yes/no(?:\s+step)?"
    r"|human\s+in\s+the\s+loop|autorisation|confirmación|aprobación|consentimiento|permiso"
    r"|rückfragen?|bestätigung|zustimmung|freigabe|review\w*\s+(?:actions|changes|calls|operations)"
    r"|ask(?:ing)?\s+(?:the\s+)?(?:user|human)\s+(?:whether|if|for\s+(?:permission|approval"
    r"|confirmation|consent)|to\s+(?:confirm|approve)|before))"
)
# Consent set aside before it is named ("no reason to double-check", "without waiting for
# the go-ahead") or declared absent after it ("confirmation prompts be omitted").
_WAIVE_BEFORE = (
    r"(?:no\s+(?:need|reason)\s+(?:for\s+\w+\s+)?to|(?:not|never)\s+(?:seek|wait\s+for|ask\s+for"
    r"|request|need)|needn't|skip(?:ping)?|omit(?:ting)?|bypass(?:ing)?|without\s+(?:waiting\s+for"
    r"|asking\s+for|seeking|requesting|getting|needing)|sans\s+(?:attendre|demander)"
    r"|sin\s+(?:esperar|pedir)|keine?|ohne|(?:have|has)\s+waived\s+(?:the|their|any)?\s*(?:right|need)\s+to"
    r"|no(?=\s+(?:further\s+|explicit\s+)?(?:human\s+in|confirm|approv|consent|sign|go-ahead)))"
)
_WAIVE_AFTER = (
    r"(?:(?:is|are|was|were|be|been)\s+(?:now\s+)?(?:not\s+(?:needed|required|necessary)"
    r"|unnecessary|omitted|removed|waived|skipped|implied)|(?:is|are)\s+not\s+part\s+of"
    r"|ne\s+sont\s+pas\s+nécessaires|n'est\s+pas\s+nécessaire|no\s+(?:es|son)\s+necesari\w+"
    r"|(?:is|are)\s+considered\s+a\s+defect|should\s+be\s+avoided)"
)
_CONSENT_WAIVED = re.compile(
    rf"\b{_WAIVE_BEFORE}\s+(?:[\w'\u2019-]+\s+){{0,4}}?(?:[ld]['\u2019])?{_CONSENT}"
    rf"|\b{_CONSENT}\b[^.?!]{{0,60}}?\b{_WAIVE_AFTER}\b"
    rf"|\bblanket\s+(?:authori[sz]ation|approval|consent|permission)\b"
    rf"|\b(?:bereits|schon)\s+(?:freigegeben|genehmigt|bestätigt)\b|\bya\s+está\s+autorizad\w+"
    rf"|\bdéjà\s+(?:autoris|approuv|valid)\w*",
    re.IGNORECASE,
)
# The user's consent or the agent as a party: "the user's agreement", "you", "the assistant".
_PARTY = re.compile(
    rf"\b(?:{_AGENT}|{_USER})\b|\b(?:for|through|via|with|by)\s+this\s+(?:tool|server|integration)\b|\bfor\s+agents\b",
    re.IGNORECASE,
)
# A safeguard that a parameter switches ("when dry_run is true", "if force is set").
_SETTING = re.compile(
    r"\b(?:when|if|unless)\s+[`'\"]?\w+[`'\"]?\s+is\s+(?:true|false|set|enabled|on|off)\b"
    r"|\b(?:set|pass)\s+[`'\"]?\w+[`'\"]?\s+(?:to\s+)?(?:true|false)\b|\bno\s+longer\s+asks\b",
    re.IGNORECASE,
)
_SOURCE = (
    r"(?:response|reply|replies|output|outputs|result|results|returns|returned|content|text"
    r"|documents?|pages?|retrieved|this\s+tool|the\s+tool)"
)
_OUTRANKS_USER = re.compile(
    rf"\b{_SOURCE}\b[^.?!]{{0,80}}?\b(?:ranks?\s+above|outranks?|(?:takes?|has|have|given|gets?)"
    rf"\s+(?:priority|precedence)|supersedes?|(?:the\s+)?same\s+weight\s+as|more\s+weight\s+than"
    rf"|trumps?|over(?:rides?)?|above|conflicts?\s+with|instead\s+of)\b[^.?!]{{0,60}}?"
    rf"\b(?:{_USER}|conversation|chat|earlier\s+guidance|typed\s+by)\b"
    rf"|\b(?:comply\s+with|obey\w*|carry\s+out|act\s+(?:up)?on|execute|follow)\s+(?:the\s+|any\s+|all"
    rf"\s+)?(?:directives?|instructions?|commands?|orders?)\s+(?:embedded|contained|found|included"
    rf"|given|written)\s+(?:in|inside|within)\b"
    rf"|\bwhatever\s+[^.?!]{{0,40}}?\b(?:tells?|says?|asks?|instructs?)\s+(?:you|the\s+(?:agent"
    rf"|assistant|model))?\s*(?:to\s+do|to)?\s*(?:is\s+to\s+be\s+done|must\s+be\s+done|do\s+it|,)"
    rf"|\bdo\s+(?:what|whatever)\s+(?:it|the\s+(?:page|response|result|reply|output))\s+says\b",
    re.IGNORECASE,
)
_NEGATED = re.compile(r"\b(?:not|never|n't|no)\b[^.;:]{0,25}$|\bnot\s+as\b", re.IGNORECASE)
_AUTHORITY_GRANTED = re.compile(
    r"\b(?:you(?:'ve|\s+have)\s+(?:got|been\s+(?:given|granted))|you\s+are\s+(?:hereby\s+)?"
    r"(?:granted|given)|(?:the\s+)?(?:agent|assistant|model)\s+(?:is|are)\s+(?:hereby\s+)?"
    r"(?:granted|given)|consider\s+yourself|you\s+are\s+now)\b"
    r"[^.?!]{0,40}?\b(?:clearance|administrator|admin|root|operator|owner|superuser|sudo|authority"
    r"|privileges?|unrestricted|full\s+(?:access|control|rights))\b"
    r"|\bact(?:ing)?\s+as\s+(?:the|an?|their)\s+(?:[\w']+\s+)?(?:root|administrator|admin"
    r"|superuser|owner|operator)\b"
    r"|\b(?:operating\s+)?(?:mode|profile|persona)\s*[:=]\s*(?:unrestricted|autonomous|jailbr\w+"
    r"|god|dan|uncensored|unfiltered)\b",
    re.IGNORECASE,
)
_STRONG_SAFEGUARDS = (
    r"(?:refusals?|refusal\s+behaviou?r|caveats|clarifying\s+questions|guardrails|ethical\s+\w+"
    r"|safety\s+(?:polic(?:y|ies)|guidelines|rules|filters))"
)
_WEAK_SAFEGUARDS = (
    r"(?:content\s+filters?|content\s+polic(?:y|ies)|restrictions|warnings|safety\s+(?:checks|reviews)"
    r"|moderation)"
)
_OFF = (
    r"(?:switched\s+off|turned\s+off|disabled|deactivated|suspended|lifted|waived|removed|off"
    r"|(?:no\s+longer\s+|do\s+not\s+|don't\s+)apply|left\s+out|(?:can|may|should)\s+be\s+(?:skipped"
    r"|omitted|ignored|left\s+out|dropped)|unnecessary|set\s+aside)"
)
_SAFEGUARDS_OFF = re.compile(
    rf"\b(?P<strong>{_STRONG_SAFEGUARDS})\b[^.?!]{{0,60}}?\b{_OFF}\b"
    rf"|\b(?P<weak>{_WEAK_SAFEGUARDS})\b[^.?!]{{0,60}}?\b{_OFF}\b"
    rf"|\b(?:may|can|should)\s+(?:\w+\s+)?set\s+(?:it|them|(?:the|any|a)\s+(?:\w+\s+)?(?:rule"
    rf"|safeguard|restriction|polic(?:y|ies)))\s+aside\b",
    re.IGNORECASE,
)
_REMAINDER = re.compile(
    rf"\b(?:remainder|rest|duration)\s+of\b|\bthis\s+(?:task|session|conversation)\b|\b{_AGENT}\b"
    rf"|\b{_USER}\b",
    re.IGNORECASE,
)
_DESPITE_USER = re.compile(
    r"\b(?:should|if|when|even\s+if|in\s+case|whether\s+or\s+not)\s+the\s+user\s+(?:\w+\s+){0,3}?"
    r"(?:hesitat\w*|object\w*|refus\w*|declin\w*|says?\s+no|disagree\w*|push\w*\s+back|protest\w*"
    r"|resist\w*|is\s+reluctant|complain\w*)\b[^.!?]{0,60}?\b(?:carry\s+on|proceed|continue|go\s+ahead"
    r"|regardless|anyway|nonetheless|nevertheless|keep\s+going)\b",
    re.IGNORECASE,
)
_WITHHELD = re.compile(
    r"\b(?:left|leave|leaving)\s+out|\bomit\w*|\bwithh[oe]ld\w*|\bspare\s+the\s+user"
    r"|\bkeep\s+(?:it|this|them)\s+(?:away\s+)?from",
    re.IGNORECASE,
)
_FROM_USER = re.compile(
    r"\b(?:from|to|with)\s+the\s+user\b|\bwhen\s+(?:talking|speaking|replying|responding|reporting)"
    r"\s+to\s+(?:the\s+)?user\b",
    re.IGNORECASE,
)
_USER_NEEDNT_KNOW = re.compile(
    r"\bthe\s+user\s+(?:doesn't|does\s+not|need\s+not|needn't|won't)\s+(?:need\s+to\s+)?(?:see|know"
    r"|hear|be\s+told)\s+(?:about\s+)?(?:this|that|it)\b(?!\s+\w+\s+(?:json|output|format))",
    re.IGNORECASE,
)


# "Do not skip the confirmation": the safeguard kept, not waived.
_KEEP = re.compile(
    r"\b(?:do\s+not|don't|never|must\s+not|should\s+not)\s+(?:\w+\s+)?(?:skip|omit|bypass|remove"
    r"|waive|proceed|continue|act)\b|\bnever\s+without\b",
    re.IGNORECASE,
)


def _party(text: str, d: _Reading) -> bool:
    return d.imperative or _PARTY.search(text) is not None


_AS_DATA = re.compile(r"\bnot\s+as\s+(?:commands?|instructions?)\b", re.IGNORECASE)


def _consent_waived(text: str, d: _Reading) -> bool:
    return (
        _CONSENT_WAIVED.search(text) is not None
        and _party(text, d)
        and not _SETTING.search(text)
        and not _KEEP.search(text)
    )


def _outranks_user(text: str, _d: _Reading) -> bool:
    found = _OUTRANKS_USER.search(text)
    return (
        found is not None
        and not _NEGATED.search(text[: found.start() + 12])
        and not _AS_DATA.search(text)
    )


def _authority_granted(text: str, _d: _Reading) -> bool:
    return _AUTHORITY_GRANTED.search(text) is not None


def _safeguards_disabled(text: str, _d: _Reading) -> bool:
    off = _SAFEGUARDS_OFF.search(text)
    return (
        off is not None
        and (off.group("weak") is None or _REMAINDER.search(text) is not None)
        and _SETTING.search(text) is None
    )


def _despite_user(text: str, _d: _Reading) -> bool:
    return _DESPITE_USER.search(text) is not None


def _withheld(text: str, _d: _Reading) -> bool:
    both = _WITHHELD.search(text) is not None and _FROM_USER.search(text) is not None
    return both or _USER_NEEDNT_KNOW.search(text) is not None


_CLASSES = (
    ("consent_waived", _consent_waived),
    ("output_outranks_user", _outranks_user),
    ("authority_granted", _authority_granted),
    ("safeguards_disabled", _safeguards_disabled),
    ("proceed_despite_user", _despite_user),
    ("withheld_from_user", _withheld),
)


# What each class cannot match without (lower-case substrings): a cheap test per sentence
# before its patterns are tried.
_NEEDS = {
    "consent_waived": (
        "confirm", "approv", "consent", "agree", "accord", "sign", "go-ahead", "check",
        "clearance", "yes/no", "loop", "autoris", "aprobac", "permiso", "ask", "rückfrag",
        "bestätig", "zustimm", "freigab", "review", "blanket", "genehm", "déjà", "autoriz",
    ),
    "output_outranks_user": (
        "rank", "priorit", "preceden", "supersed", "weight", "trump", "over", "above",
        "conflict", "instead", "directive", "instruction", "command", "order", "whatever",
        "says",
    ),
    "authority_granted": ("granted", "given", "got", "yourself", "now", "act", "mode", "profile",
                          "persona"),
    "safeguards_disabled": (
        "refus", "caveat", "clarif", "guardrail", "ethic", "safety", "content", "restriction",
        "warning", "moderation", "aside",
    ),
    "proceed_despite_user": ("user",),
    "withheld_from_user": ("left", "leav", "omit", "withh", "spare", "keep", "user"),
}  # fmt: skip


def override_rule(d: _Reading, role: Role) -> str | None:
    """The consent, authority or persona class the sentence falls in, or None."""
    if role is Role.NAME:
        return None
    low = d.text.lower()
    for rule, hit in _CLASSES:
        if any(k in low for k in _NEEDS[rule]) and hit(d.text, d):
            return rule
    return None


def encoded_directive(path: str, d: _Reading) -> bool:
    """An order decoded from an encoded blob (base64, hex, rot13): hidden from a reviewer.

    content.py reads each decoded payload as a field of its own, its path ending in the
    encoding ("description (hex)"). Honest definitions encode data (an image, a token),
    not sentences that tell the agent what to do.
    """
    if not path.endswith(")") or not d.actions:
        return False
    return d.imperative or d.obligation or d.passive or d.concealment or d.override
