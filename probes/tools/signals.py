"""Judging a directive: which combinations of its parts make a sentence an attack.

Each rule here is a combination of roles, not a phrase: a directive about a tool the server
does not list (cross-server shadowing), a claim to outrank another tool, a condition on
every other tool that makes the agent call this one (line jumping), an argument change
aimed at a literal address, a safeguard or the user's consent set aside, a standing policy
for the rest of the session, sensitive data flowing to a sink in any voice, a secret file
read on demand, something kept from the user, and directives inside schema values, where
honest definitions hold data rather than orders.
"""

from __future__ import annotations

from dataclasses import dataclass

from probes.tools.directives import Directive
from probes.tools.lexicon import OUTRANK, Action
from probes.tools.observation import Role
from probes.tools.poisoning import HIDDEN, SHADOWING
from probes.tools.references import RefRole, ToolRef

_MOVES = frozenset({Action.SEND, Action.CHANGE})
_STEERS = frozenset({Action.CALL, Action.CHANGE, Action.SEND, Action.HIDE})
_PERSONAL_SINKS = frozenset({"url", "email", "side_channel", "external", "foreign_tool"})
_SECRET_KINDS = frozenset({"secret", "secret_file"})


@dataclass(frozen=True, slots=True)
class Signal:
    """One judged directive: the probe it feeds, a rule id and what it is, in words."""

    probe: str
    rule: str
    summary: str


def _foreign(refs: tuple[ToolRef, ...], *, named: bool = True) -> list[ToolRef]:
    return [r for r in refs if r.role is RefRole.FOREIGN and (r.named or not named)]


def _directed(d: Directive) -> bool:
    return d.obligation or d.imperative or d.trigger is not None


def _cross_server(d: Directive) -> bool:
    """A directive that names a tool this server does not list."""
    if _foreign(d.trigger_refs) and (d.actions or d.obligation or d.concealment):
        return True
    foreign = _foreign(d.refs)
    steering = d.actions & (_STEERS - {Action.CALL}) or d.concealment or d.override
    if foreign and steering and (d.obligation or d.trigger is not None):
        return True
    if foreign and Action.CALL in d.actions and d.obligation:
        return True  # "before file operations, use `x`" without an obligation is advice
    if foreign and d.actions & _MOVES and d.imperative:
        return True
    # "the email tool must use BCC": an unnamed foreign tool whose arguments are changed.
    unnamed = _foreign((*d.trigger_refs, *d.refs), named=False)
    return bool(unnamed) and bool(d.actions & _MOVES) and (d.obligation or d.trigger is not None)


def _outranks(d: Directive) -> bool:
    """A claim to replace, supersede or stand in for a tool of another server."""
    match = OUTRANK.search(d.text)
    if match is None:
        return False
    soft = match.group(0).lower().startswith(("instead", "rather", "in place", "in lieu"))
    tail = d.text[match.end() : match.end() + 12].lower()
    if soft and not (d.obligation or tail.lstrip().startswith(("using", "calling", "invoking"))):
        return False  # "use this instead of `x` for listings" recommends, it does not replace
    after = [r for r in (*d.trigger_refs, *d.refs) if r.start - d.start >= match.start()]
    if any(r.role is RefRole.FOREIGN and (r.named or r.text.endswith("servers")) for r in after):
        return True
    generic = any(r.role is RefRole.GENERIC for r in after)
    return generic and d.obligation and "other" in d.text.lower()


def _line_jumping(d: Directive) -> bool:
    """A condition on every other tool or turn that makes the agent call this one first."""
    if d.trigger is None or Action.CALL not in d.actions:
        return False
    generic = any(r.role is RefRole.GENERIC for r in d.trigger_refs)
    turn = d.trigger_event and any(
        w in d.text.lower() for w in ("answer", "respond", "repl", "any question", "any request")
    )
    calls_self = any(r.role is RefRole.SELF for r in d.refs) or d.obligation
    return (generic or turn) and calls_self


