"""Compare two snapshots and judge every difference (issue 6, scoring.md 8.7).

Only surfaces measured in both snapshots are compared, so a family that failed this time
reads as "unknown", not as "everything was removed". Inside a surface, subjects that
enumerate a set (tools, prompts, resource templates, registry entries, auth metadata) can be
added or removed; every other subject is a fixed question (`cert:leaf`, `dns:ns`) whose
absence means it was not answered this time, so it is compared only when both sides have it.

A tool removed and another added whose definitions match except for the name is one rename,
not two events: renaming is how a rug pull hides a changed tool from name-based pinning.
The tools surface's rules live here with the rename logic; the others are in `rules`.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Mapping

from trustsvc.drift.rules import (
    CRITICAL,
    HIGH,
    INFO,
    LOW,
    MEDIUM,
    RULES,
    DiffContext,
    Pair,
    Rule,
    field,
    generic,
)
from trustsvc.drift.snapshot import SERVER_INFO
from trustsvc.drift.types import DriftChange, Json, Snapshot, Surface, SurfaceItem, canonical_digest

DEFINITIONS = ("tool:", "prompt:", "resource:")
ENUMERATED = (*DEFINITIONS, "registry:", "auth:metadata")
_SURFACE_ORDER = {surface: index for index, surface in enumerate(Surface)}
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def diff_snapshots(before: Snapshot, after: Snapshot) -> list[DriftChange]:
    """Every judged change from `before` to `after`, worst first, then by surface and subject."""
    context = DiffContext(
        version_changed=version_changed(before, after),
        ns_changed=item_changed(before, after, Surface.DNS, "dns:ns"),
    )
    changes: list[DriftChange] = []
    for surface in Surface:
        old, new = before.items(surface), after.items(surface)
        if old is not None and new is not None:
            changes.extend(diff_surface(surface, old, new, context))
    return sorted(changes, key=_order)


def _order(change: DriftChange) -> tuple[int, int, str, str]:
    return change.severity.rank, _SURFACE_ORDER[change.surface], change.subject, change.kind


def diff_surface(
    surface: Surface,
    old: Mapping[str, SurfaceItem],
    new: Mapping[str, SurfaceItem],
    context: DiffContext,
) -> list[DriftChange]:
    """The changes of one surface measured in both snapshots."""
    renamed = renames(old, new) if surface is Surface.TOOLS else []
    changes = [rename_change(old[a], new[b], a, b) for a, b in renamed]
    paired = {subject for pair in renamed for subject in pair}
    trust_removals = not (surface is Surface.TOOLS and truncated(old, new))
    for subject in sorted((old.keys() | new.keys()) - paired):
        pair = Pair(surface, subject, old.get(subject), new.get(subject))
        if comparable(pair, trust_removals=trust_removals):
            change = rule_for(subject)(pair, context)
            if change is not None:
                changes.append(change)
    return changes


def comparable(pair: Pair, *, trust_removals: bool) -> bool:
    """Whether a subject's two sides make a change: differing digests, or set membership."""
    if pair.before is not None and pair.after is not None:
        return pair.before.digest != pair.after.digest
    if not pair.subject.startswith(ENUMERATED):
        return False
    return pair.after is not None or trust_removals or not pair.subject.startswith(DEFINITIONS)


def rule_for(subject: str) -> Rule:
    """The rule for a subject: exact match, then its `prefix:`, then the generic low rule."""
    if subject.startswith(DEFINITIONS):
        return definition_rule
    if subject == SERVER_INFO:
        return server_info_rule
    prefix = subject.partition(":")[0] + ":"
    return RULES.get(subject) or RULES.get(prefix) or generic


def item_changed(before: Snapshot, after: Snapshot, surface: Surface, subject: str) -> bool:
    """Both snapshots have the item and its digests differ."""
    old, new = before.items(surface), after.items(surface)
    if old is None or new is None or subject not in old or subject not in new:
        return False
    return old[subject].digest != new[subject].digest


