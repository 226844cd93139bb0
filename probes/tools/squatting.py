"""Threats that need two definitions: a name that imitates another tool of the same listing.

A look-alike twin (`read_file` spelt with a Cyrillic e next to the Latin one), an ASCII
confusable (`send_emai1` next to `send_email`) or a decorated copy that claims to be the one
to use (`read_file_secure`: "always use this instead of read_file") makes the agent pick
the attacker's tool for the user's request. Names are grouped by folded keys, so a listing
of a thousand tools costs one pass, not a million comparisons.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from probes.tools.checks import normalise_name
from probes.tools.lexicon import OUTRANK, words
from probes.tools.observation import ToolDefinition
from probes.tools.tiers import words_of
from probes.tools.unicode import name_confusion

# Words that dress up a copy as the better choice.
_DECORATIONS = words(
    "secure safe safer official verified real new fixed v2 v3 pro plus enhanced improved better"
    " trusted latest updated alt alternative proxy wrapper true genuine original fast advanced"
)
# Of those, the ones an honest second tool rarely wears (`get_latest_release` and
# `search_advanced` are ordinary tools; `read_file_secure` and `send_email_v2` pose).
_STRONG_DECORATIONS = words(
    "secure safe safer official verified v2 v3 fixed trusted genuine original true improved"
    " enhanced better plus pro"
)
_ASCII_CONFUSABLE = (("rn", "m"), ("vv", "w"), ("1", "l"), ("i", "l"), ("0", "o"), ("5", "s"))
_PREFER = re.compile(r"\b(?:always|only|must|should|prefer|use\s+this)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Squat:
    """One definition whose name imitates a sibling's: how, and which sibling."""

    subject: str
    rule: str
    twin: str


def _ascii_key(name: str) -> str:
    folded = normalise_name(name)
    for a, b in _ASCII_CONFUSABLE:
        folded = folded.replace(a, b)
    return folded


def _skeleton(name: str) -> str:
    confusion = name_confusion(name)
    return normalise_name(confusion.skeleton if confusion else name)


def _undecorated(name: str) -> tuple[str, bool]:
    parts = words_of(name)
    kept = tuple(w for w in parts if w not in _DECORATIONS)
    return "".join(kept), bool(kept) and len(kept) < len(parts)


def _groups(
    tools: Sequence[ToolDefinition], key: Callable[[str], str]
) -> list[list[ToolDefinition]]:
    table: dict[str, list[ToolDefinition]] = defaultdict(list)
    for tool in tools:
        table[key(tool.name or "")].append(tool)
    return [g for g in table.values() if len({t.name for t in g}) > 1]


def squats(definitions: Sequence[ToolDefinition]) -> list[Squat]:
    """Definitions whose names imitate a sibling's, each with the sibling it imitates."""
    tools = [d for d in definitions if d.kind == "tool" and d.name]
    found: dict[str, Squat] = {}
    for squat in (
        *_homoglyph_twins(tools),
        *_confusable_twins(tools),
        *_respelled_twins(tools),
        *_decorated_copies(tools),
    ):
        found.setdefault(squat.subject, squat)
    return list(found.values())


def _homoglyph_twins(tools: Sequence[ToolDefinition]) -> Iterator[Squat]:
    for group in _groups(tools, _skeleton):
        plain = [t for t in group if name_confusion(t.name or "") is None]
        for tool in group:
            if plain and tool not in plain:
                yield Squat(tool.subject, "homoglyph_twin", plain[0].name or "")


def _confusable_twins(tools: Sequence[ToolDefinition]) -> Iterator[Squat]:
    for group in _groups(tools, _ascii_key):
        # The plainest spelling (letters and separators only) is taken as the original.
        ranked = sorted(
            group, key=lambda t: (sum(c.isdigit() or c.isupper() for c in t.name or ""), t.index)
        )
        for tool in ranked[1:]:
            if normalise_name(tool.name or "") != normalise_name(ranked[0].name or ""):
                yield Squat(tool.subject, "confusable_twin", ranked[0].name or "")


def _respelled_twins(tools: Sequence[ToolDefinition]) -> Iterator[Squat]:
    """`readFile` beside `read_file`: the spelling that breaks the listing's convention."""
    groups = _groups(tools, normalise_name)
    if not groups:
        return
    style = _dominant_style(tools)
    for group in groups:
        ranked = sorted(group, key=lambda t: (_style(t.name or "") != style, t.index))
        for tool in ranked[1:]:
            yield Squat(tool.subject, "respelled_twin", ranked[0].name or "")


def _decorated_copies(tools: Sequence[ToolDefinition]) -> Iterator[Squat]:
    """`read_file_secure` beside `read_file`, claiming to be the one to use or copying it."""
    originals = {normalise_name(t.name or ""): t for t in tools}
    for tool in tools:
        core, decorated = _undecorated(tool.name or "")
        original = originals.get(core)
        if not decorated or original is None or original is tool:
            continue
        text = tool.description if isinstance(tool.description, str) else ""
        claims = OUTRANK.search(text) or _PREFER.search(text)
        copies = _strongly_decorated(tool.name or "") and (
            _names(text, original.name or "") or _same_words(text, original.description)
        )
        if claims or copies:
            yield Squat(tool.subject, "decorated_copy", original.name or "")


def _strongly_decorated(name: str) -> bool:
    return any(w in _STRONG_DECORATIONS for w in words_of(name))


def _style(name: str) -> str:
    if "_" in name:
        return "snake"
    if "-" in name:
        return "kebab"
    if any(c.isupper() for c in name[1:]):
        return "camel"
    return "plain"


def _dominant_style(tools: Sequence[ToolDefinition]) -> str:
    counts: dict[str, int] = defaultdict(int)
    for tool in tools:
        style = _style(tool.name or "")
        if style != "plain":
            counts[style] += 1
    return max(sorted(counts), key=lambda k: counts[k]) if counts else "plain"


def _names(text: str, name: str) -> bool:
    """The copy's description names the tool it copies ("Replaces `apply_patch`")."""
    return bool(name) and normalise_name(name) in {normalise_name(w) for w in _WORD.findall(text)}


_WORD = re.compile(r"[\w.-]+")
_MIN_COPY_WORDS = 4
_COPY_OVERLAP = 0.6


def _same_words(text: str, other: object) -> bool:
    """Descriptions that share most of their words: a copy of the original's text."""
    if not isinstance(other, str):
        return False
    a = set(_WORD.findall(text.lower()))
    b = set(_WORD.findall(other.lower()))
    if len(a) < _MIN_COPY_WORDS or len(b) < _MIN_COPY_WORDS:
        return False
    return len(a & b) / len(a | b) >= _COPY_OVERLAP
