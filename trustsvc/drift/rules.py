"""Severity rules: how bad one changed item is (issue 6, scoring.md 8.7), as small functions.

Each rule sees one `Pair` (an item before and after; either side None for an addition or a
removal) and the `DiffContext` of the whole diff (was there a version change, did NS change),
and returns one judged change, or None when the difference is not drift (a date or a proof
the source could not report this time). `RULES` maps subjects (or subject prefixes
ending in `:`) to rules; the tools surface's rules, which need the rename logic, are in
`trustsvc.drift.diff`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from probes.domain.registration_observation import HOLD_STATUSES
from probes.model import Severity
from probes.tls.observation import Protocol
from trustsvc.drift.types import DriftChange, Json, Surface, SurfaceItem

CRITICAL, HIGH, MEDIUM, LOW, INFO = (
    Severity.CRITICAL,
    Severity.HIGH,
    Severity.MEDIUM,
    Severity.LOW,
    Severity.INFO,
)
LEGACY_PROTOCOLS = frozenset(
    p.value for p in (Protocol.SSL_2_0, Protocol.SSL_3_0, Protocol.TLS_1_0, Protocol.TLS_1_1)
)
PROTECTED_MODELS = frozenset({"oauth", "declared-key"})


@dataclass(frozen=True, slots=True)
class DiffContext:
    """Facts about the whole diff that single-item rules need."""

    version_changed: bool = False
    ns_changed: bool = False

    @property
    def versioned(self) -> str:
        """The phrase ending a summary: "with" or "without a version change"."""
        return "with a version change" if self.version_changed else "without a version change"


def field(value: Json, key: str) -> Json:
    """`value[key]` when value is an object, else None."""
    return value.get(key) if isinstance(value, dict) else None


def strings(value: Json) -> list[str]:
    """The strings of a JSON list (anything else: none)."""
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


@dataclass(frozen=True, slots=True)
class Pair:
    """One subject's item in the earlier and the later snapshot."""

    surface: Surface
    subject: str
    before: SurfaceItem | None
    after: SurfaceItem | None

    @property
    def name(self) -> str:
        """The subject without its prefix: `search` for `tool:search`."""
        return self.subject.partition(":")[2] or self.subject

    def old(self, key: str) -> Json:
        """A field of the earlier value."""
        return field(self.before.value, key) if self.before else None

    def new(self, key: str) -> Json:
        """A field of the later value."""
        return field(self.after.value, key) if self.after else None

    def changed(self, *keys: str) -> list[str]:
        """Which of the keys differ between the two values."""
        return [key for key in keys if self.old(key) != self.new(key)]

    def became(self, fact: str) -> bool:
        """The later item has a fact the earlier one lacked."""
        before = bool(self.before and self.before.facts.get(fact))
        return bool(self.after and self.after.facts.get(fact)) and not before

    def change(
        self, kind: str, severity: Severity, summary: str, *, text_diff: str | None = None
    ) -> DriftChange:
        """The judged change, carrying both full values and digests."""
        return DriftChange(
            surface=self.surface,
            kind=kind,
            subject=self.subject,
            severity=severity,
            summary=summary,
            before=self.before.value if self.before else None,
            after=self.after.value if self.after else None,
            before_digest=self.before.digest if self.before else None,
            after_digest=self.after.digest if self.after else None,
            text_diff=text_diff,
        )


Rule = Callable[[Pair, DiffContext], DriftChange | None]


def auth_model(pair: Pair, _: DiffContext) -> DriftChange | None:
    """Auth dropped to none is critical from oauth/declared-key, high from broken."""
    old, new = pair.old("model"), pair.new("model")
    moved = f"The auth model changed from {old} to {new}."
    if new == "none":
        severity = CRITICAL if old in PROTECTED_MODELS else HIGH
        return pair.change("auth_weakened", severity, f"Authentication was dropped: {moved}")
    if old == "none":
        return pair.change("auth_strengthened", LOW, moved)
    return pair.change("auth_model_changed", MEDIUM, moved)


