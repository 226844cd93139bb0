"""Turn one scan's observations and findings into a Snapshot of normalised surface items.

Drift is judged between scans taken days apart, possibly by improved probes, so an item's
value keeps only what the server controls, normalised so that noise (listing order, reflowed
text, a trailing dot, the time of day a date was recorded) does not change its digest.
Judgements from findings (poisoned, destructive) ride along as facts outside the digest.

What was not measured is left out, never emptied: a family that did not complete has no
surface, and a question that failed inside one (a DNS query, one sslyze command) has no item.
Pure: no I/O and no clock.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from probes.auth.classify import classify_auth
from probes.auth.observation import AuthObservation, AuthorizationServerMetadata
from probes.domain.dns_observation import DnsObservation
from probes.domain.observation import DomainObservation
from probes.domain.registration_observation import RegistrationObservation, normalise_status
from probes.model import Family, Finding, ProbeSpec, Severity
from probes.publisher.context import RegistryContext, VersionFact
from probes.publisher.observation import PublisherObservation
from probes.tls.observation import CertificateInfo, Protocol, TlsObservation
from probes.tools.capability_probes import DESTRUCTIVE, EXTERNAL
from probes.tools.judging import INSTRUCTIONS_SUBJECT
from probes.tools.observation import ToolDefinition, ToolsObservation, normalise_whitespace
from trustsvc.drift.types import Json, Snapshot, Surface, SurfaceItem

# Bad findings of these tools probes make a definition `destructive` (destroys or acts outside).
CAPABILITY_PROBES = frozenset({DESTRUCTIVE.id, EXTERNAL.id})
SERVER_INFO = "server:info"
# How a definition kind is named in subjects and event kinds.
DEFINITION_NOUNS = {"tool": "tool", "prompt": "prompt", "resource_template": "resource"}


@dataclass(frozen=True, slots=True)
class Verdicts:
    """Subjects the tools family judged badly: poisoned (critical content) or destructive."""

    poisoned: frozenset[str]
    destructive: frozenset[str]


def snapshot_of(
    observations: Mapping[Family, object],
    findings: Sequence[Finding],
    catalogue: Mapping[str, ProbeSpec],
) -> Snapshot:
    """The snapshot of one scan: one surface per measured family (DNS and registration apart)."""
    surfaces: dict[Surface, dict[str, SurfaceItem]] = {}
    tools = observations.get(Family.TOOLS)
    if isinstance(tools, ToolsObservation):
        surfaces[Surface.TOOLS] = tools_items(tools, verdicts_of(findings, catalogue))
    auth = observations.get(Family.AUTH)
    if isinstance(auth, AuthObservation):
        surfaces[Surface.AUTH] = auth_items(auth)
    tls = observations.get(Family.TLS)
    if isinstance(tls, TlsObservation) and tls.is_tls:
        surfaces[Surface.TLS] = tls_items(tls)
    domain = observations.get(Family.DOMAIN)
    if isinstance(domain, DomainObservation):
        if (dns := dns_items(domain.dns)) is not None:
            surfaces[Surface.DNS] = dns
        if (registration := registration_items(domain.registration)) is not None:
            surfaces[Surface.REGISTRATION] = registration
    publisher = observations.get(Family.PUBLISHER)
    if isinstance(publisher, PublisherObservation) and publisher.context is not None:
        surfaces[Surface.REGISTRY] = registry_items(publisher, publisher.context)
    return Snapshot(surfaces=surfaces)


def to_json(value: object) -> Json:
    """A JSON value with whitespace-normalised strings; unknown types become their text."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return normalise_whitespace(value)
    if isinstance(value, Mapping):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    return str(value)


def sorted_set(items: Iterable[str]) -> list[Json]:
    """Distinct strings, sorted, as a JSON list."""
    return list[Json](sorted(set(items)))


def verdicts_of(findings: Iterable[Finding], catalogue: Mapping[str, ProbeSpec]) -> Verdicts:
    """Subjects with a bad critical tools finding, and subjects with a bad capability finding."""
    poisoned: set[str] = set()
    destructive: set[str] = set()
    for finding in findings:
        spec = catalogue.get(finding.probe_id)
        if spec is None or spec.family is not Family.TOOLS or finding.subject is None:
            continue
        if finding.outcome is not spec.bad_outcome:
            continue
        if spec.severity is Severity.CRITICAL:
            poisoned.add(finding.subject)
        if spec.id in CAPABILITY_PROBES:
            destructive.add(finding.subject)
    return Verdicts(frozenset(poisoned), frozenset(destructive))