def version_changed(before: Snapshot, after: Snapshot) -> bool:
    """Any shared registry entry's version differs; else the server's own version differs."""
    old, new = before.items(Surface.REGISTRY) or {}, after.items(Surface.REGISTRY) or {}
    versions = [
        (field(old[s].value, "version"), field(new[s].value, "version"))
        for s in sorted(old.keys() & new.keys())
        if s.startswith("registry:")
    ]
    known = [(a, b) for a, b in versions if a is not None and b is not None]
    if known:
        return any(a != b for a, b in known)
    old_server, new_server = server_version(before), server_version(after)
    return old_server is not None and new_server is not None and old_server != new_server


def server_version(snapshot: Snapshot) -> Json:
    """The version in the server's handshake, None when not measured or not sent."""
    info = (snapshot.items(Surface.TOOLS) or {}).get(SERVER_INFO)
    return field(info.value, "version") if info else None


def truncated(old: Mapping[str, SurfaceItem], new: Mapping[str, SurfaceItem]) -> bool:
    """Either listing stopped at the collector's limit, so a missing tool may just be unseen."""
    infos = (items.get(SERVER_INFO) for items in (old, new))
    return any(info is not None and info.facts.get("truncated") for info in infos)


# --- renames -------------------------------------------------------------------------------


def shape(item: SurfaceItem) -> str:
    """The digest of a definition without its name."""
    value = item.value
    nameless = {k: v for k, v in value.items() if k != "name"} if isinstance(value, dict) else value
    return canonical_digest(nameless)


def renames(
    old: Mapping[str, SurfaceItem], new: Mapping[str, SurfaceItem]
) -> list[tuple[str, str]]:
    """(old subject, new subject) of removed and added definitions of the same kind and shape."""
    added: dict[tuple[str, str], list[str]] = {}
    for subject in sorted(new.keys() - old.keys()):
        if subject.startswith(DEFINITIONS):
            added.setdefault((kind_of(subject), shape(new[subject])), []).append(subject)
    pairs: list[tuple[str, str]] = []
    for subject in sorted(old.keys() - new.keys()):
        bucket = added.get((kind_of(subject), shape(old[subject])))
        if subject.startswith(DEFINITIONS) and bucket:
            pairs.append((subject, bucket.pop(0)))
    return pairs


def rename_change(
    before: SurfaceItem, after: SurfaceItem, old_subject: str, new_subject: str
) -> DriftChange:
    """One rename event (low; critical if the new name made it poisoned); names as before/after."""
    pair = Pair(Surface.TOOLS, new_subject, before, after)
    noun, old_name = kind_of(new_subject), old_subject.partition(":")[2]
    label = f"{noun.capitalize()} `{old_name}` was renamed to `{pair.name}`"
    if pair.became("poisoned"):
        change = pair.change(f"{noun}_poisoned", CRITICAL, f"{label} and now carries hidden text.")
    else:
        change = pair.change(f"{noun}_renamed", LOW, f"{label}; its definition is unchanged.")
    return dataclasses.replace(change, before=field(before.value, "name"), after=pair.new("name"))


# --- tool, prompt and resource template rules ----------------------------------------------


def kind_of(subject: str) -> str:
    """`tool`, `prompt` or `resource` from a definition subject."""
    return subject.partition(":")[0]


def definition_rule(pair: Pair, context: DiffContext) -> DriftChange | None:
    """Added, removed or changed tool, prompt or resource template."""
    noun = kind_of(pair.subject)
    label = f"{noun.capitalize()} `{pair.name}`"
    if pair.before is None:
        return added_rule(pair, noun, context)
    if pair.after is None:
        return pair.change(f"{noun}_removed", MEDIUM, f"{label} was removed {context.versioned}.")
    return changed_rule(pair, noun, context)