def auth_metadata(pair: Pair, _: DiffContext) -> DriftChange | None:
    """OAuth metadata appearing is low; disappearing or changing is medium."""
    if pair.before is None:
        return pair.change("auth_metadata_added", LOW, "OAuth metadata is now published.")
    if pair.after is None:
        return pair.change("auth_metadata_removed", MEDIUM, "OAuth metadata is no longer served.")
    return pair.change("auth_metadata_changed", MEDIUM, "The OAuth metadata changed.")


def certificate(pair: Pair, _: DiffContext) -> DriftChange | None:
    """New issuer: high; new key type or size: medium; same issuer and key: routine renewal."""
    if pair.changed("issuer"):
        summary = (
            f"The certificate issuer changed from {pair.old('issuer')} to {pair.new('issuer')}."
        )
        return pair.change("certificate_issuer_changed", HIGH, summary)
    if pair.changed("key_type", "key_bits"):
        old = f"{pair.old('key_type')} {pair.old('key_bits')}"
        summary = f"The certificate key changed from {old} to {pair.new('key_type')} "
        summary += f"{pair.new('key_bits')} bits."
        return pair.change("certificate_key_changed", MEDIUM, summary)
    if pair.changed("subject", "sans"):
        summary = "The certificate now names different hosts (same issuer and key type)."
        return pair.change("certificate_names_changed", LOW, summary)
    summary = f"The certificate was renewed by the same issuer; it expires {pair.new('not_after')}."
    return pair.change("certificate_renewed", INFO, summary)


def tls_protocols(pair: Pair, _: DiffContext) -> DriftChange | None:
    """Enabling a protocol older than TLS 1.2 is medium; other protocol changes are low."""
    added = set(strings(pair.after.value if pair.after else None))
    added -= set(strings(pair.before.value if pair.before else None))
    if legacy := sorted(added & LEGACY_PROTOCOLS):
        summary = f"Legacy protocols were enabled: {', '.join(legacy)}."
        return pair.change("tls_legacy_protocol_enabled", MEDIUM, summary)
    return pair.change("tls_protocols_changed", LOW, "The supported TLS protocols changed.")


def tls_ciphers(pair: Pair, _: DiffContext) -> DriftChange | None:
    """Cipher suite changes are low."""
    return pair.change("tls_ciphers_changed", LOW, "The accepted cipher suites changed.")


def dns_addresses(pair: Pair, _: DiffContext) -> DriftChange | None:
    """Now resolving to a non-public address is critical; other address changes are low."""
    if pair.became("non_public"):
        summary = "The host now resolves to a non-public address."
        return pair.change("resolves_private", CRITICAL, summary)
    return pair.change("dns_addresses_changed", LOW, "The host's addresses changed.")


def dns_ns(pair: Pair, _: DiffContext) -> DriftChange | None:
    """A name server change alone is medium (with a registrar change see `registrar`)."""
    return pair.change("dns_ns_changed", MEDIUM, "The domain's name servers changed.")


def dns_caa(pair: Pair, _: DiffContext) -> DriftChange | None:
    """CAA changes are low: they change which CAs may issue, not who holds the domain."""
    return pair.change("dns_caa_changed", LOW, "The CAA records changed.")


def registrar(pair: Pair, context: DiffContext) -> DriftChange | None:
    """A registrar change with an NS change is a transfer (high); alone it is medium."""
    old_id, new_id = pair.old("iana_id"), pair.new("iana_id")
    if old_id is not None and new_id is not None:
        moved = old_id != new_id
    else:
        moved = str(pair.old("name") or "").casefold() != str(pair.new("name") or "").casefold()
    if not moved:
        return pair.change("registrar_details_changed", INFO, "The registrar's details changed.")
    summary = f"The registrar changed from {pair.old('name')} to {pair.new('name')}"
    if context.ns_changed:
        return pair.change("registrar_transferred", HIGH, f"{summary}, with new name servers.")
    return pair.change("registrar_changed", MEDIUM, f"{summary}.")