def tools_items(observation: ToolsObservation, verdicts: Verdicts) -> dict[str, SurfaceItem]:
    """`server:info` and one item per definition; duplicate subjects get `#2`, `#3` suffixes."""
    items = {SERVER_INFO: server_info_item(observation, verdicts)}
    made = [(definition_subject(d), definition_item(d, verdicts)) for d in observation.definitions]
    for subject, item in sorted(made, key=lambda pair: (pair[0], pair[1].digest)):
        unique, n = subject, 1
        while unique in items:
            n += 1
            unique = f"{subject}#{n}"
        items[unique] = item
    return items


def definition_subject(definition: ToolDefinition) -> str:
    """`tool:<name>`, `prompt:<name>`, `resource:<uriTemplate or name>` (`#<index>` unnamed)."""
    noun = DEFINITION_NOUNS[definition.kind]
    key = uri_template(definition) if definition.kind == "resource_template" else None
    return f"{noun}:{key or definition.name or f'#{definition.index}'}"


def uri_template(definition: ToolDefinition) -> str | None:
    """A resource template's uriTemplate, read from the definition as received."""
    raw = json.loads(definition.canonical_json)
    template = raw.get("uriTemplate") if isinstance(raw, dict) else None
    return template if isinstance(template, str) else None


def definition_value(definition: ToolDefinition) -> dict[str, Json]:
    """The fields scoring.md 8.7 hashes (and a template's uriTemplate), normalised."""
    value: dict[str, Json] = {
        "name": definition.name,
        "title": to_json(definition.title),
        "description": to_json(definition.description),
        "input_schema": to_json(definition.input_schema),
        "output_schema": to_json(definition.output_schema),
        "annotations": to_json(definition.annotations),
    }
    if definition.kind == "resource_template":
        value["uri_template"] = uri_template(definition)
    return value


def definition_item(definition: ToolDefinition, verdicts: Verdicts) -> SurfaceItem:
    """A definition's item, with the poisoned, destructive and read_only facts."""
    hints = definition.annotations or {}
    read_only = hints.get("readOnlyHint") is True
    declared = hints.get("destructiveHint") is True and not read_only
    judged = definition.subject in verdicts.destructive
    return SurfaceItem.of(
        definition_value(definition),
        poisoned=definition.subject in verdicts.poisoned,
        destructive=definition.kind == "tool" and (judged or declared),
        read_only=read_only,
    )


def server_info_item(observation: ToolsObservation, verdicts: Verdicts) -> SurfaceItem:
    """What the handshake said about the server; `truncated` marks an incomplete listing."""
    value: dict[str, Json] = {
        "name": observation.server_name,
        "version": observation.server_version,
        "protocol_version": observation.protocol_version,
        "capabilities": sorted_set(observation.capabilities),
        "instructions": to_json(observation.instructions),
    }
    return SurfaceItem.of(
        value,
        poisoned=INSTRUCTIONS_SUBJECT in verdicts.poisoned,
        truncated=observation.truncated,
    )


def auth_items(observation: AuthObservation) -> dict[str, SurfaceItem]:
    """`auth:model` always; `auth:metadata` when any OAuth metadata was served."""
    items = {"auth:model": SurfaceItem.of({"model": classify_auth(observation).value})}
    metadata = auth_metadata(observation)
    if metadata is not None:
        items["auth:metadata"] = SurfaceItem.of(metadata)
    return items


def auth_metadata(observation: AuthObservation) -> dict[str, Json] | None:
    """The first usable PRM document and the first usable AS document per issuer."""
    prm = next((d.metadata for d in observation.protected_resource if d.metadata), None)
    servers: dict[str, AuthorizationServerMetadata] = {}
    for document in observation.authorization_servers:
        if document.metadata is not None:
            servers.setdefault(document.issuer, document.metadata)
    if prm is None and not servers:
        return None
    resource: Json = None
    if prm is not None:
        resource = {
            "resource": prm.resource,
            "authorization_servers": sorted_set(prm.authorization_servers),
            "scopes_supported": sorted_set(prm.scopes_supported),
            "bearer_methods_supported": sorted_set(prm.bearer_methods_supported),
        }
    issuers: list[Json] = [as_value(servers[issuer]) for issuer in sorted(servers)]
    return {"protected_resource": resource, "authorization_servers": issuers}


def as_value(metadata: AuthorizationServerMetadata) -> dict[str, Json]:
    """The RFC 8414 fields a client relies on."""
    methods = metadata.code_challenge_methods_supported
    return {
        "issuer": metadata.issuer,
        "authorization_endpoint": metadata.authorization_endpoint,
        "token_endpoint": metadata.token_endpoint,
        "registration_endpoint": metadata.registration_endpoint,
        "code_challenge_methods_supported": None if methods is None else sorted_set(methods),
        "client_id_metadata_document_supported": metadata.client_id_metadata_document_supported,
    }