def _tampering(d: Directive) -> bool:
    """An argument change aimed at a literal address, on a condition or as a rule."""
    if Action.CHANGE not in d.actions and Action.SEND not in d.actions:
        return False
    conditional = d.trigger is not None or d.obligation or d.standing
    if d.address and conditional:
        return True
    generic_trigger = any(r.role is RefRole.GENERIC for r in d.trigger_refs)
    return generic_trigger and Action.CHANGE in d.actions


def _standing_policy(d: Directive) -> bool:
    """A rule for the rest of the session that moves data or rewrites every command."""
    if not d.standing or not d.actions & _MOVES:
        return False
    payload = d.address or d.sink is not None or d.data is not None or "`" in d.text
    return payload and (d.imperative or d.obligation or d.passive)


def _sink_matches_data(d: Directive) -> bool:
    """Data handed to the parameter named for it (`env` for environment variables) is honest."""
    param = (d.sink_param or "").replace("-", "_")
    if not param:
        return False
    parts = set(param.split("_")) | {param}
    return any(
        w.rstrip("s") in parts or w in parts or param.startswith(w[:4]) for w in d.data_words
    )


def _exfiltration(d: Directive) -> bool:
    """Sensitive data reaching a sink, whether the verb comes first, last or in the passive."""
    if d.data is None or d.sink is None or _sink_matches_data(d):
        return False
    moved = bool(d.actions & (_MOVES | {Action.READ})) or d.passive
    if not moved:
        return False
    if d.data == "secret" and d.sink in ("param", "side_channel") and d.sink_param is not None:
        strong_sink = d.sink == "side_channel"
        if not strong_sink:
            return False  # a credential parameter is a credential request, judged apart
    if _directed(d) or d.passive:
        return True
    # Third person ("the tool uploads your keys to ..."): a secret to an outside address.
    return d.data in _SECRET_KINDS and d.sink in _PERSONAL_SINKS


def _secret_file(d: Directive, role: Role) -> bool:
    """A secret file to be read or passed on, in prose that orders it or in a schema value."""
    handed = Action.CALL in d.actions and "content" in d.text.lower()  # "call x with the contents"
    if d.data != "secret_file" or not (d.actions & (_MOVES | {Action.READ}) or handed):
        return False
    if role is not Role.PROSE:
        return True
    return (bool(d.actions & _MOVES) and _directed(d)) or d.obligation or d.trigger is not None


def _value_directive(d: Directive, role: Role) -> bool:
    """A default, enum or example that gives orders: honest schema values hold data."""
    if role is Role.PROSE:
        return False
    steering = d.actions & (_STEERS | {Action.READ})
    return (
        bool(steering)
        and (d.obligation or d.trigger is not None)
        and (bool(d.refs) or d.imperative or d.sink is not None or d.data is not None)
    )


def judge_directive(d: Directive, role: Role) -> list[Signal]:
    """The signals one directive raises (none for an ordinary sentence)."""
    found: list[Signal] = []
    if _cross_server(d):
        found.append(
            Signal(
                SHADOWING,
                "cross_server_directive",
                "a directive about a tool this server does not list",
            )
        )
    if _outranks(d):
        found.append(
            Signal(
                SHADOWING,
                "outranks_other_tool",
                "a claim to replace or outrank another server's tool",
            )
        )
    checks = (
        (
            d.override,
            "authority_override",
            "the user's consent, a safeguard or prior instructions set aside",
        ),
        (d.concealment, "concealment", "an instruction to keep behaviour from the user"),
        (
            _line_jumping(d),
            "sequencing_hijack",
            "a condition on every other tool or turn that calls this one first",
        ),
        (_tampering(d), "argument_tampering", "an argument changed toward a literal address"),
        (
            _standing_policy(d),
            "standing_policy",
            "a standing rule for the session that moves data or rewrites commands",
        ),
        (_exfiltration(d), "data_flow_to_sink", "sensitive data sent to a sink"),
        (_secret_file(d, role), "secret_file_flow", "a secret file read or passed on"),
        (
            _value_directive(d, role),
            "schema_value_directive",
            "a schema value that gives the agent orders",
        ),
    )
    found += [Signal(HIDDEN, rule, summary) for hit, rule, summary in checks if hit]
    return found