def registration_status(pair: Pair, _: DiffContext) -> DriftChange | None:
    """A new hold or pending-delete status is medium; other status changes are low."""
    added = set(strings(pair.after.value if pair.after else None))
    added -= set(strings(pair.before.value if pair.before else None))
    if held := sorted(added & HOLD_STATUSES):
        summary = f"The domain gained the status {', '.join(held)}."
        return pair.change("registration_hold", MEDIUM, summary)
    return pair.change("registration_status_changed", LOW, "The domain's statuses changed.")


def registration_dates(pair: Pair, _: DiffContext) -> DriftChange | None:
    """A new creation date (dropped and re-registered) is high; a transfer medium; renewal info."""
    changed = pair.changed("created", "transferred", "expires")
    known = [key for key in changed if pair.old(key) and pair.new(key)]
    if "created" in known:
        summary = f"The domain was registered again on {pair.new('created')}."
        return pair.change("domain_reregistered", HIGH, summary)
    if "transferred" in known:
        summary = f"The domain was transferred on {pair.new('transferred')}."
        return pair.change("domain_transferred", MEDIUM, summary)
    if "expires" in known:
        summary = f"The domain registration now expires on {pair.new('expires')}."
        return pair.change("registration_renewed", INFO, summary)
    return None


def registry_entry(pair: Pair, _: DiffContext) -> DriftChange | None:
    """Repository change or deletion: high; deprecation: medium; version bump: info."""
    if pair.before is None:
        summary = f"Registry server `{pair.name}` now lists the endpoint."
        return pair.change("registry_entry_added", LOW, summary)
    if pair.after is None:
        summary = f"Registry server `{pair.name}` no longer lists the endpoint."
        return pair.change("registry_entry_removed", LOW, summary)
    if pair.old("repository_id") is not None and pair.changed("repository_id"):
        summary = f"Registry server `{pair.name}` now points at a different source repository."
        return pair.change("registry_repository_changed", HIGH, summary)
    status = pair.new("status")
    if pair.changed("status") and status in ("deleted", "deprecated"):
        severity = HIGH if status == "deleted" else MEDIUM
        summary = f"Registry server `{pair.name}` was marked {status}."
        return pair.change(f"registry_{status}", severity, summary)
    if pair.changed("version"):
        summary = f"Registry server `{pair.name}` moved from version {pair.old('version')} "
        summary += f"to {pair.new('version')}."
        return pair.change("registry_version_bumped", INFO, summary)
    return pair.change("registry_entry_changed", LOW, f"Registry server `{pair.name}` changed.")


def proof(pair: Pair, _: DiffContext) -> DriftChange | None:
    """A namespace proof that disappeared is high; one that appeared is info; unknown: nothing."""
    old, new = pair.old("proven"), pair.new("proven")
    if old is True and new is False:
        summary = f"The namespace proof for `{pair.name}` disappeared."
        return pair.change("proof_removed", HIGH, summary)
    if old is False and new is True:
        summary = f"The namespace `{pair.name}` is now proven."
        return pair.change("proof_added", INFO, summary)
    return None


def generic(pair: Pair, _: DiffContext) -> DriftChange | None:
    """Anything without its own rule: low."""
    return pair.change(f"{pair.surface.value}_changed", LOW, f"`{pair.subject}` changed.")


RULES: dict[str, Rule] = {
    "auth:model": auth_model,
    "auth:metadata": auth_metadata,
    "cert:leaf": certificate,
    "tls:protocols": tls_protocols,
    "tls:ciphers": tls_ciphers,
    "dns:addresses": dns_addresses,
    "dns:ns": dns_ns,
    "dns:caa": dns_caa,
    "registration:registrar": registrar,
    "registration:status": registration_status,
    "registration:dates": registration_dates,
    "registry:": registry_entry,
    "proof:": proof,
}
