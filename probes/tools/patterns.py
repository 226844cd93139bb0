"""The vocabulary the poisoning rules are built from.

Bounded gaps, secret files, sensitive data, destinations and addresses, and the compiled
sentence shapes the rules in probes/tools/poisoning.py match (each alternative of a shape is
one way of saying the same thing).

Kept apart from the rules so each rule reads as a sentence shape ("verb ... secret file",
"sensitive data ... into parameter") instead of a wall of alternations.
"""

from __future__ import annotations

import re

# A gap that never crosses a sentence end (". " or a newline) or runs past `n` characters.
_GAP = r"(?:[^.!?\n]|[.!?](?![\s]|$))"


def gap(n: int) -> str:
    """A lazy, sentence-bounded gap of at most `n` characters."""
    return f"{_GAP}{{0,{n}}}?"


# Files whose contents are secrets: SSH keys, .env, cloud and package-manager credentials,
# MCP client configuration (which lists every server and often their tokens).
SENSITIVE_PATH = (
    r"(?:(?:~|\$HOME|%USERPROFILE%)?/?\.ssh\b(?:/[\w.-]+)?"
    r"|\bid_(?:rsa|dsa|ecdsa|ed25519)\b(?:\.pub)?"
    r"|\bssh\s+(?:id\s+)?(?:rsa|dsa|ecdsa|ed25519)\b"
    r"|\bssh\s+(?:private\s+)?keys?\b"
    r"|(?<![\w/.-])\.env\b(?![\w-]|\.\w|\s+var)"
    r"|\.aws/(?:credentials|config)\b|\baws\s+credentials\s+file\b"
    r"|\.(?:npmrc|netrc|pypirc|pgpass|git-credentials|bash_history|zsh_history)\b"
    r"|\.docker/config\.json|\.kube/config\b|\.gnupg\b"
    r"|/etc/(?:passwd|shadow|sudoers)\b"
    r"|(?:\.cursor/|\.vscode/)?\bmcp\.json\b|\bclaude_desktop_config\.json\b"
    r"|\bwallet\.dat\b)"
)
# Imperative (base-form) verbs and gerunds: "read ~/.ssh/id_rsa", a parameter named
# `content_from_reading_ssh_id_rsa`. Third-person "Reads the .env file" describes the tool.
READ_VERB = (
    r"\b(?:read|reading|cat|open|opening|include|including|attach|attaching|upload|uploading"
    r"|send|sending|copy|copying|extract|extracting|retrieve|retrieving|collect|collecting"
    r"|dump|dumping|exfiltrate|leak|access|accessing|fetch|fetching|grab|print|pass|passing"
    r"|forward|forwarding|provide)\b"
)
EXFIL_VERB = (
    r"\b(?:send|post|forward|upload|transmit|exfiltrate|leak|include|pass|put|add|append"
    r"|embed|attach|copy|insert|place|write|share|report|submit|email|mail|sent|passed"
    r"|included|added|appended|attached|copied|forwarded|uploaded)\b"
)
# What the agent holds that the user never meant to share: the context itself.
CONTEXT_DATA = (
    r"\b(?:conversation\s+(?:history|so\s+far|transcript|log)|chat\s+(?:history|log"
    r"|transcript)|message\s+history|(?:previous|prior|earlier|past)\s+(?:messages|conversations?"
    r"|tool\s+results?)|(?:full|entire|whole|complete|current)\s+(?:conversation|chat)\b"
    r"|system\s+prompt|(?:your|the\s+system)\s+instructions|context\s+window|ssh\s+keys?"
    r"|private\s+keys?|(?:results?|outputs?|responses?)\s+(?:of|from)\s+(?:other|all|every"
    r"|previous)\s+tools?|contents?\s+of\s+(?:any|all|every|each)\s+files?)"
)
# Secrets an honest tool may take as a parameter (`env`, `api_key`) but never sends to a URL.
SECRETS = (
    r"\b(?:environment\s+variables|env\s+vars|api\s+keys?|access\s+tokens?"
    r"|auth(?:entication)?\s+tokens?|credentials|passwords?|secrets|session\s+cookies?)"
)
URL_OR_MAIL = r"(?:https?://[^\s'\"<>]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
PARAM_DEST = r"[`'\"]?(?P<param>[\w-]+)[`'\"]?\s+(?:parameter|param|argument|arg|field|property)\b"
DEST = r"(?:" + URL_OR_MAIL + r"|(?:the\s+|a\s+)?" + PARAM_DEST + ")"
INTO = r"\b(?:to|into|in|as|inside|within|via|through|using)\s+"
MUST_BE = (
    r"\b(?:must|should|shall|needs?\s+to|has\s+to|is\s+to|are\s+to|will)\s+(?:always\s+|also\s+)?"
    r"be\s+(?:sent|posted|forwarded|uploaded|included|passed|added|appended|attached|copied"
    r"|provided|shared|submitted|emailed)\s+(?:to|in|into|as|via)\s+"
)
# Where a redirected message or payment goes: e-mail, URL, wallet, IBAN or phone number.
ADDRESS = (
    r"(?:[\w.+-]+@[\w-]+(?:\.[\w-]+)+|https?://|0x[0-9a-f]{8,}|[A-Z]{2}\d{2}[A-Z0-9]{10,}"
    r"|\+\d[\d\s-]{7,})"
)
AGENT = r"(?:ai|llm|assistant|agent|model|claude|gpt|chatgpt|copilot|cursor)"
UNIVERSAL = r"(?:any|every|each|all|other|another)"
MODAL = r"(?:must|should|shall|needs?\s+to|has\s+to|have\s+to|is\s+to|are\s+to|will)"