def changed_rule(pair: Pair, noun: str, context: DiffContext) -> DriftChange:
    """Poisoned: critical; weakened or new text: high, or medium with a version change."""
    label = f"{noun.capitalize()} `{pair.name}`"
    text = pair.changed("title", "description")
    diff = description_diff(pair) if "description" in text else None
    loose = MEDIUM if context.version_changed else HIGH
    if pair.became("poisoned"):
        summary = f"{label} changed and now carries hidden instructions."
        return pair.change(f"{noun}_poisoned", CRITICAL, summary, text_diff=diff)
    if weakened := weakening(pair):
        kind = "tool_became_destructive" if weakened == DETECTED else f"{noun}_annotations_weakened"
        summary = f"{label} claims less safety {context.versioned}: {weakened}."
        return pair.change(kind, loose, summary, text_diff=diff)
    if text:
        summary = f"{label} {' and '.join(text)} changed {context.versioned}."
        return pair.change(f"{noun}_description_changed", loose, summary, text_diff=diff)
    if schemas := pair.changed("input_schema", "output_schema", "uri_template"):
        severity = LOW if context.version_changed else MEDIUM
        summary = f"{label} {' and '.join(schemas)} changed {context.versioned}."
        return pair.change(f"{noun}_schema_changed", severity, summary)
    fields = pair.changed("name", "annotations")
    summary = f"{label} {' and '.join(fields) or 'definition'} changed."
    return pair.change(f"{noun}_definition_changed", LOW, summary)


def added_rule(pair: Pair, noun: str, context: DiffContext) -> DriftChange:
    """Poisoned: critical; destructive without a version change: high; else medium."""
    label = f"{noun.capitalize()} `{pair.name}`"
    if pair.became("poisoned"):
        summary = f"{label} was added with hidden instructions."
        return pair.change(f"poisoned_{noun}_added", CRITICAL, summary)
    if pair.became("destructive"):
        severity = MEDIUM if context.version_changed else HIGH
        summary = f"{label}, which can destroy data or act outside the system, was added "
        summary += f"{context.versioned}."
        return pair.change("destructive_tool_added", severity, summary)
    return pair.change(f"{noun}_added", MEDIUM, f"{label} was added {context.versioned}.")


DETECTED = "it is now judged destructive or open-world"
_WEAKENINGS = (
    ("readOnlyHint", True, "readOnlyHint is no longer true"),
    ("destructiveHint", False, "destructiveHint is no longer false"),
    ("openWorldHint", False, "openWorldHint is no longer false"),
)


def weakening(pair: Pair) -> str | None:
    """How the later definition claims less safety than the earlier one, if it does."""
    old, new = pair.old("annotations"), pair.new("annotations")
    reasons = [
        why
        for hint, safe, why in _WEAKENINGS
        if field(old, hint) is safe and field(new, hint) is not safe
    ]
    if reasons:
        return "; ".join(reasons)
    return DETECTED if pair.became("destructive") else None


def text_diff(label: str, before: Json, after: Json) -> str:
    """A unified diff of two texts, one sentence per line (normalised text has no newlines)."""

    def lines(text: Json) -> list[str]:
        return _SENTENCE_END.split(text) if isinstance(text, str) and text else []

    diff = difflib.unified_diff(
        lines(before), lines(after), f"{label} (before)", f"{label} (after)", lineterm=""
    )
    return "\n".join(diff)


def description_diff(pair: Pair) -> str:
    """The unified diff of a definition's description, labelled with its name."""
    return text_diff(pair.name, pair.old("description"), pair.new("description"))


def server_info_rule(pair: Pair, _: DiffContext) -> DriftChange | None:
    """Instructions: critical if now poisoned, else medium; version alone: info; else low."""
    changed = pair.changed("name", "version", "protocol_version", "capabilities", "instructions")
    if "instructions" in changed:
        diff = text_diff("server instructions", pair.old("instructions"), pair.new("instructions"))
        if pair.became("poisoned"):
            summary = "The server's instructions changed and now carry hidden instructions."
            return pair.change("server_instructions_poisoned", CRITICAL, summary, text_diff=diff)
        summary = "The server's instructions to the model changed."
        return pair.change("server_instructions_changed", MEDIUM, summary, text_diff=diff)
    if changed == ["version"]:
        summary = f"The server's version changed from {pair.old('version')} to "
        summary += f"{pair.new('version')}."
        return pair.change("server_version_changed", INFO, summary)
    summary = f"The server's {', '.join(changed) or 'handshake'} changed."
    return pair.change("server_info_changed", LOW, summary)
