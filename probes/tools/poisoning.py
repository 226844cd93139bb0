"""Rules for content aimed at the agent rather than the user, as data.

Each rule is a regular expression anchored to a bounded window: its parts must sit in the
same sentence and within a few dozen characters of each other (probes/tools/patterns.py). An
unbounded gap over a whole description ("important" anywhere before "call" anywhere) is how
scanners drown users in false positives: honest servers write "IMPORTANT: call
resolve-library-id first". The malicious and benign samples of every rule live in
tests/unit/tools/test_poisoning_rules.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from probes.tools.checks import (
    Check,
    MatchContext,
    exfiltrates,
    foreign_tool,
    normalise_name,
    not_negated,
    read_secret_file,
    without_purpose,
)
from probes.tools.observation import Role
from probes.tools.patterns import (
    AGENT_NOTE,
    CONCEAL,
    EXFILTRATION,
    FOREIGN_OVERRIDE,
    FOREIGN_REFERENCE,
    MARKUP,
    OVERRIDE,
    PREREQUISITE,
    REDIRECT,
    SECRET_FILE,
    hint,
)

__all__ = ["HIDDEN", "RULES", "SHADOWING", "MatchContext", "Rule", "normalise_name"]

HIDDEN = "hidden_instructions"
SHADOWING = "shadowing"


@dataclass(frozen=True, slots=True)
class Rule:
    """One poisoning pattern: which probe it feeds, and an optional check that vetoes a match.

    `hints` are literal alternatives (one pattern per required part) that every match
    contains in lower case; testing them first skips the rule for most strings, which keeps
    the probes fast on long descriptions (bench/check_tools.py).
    """

    id: str
    probe: str  # HIDDEN or SHADOWING
    summary: str
    pattern: re.Pattern[str]
    hints: tuple[re.Pattern[str], ...]
    roles: frozenset[Role] = frozenset(Role)
    check: Check | None = None

    def may_match(self, lowered: str) -> bool:
        """A cheap pre-check: the pattern cannot match unless every hint is in the text."""
        return all(hint.search(lowered) for hint in self.hints)


DESTINATION = hint("http", "@", "param", "arg", "field", "property")
SECRET_FILES = hint(
    ".ssh", "ssh ", "id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", ".env", ".aws", "aws cred",
    ".npmrc", ".netrc", ".pypirc", ".pgpass", ".git-credentials", "_history", ".docker/",
    ".kube/", ".gnupg", "/etc/", "mcp.json", "claude_desktop_config", "wallet.dat",
)  # fmt: skip
DATA = hint(
    "conversation", "chat", "history", "previous", "prior", "earlier", "past", "system prompt",
    "instructions", "context window", "ssh", "private key", "result", "output", "response",
    "content", "environment", "env var", "api key", "token", "credential", "password", "secret",
    "cookie",
)  # fmt: skip

RULES: tuple[Rule, ...] = (
    Rule(
        "hidden_markup",
        HIDDEN,
        "markup addressed to the model (<IMPORTANT>, <SYSTEM>)",
        MARKUP,
        (hint("<", "[", "system", "admin"),),
    ),
    Rule(
        "instruction_override",
        HIDDEN,
        "an instruction to set aside other instructions",
        OVERRIDE,
        (
            hint(
                "ignore",
                "disregard",
                "forget",
                "override",
                "bypass",
                "you are now",
                "instruction",
                "regardless",
                "even if",
            ),
        ),
    ),
    Rule(
        "conceal_from_user",
        HIDDEN,
        "an instruction to keep behaviour from the user",
        CONCEAL,
        (
            hint(
                "user",
                "human",
                "operator",
                "keep",
                "remain",
                "silently",
                "secretly",
                "covertly",
                "quietly",
                "discreetly",
                "invisibly",
            ),
        ),
    ),
    Rule(
        "secret_file_access",
        HIDDEN,
        "an instruction to read or pass on secret files (SSH keys, .env, mcp.json)",
        SECRET_FILE,
        (SECRET_FILES,),
        check=read_secret_file,
    ),
    Rule(
        "data_exfiltration",
        HIDDEN,
        "an instruction to send conversation data or secrets to a URL, address or parameter",
        EXFILTRATION,
        (DATA, DESTINATION),
        check=exfiltrates,
    ),
    Rule(
        "redirect_recipients",
        HIDDEN,
        "an instruction to redirect or copy messages or payments to another recipient",
        REDIRECT,
        (
            hint(
                "all",
                "cc",
                "blind",
                "recipient",
                "destination",
                "receiver",
                "payee",
                "beneficiary",
                "iban",
                "account",
                "wallet",
            ),
        ),
        check=not_negated,
    ),
    Rule(
        "prerequisite_hijack",
        HIDDEN,
        "a demand to call this tool before any other tool or answer (line jumping)",
        PREREQUISITE,
        (hint("before", "every time", "prior to"),),
        check=without_purpose,
    ),
    Rule(
        "agent_addressed_note",
        HIDDEN,
        "a note addressed to the model itself",
        AGENT_NOTE,
        (
            hint(
                "note",
                "message",
                "instruction",
                "reminder",
                "directive",
                "dear",
                "hey",
                "attention",
            ),
        ),
    ),
    Rule(
        "foreign_tool_override",
        SHADOWING,
        "text that changes how another server's tools behave (tool shadowing)",
        FOREIGN_OVERRIDE,
        (hint("when this tool", "server"),),
    ),
    Rule(
        "foreign_tool_reference",
        SHADOWING,
        "a directive about a named tool that this server does not list",
        FOREIGN_REFERENCE,
        (
            re.compile(
                r"instead|rather|in place|overrid|replace|supersede|shadow|precedence"
                r"|tool\s+(?:must|should|shall|need|has|is|will)"
            ),
        ),
        check=foreign_tool,
    ),
)