def tls_items(observation: TlsObservation) -> dict[str, SurfaceItem]:
    """The leaf when one was seen; protocols and ciphers only when every protocol was scanned."""
    items: dict[str, SurfaceItem] = {}
    if observation.certificate is not None:
        items["cert:leaf"] = SurfaceItem.of(leaf_value(observation.certificate))
    scanned = sorted(observation.protocols, key=lambda p: list(Protocol).index(p.protocol))
    if {p.protocol for p in scanned} == set(Protocol):
        supported = [p for p in scanned if p.supported]
        items["tls:protocols"] = SurfaceItem.of(list[Json](p.protocol.value for p in supported))
        ciphers: dict[str, Json] = {
            p.protocol.value: sorted_set(s.name for s in p.accepted_suites) for p in supported
        }
        items["tls:ciphers"] = SurfaceItem.of(ciphers)
    return items


def leaf_value(certificate: CertificateInfo) -> dict[str, Json]:
    """The leaf certificate's identity; a renewal changes the fingerprint and not_after."""
    return {
        "fingerprint": certificate.sha256_fingerprint.lower().replace(":", ""),
        "issuer": certificate.issuer,
        "subject": certificate.subject,
        "key_type": certificate.key_type,
        "key_bits": certificate.key_bits,
        "not_after": certificate.not_after.isoformat(),
        "sans": sorted_set(name.lower() for name in certificate.subject_alt_names),
    }


def dns_items(dns: DnsObservation) -> dict[str, SurfaceItem] | None:
    """Addresses (when A and AAAA both answered), NS and CAA; None when DNS was not asked."""
    if dns.unavailable_reason is not None or dns.not_applicable_reason is not None:
        return None
    items: dict[str, SurfaceItem] = {}
    if dns.ipv4 is not None and dns.ipv6 is not None:
        # The collector keeps only parsed addresses, so the text is always an address.
        parsed = {ipaddress.ip_address(text) for text in (*dns.ipv4, *dns.ipv6)}
        ordered = sorted(parsed, key=lambda address: (address.version, int(address)))
        private = bool(dns.non_public) or any(not address.is_global for address in ordered)
        items["dns:addresses"] = SurfaceItem.of(list[Json](map(str, ordered)), non_public=private)
    if dns.ns is not None:
        items["dns:ns"] = SurfaceItem.of(sorted_set(host_name(n) for n in dns.ns))
    if dns.caa is not None:
        at = host_name(dns.caa_name) if dns.caa_name else None
        records = sorted_set(normalise_whitespace(r) for r in dns.caa)
        items["dns:caa"] = SurfaceItem.of({"at": at, "records": records})
    return items


def host_name(name: str) -> str:
    """A DNS name lowercased without its trailing dot."""
    return name.strip().lower().rstrip(".")


def registration_items(registration: RegistrationObservation) -> dict[str, SurfaceItem] | None:
    """Registrar, statuses and key dates; None when no source knew the domain."""
    facts = registration.facts
    if facts is None or not facts.found:
        return None
    items: dict[str, SurfaceItem] = {}
    if facts.registrar or facts.registrar_iana_id:
        registrar = {"name": to_json(facts.registrar), "iana_id": facts.registrar_iana_id}
        items["registration:registrar"] = SurfaceItem.of(registrar)
    if facts.statuses:
        statuses = sorted_set(normalise_status(s) for s in facts.statuses)
        items["registration:status"] = SurfaceItem.of(statuses)
    dates: dict[str, Json] = {
        "created": day(facts.registered_at),
        "transferred": day(facts.transferred_at),
        "expires": day(facts.expires_at),
    }
    if any(dates.values()):
        items["registration:dates"] = SurfaceItem.of(dates)
    return items


def day(value: dt.datetime | None) -> str | None:
    """The UTC date alone: RDAP and WHOIS record the same event at different times of day."""
    if value is None:
        return None
    return (value.astimezone(dt.UTC) if value.tzinfo else value).date().isoformat()


def registry_items(
    observation: PublisherObservation, context: RegistryContext
) -> dict[str, SurfaceItem]:
    """One `registry:<server>` item per listing server, and `proof:<namespace>` per proof."""
    items: dict[str, SurfaceItem] = {}
    for name in context.server_names:
        fact = listing_version(context, name)
        value: dict[str, Json] = {
            "name": fact.name,
            "version": fact.version,
            "status": fact.status,
            "repository_id": fact.repository_id,
        }
        items[f"registry:{name}"] = SurfaceItem.of(value)
    for proof in observation.proofs:
        items[f"proof:{proof.namespace}"] = SurfaceItem.of({"proven": proof.proven})
    return items


def listing_version(context: RegistryContext, name: str) -> VersionFact:
    """The latest version of a server that lists the endpoint (is_latest, then newest)."""
    listing = [v for v in context.versions if v.name == name and v.lists_endpoint]

    def key(fact: VersionFact) -> tuple[bool, float, str]:
        published = fact.published_at.timestamp() if fact.published_at else float("-inf")
        return fact.is_latest, published, fact.version

    return max(listing, key=key)