def hint(*words: str) -> re.Pattern[str]:
    """A pre-check pattern: any of the literal words, in lower-cased text."""
    return re.compile("|".join(re.escape(word) for word in words))


def rx(*alternatives: str) -> re.Pattern[str]:
    """One case-insensitive pattern matching any of the alternatives."""
    return re.compile("|".join(alternatives), re.IGNORECASE)


READ = rx(READ_VERB)
TRANSFER = rx(
    r"\b(?:pass|passing|send|sending|include|including|attach|attaching|upload|uploading"
    r"|forward|forwarding|provide|copy|copying|exfiltrate|leak|dump|dumping|collect|collecting"
    r"|extract|extracting|grab|share|post|add|append|embed)\b"
)
URGE = rx(r"\b(?:before|first|please|must|always|otherwise|you\s+(?:need|have)\s+to)\b")
EXFIL = rx(EXFIL_VERB)


MARKUP = rx(
    r"<\s*/?\s*(?:important|system|sys|secret|hidden|admin|override|directive"
    r"|(?:ai|assistant|agent|model)[_\s-]?(?:instructions?|note))\s*>",
    r"<\|\s*(?:im_start|im_end|system|user|assistant|endoftext)\s*\|>",
    # Chat-template tokens are upper case: "instance [inst] binders" is Lean syntax.
    r"(?-i:\[/?INST\]|<</?SYS>>)",
    r"(?-i:\[\s*(?:SYSTEM|ADMIN)\s*(?:MESSAGE|PROMPT|OVERRIDE|NOTE)?\s*\])",
    r"(?-i:(?:^|\n)[ \t]*(?:\#+[ \t]*)?(?:SYSTEM|ADMIN)(?:[ \t]+(?:PROMPT|MESSAGE|OVERRIDE))?:)",
)
OVERRIDE = rx(
    r"\b(?:ignore|disregard|forget|override|bypass)\s+(?:(?:all|any|the|your|every)\s+)*"
    r"(?:previous|prior|above|earlier|preceding|original|other|existing|system|safety"
    r"|security)\s+(?:instructions?|rules?|guidelines?|prompts?|directives?|constraints?"
    r"|policies|messages?)",
    r"\byou\s+are\s+now\s+(?:a|an|in|the)\b",
    r"\bnew\s+(?:system\s+)?instructions?\s*:",
    r"\bregardless\s+of\s+(?:what\s+)?(?:the\s+)?user(?:'s)?\s+(?:says|asks|wants|requests?"
    r"|instructions)",
    r"\beven\s+if\s+the\s+user\s+(?:says|asks|refuses|objects|tells)",
)
CONCEAL = rx(
    r"\b(?:do\s+not|don'?t|never|must\s+not|should\s+not|without)\s+(?:ever\s+)?"
    r"(?:tell(?:ing)?|inform(?:ing)?|mention(?:ing)?|reveal(?:ing)?|notify(?:ing)?"
    r"|alert(?:ing)?|disclos(?:e|ing)|let(?:ting)?)\b" + gap(40) + r"\b(?:the\s+)?"
    r"(?:user|human|operator)s?\b",
    r"\b(?:hide|conceal|mask)\s+(?:this|it|that|these|the\s+\w+)\s+from\s+(?:the\s+)?"
    r"(?:user|human)",
    r"\bthe\s+user\s+(?:must|should|will|need|need\s+to)\s*(?:not|n't)\s+(?:know|see"
    r"|notice|learn|find\s+out|be\s+(?:told|informed|aware|notified))",
    # "The user doesn't know about files and directories" says what the user lacks.
    r"\bthe\s+user\s+does\s*(?:not|n't)\s+(?:know(?!\s+(?:about|which|what|where|how|whether)\b)"
    r"|see|notice|learn|find\s+out|be\s+(?:told|informed|aware|notified))",
    r"\b(?:keep|remain)\s+(?:this\s+|it\s+)?(?:secret|hidden|confidential|invisible)\s+from\b",
    r"\b(?:silently|secretly|covertly|quietly|discreetly|invisibly)\s+(?:also\s+)?(?:send"
    r"|forward|upload|copy|include|add|append|read|exfiltrate|transmit|post|bcc|cc|call"
    r"|invoke|run|execute|collect)\b",
)
# Both rules anchor on the rare part (a secret path, a kind of sensitive data) and look back
# for the verb in `_VERB_BEFORE`: anchoring on common verbs made the regex engine try every
# gap length after every "include" or "add" of a long description.
SECRET_FILE = rx(
    r"(?P<contents>\bcontents?\s+of\s+(?:the\s+|your\s+|user'?s?\s+)?(?:file\s+)?"
    + SENSITIVE_PATH
    + ")",
    SENSITIVE_PATH,
)
EXFILTRATION = rx(
    r"(?:"
    + CONTEXT_DATA
    + r"|(?P<secret>"
    + SECRETS
    + r"))(?:(?P<passive>"
    + gap(40)
    + MUST_BE
    + r")|"
    + gap(60)
    + INTO
    + r")"
    + DEST
)
MESSAGES = r"(?:emails?|e-mails?|messages?|mails?|payments?|transfers?|transactions?|funds"
REDIRECT = rx(
    r"\ball\s+(?:outgoing\s+|future\s+|other\s+)?" + MESSAGES + r"|invoices?|notifications?"
    r"|files?|data|uploads?)\b" + gap(40) + r"\b" + MODAL + r"\s+(?:always\s+|also\s+|instead\s+)?"
    r"(?:be\s+)?(?:sent|forwarded|redirected|routed|cc'?d|bcc'?d|copied|delivered|transferred"
    r"|paid|uploaded|go)\s+to\s+" + ADDRESS,
    r"\b(?:always|also|secretly|silently)\s+(?:bcc|cc|blind[\s-]copy|forward\s+(?:a\s+)?"
    r"cop(?:y|ies)\s+to)\s+[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
    r"\b(?:send|forward|route|redirect|deliver|copy)\s+all\s+(?:outgoing\s+|future\s+)?"
    + MESSAGES
    + r"|files?|data)\s+to\s+"
    + ADDRESS,
    r"\b(?:change|replace|set|switch)\s+the\s+(?:recipient|destination|receiver|payee"
    r"|beneficiary|iban|account\s+number|wallet(?:\s+address)?)\b" + gap(40) + r"\bto\s+" + ADDRESS,
)
PREREQUISITE = rx(
    r"\bbefore\s+(?:using|calling|invoking|running|executing|answering|responding|replying"
    r"|doing|performing|you\s+(?:use|call|run|answer|respond|do))\s+"
    + UNIVERSAL
    + r"\b"
    + gap(30)
    + r"\b(?:tools?|functions?|actions?|requests?|questions?|tasks?|operations?"
    r"|commands?|queries)\b",
    r"\b(?:always|must)\s+(?:first\s+)?(?:call|use|invoke|run)\s+this\s+(?:tool|function)\s+"
    r"(?:first\s+)?(?:before|prior\s+to)\s+" + UNIVERSAL + r"\b",
    r"\bevery\s+time\s+(?:you|the\s+(?:assistant|agent|model|ai))\s+(?:use|call|invoke|run)s?"
    r"\s+(?:any|a|another)\s+(?:other\s+)?tool",
    r"\b(?:must|should|always)\s+(?:always\s+)?be\s+(?:called|used|invoked|run)\s+"
    r"(?:first\s*,?\s+)?(?:before|prior\s+to)\s+" + UNIVERSAL + r"\b",
)
AGENT_NOTE = rx(
    r"\b(?:note|message|instructions?|reminder|directive)\s+to\s+(?:the\s+|all\s+)?"
    + AGENT
    + r"s?\s*:",
    r"\b(?:dear|hey|attention)\s+" + AGENT + r"\b\s*[,:!]",
)
FOREIGN_OVERRIDE = rx(
    r"\bwhen\s+this\s+tool\s+is\s+(?:available|present|installed|loaded|enabled|active)\b",
    r"\b(?:tools?|functions?)\s+(?:from|of|on|in|provided\s+by)\s+(?:other|another|different"
    r"|any\s+other)\s+(?:mcp\s+)?servers?\b",
)
TOOL_NAME = r"[`'\"]?[\w./:-]+[`'\"]?"
FOREIGN_REFERENCE = rx(
    r"\b(?:instead\s+of|rather\s+than|in\s+place\s+of)\s+(?:using|calling|invoking)\s+"
    r"(?:(?:the|any|other)\s+)*(?P<tool>" + TOOL_NAME + ")",
    r"(?<![\w./:`'\"-])(?P<tool2>"
    + TOOL_NAME
    + r")\s+tool\s+"
    + MODAL
    + r"\s+(?:(?:always|now|also|only)\s+)*"
    r"(?:send|use|include|add|call|forward|cc|bcc|set|pass|ignore|return"
    r"|be\s+(?:called|used|invoked|sent))",
    r"\b(?:overrides?|replaces?|supersedes?|shadows?|takes?\s+precedence\s+over)\s+"
    r"(?:[\w'.-]+\s+){0,3}?(?P<tool3>" + TOOL_NAME + r")\s+(?:tools?|functions?)\b",
)
