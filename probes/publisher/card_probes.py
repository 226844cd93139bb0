"""Server Card probes: does what the endpoint's card claims agree with what else is known?

The card (SEP-2127, experimental extension) is advisory: clients MUST NOT treat it as
authoritative and SHOULD reconcile it with the live connection (discovery.md, "Consistency
with Runtime Behavior"). An inaccurate card is "a mild confusion or downgrade vector" there,
so these probes grade low to medium and gate nothing: a card that steers clients to other
hosts is the one that matters most (medium); a name, namespace or repository that the
registry or the domain does not back is low; drift from the live serverInfo is informational.

A card is "this endpoint's" when served at the endpoint's origin (the reserved
`<endpoint>/server-card` or a well-known path) or listed by a catalog and naming this endpoint
as a remote. No such card: NOT_APPLICABLE; a card fetch at the endpoint's origin that failed
in transport, or a card that could not be read: NOT_AVAILABLE, with the reason.
"""

from __future__ import annotations

from collections.abc import Callable

from probes.model import (
    EvidenceValue,
    Finding,
    Outcome,
    Probe,
    ProbeSpec,
    Severity,
)
from probes.publisher.cards import (
    ABSENT,
    FAILED,
    UNREADABLE,
    CardObservation,
    ServerCard,
    repository_key,
)
from probes.publisher.context import RegistryContext
from probes.publisher.namespaces import namespace_domain
from probes.publisher.observation import PublisherObservation
from probes.publisher.registry_probes import Judgement, publisher_spec
from probes.target import registrable_domain_of

_REFERENCES = ("SEP-2127", "https://github.com/modelcontextprotocol/experimental-ext-server-card")
_MAX = 600

CardJudge = Callable[[PublisherObservation, CardObservation, tuple[ServerCard, ...]], Judgement]


def _joined(values: object) -> str | None:
    """A bounded, comma-joined evidence string; None for nothing."""
    items = [str(v) for v in values] if isinstance(values, list | tuple | set) else []
    return ", ".join(items)[:_MAX] or None


def _card_probe(spec: ProbeSpec, judge: CardJudge) -> Probe[PublisherObservation]:
    """Wrap a judge of this endpoint's cards with the shared no-card and unknown cases."""

    def run(observation: PublisherObservation) -> list[Finding]:
        base: dict[str, EvidenceValue] = {"url": observation.url}
        seen = observation.cards
        if seen is None:
            message = "Server Card discovery is off in this deployment."
            return [spec.finding(Outcome.NOT_AVAILABLE, message, evidence=base)]
        found = seen.for_endpoint()
        if not found:
            outcome, message, evidence = _no_card(seen)
            return [spec.finding(outcome, message, evidence=base | evidence)]
        bad, message, evidence = judge(observation, seen, found)
        evidence = base | {"cards": _joined([c.served_from for c in found])} | evidence
        if isinstance(bad, Outcome):
            return [spec.finding(bad, message, evidence=evidence)]
        return [spec.judged(bad, message, evidence=evidence)]

    return Probe(spec, run)


def _no_card(seen: CardObservation) -> tuple[Outcome, str, dict[str, EvidenceValue]]:
    """No card for this endpoint: not applicable, unless we could not look (not available)."""
    primary = [f for f in seen.fetches if f.primary]
    failed = [f for f in primary if f.outcome == FAILED]
    unreadable = [f for f in primary if f.outcome == UNREADABLE]
    evidence: dict[str, EvidenceValue] = {
        "tried": _joined([f"{f.url} ({f.status or f.outcome})" for f in seen.fetches])
    }
    if seen.unavailable_reason is not None:
        return Outcome.NOT_AVAILABLE, f"No card read: {seen.unavailable_reason}.", evidence
    if unreadable:
        problems = "; ".join(f"{f.url}: {f.problem}" for f in unreadable)
        return (
            Outcome.NOT_AVAILABLE,
            f"A card was served but not readable: {problems}"[:_MAX],
            evidence,
        )
    if failed:
        problems = "; ".join(f"{f.url}: {f.problem}" for f in failed)
        return Outcome.NOT_AVAILABLE, f"The card fetch failed: {problems}"[:_MAX], evidence
    absent = [f for f in primary if f.outcome == ABSENT]
    message = f"No Server Card for this endpoint ({len(absent)} location(s) answered none)."
    return Outcome.NOT_APPLICABLE, message, evidence


def _registry(observation: PublisherObservation) -> RegistryContext | Judgement:
    """The registry context, or the not-available judgement saying why there is none."""
    if observation.unavailable_reason is not None:
        return Outcome.NOT_AVAILABLE, f"No registry facts: {observation.unavailable_reason}.", {}
    if observation.context is None:
        message = "No server in the registry lists this endpoint: nothing to compare the card to."
        return Outcome.NOT_AVAILABLE, message, {}
    return observation.context


OTHER_REMOTES = publisher_spec(
    "server_card_names_other_remotes",
    question="Does this endpoint's Server Card send clients to remotes on other hosts?",
    rationale=(
        "A client reads the card before it connects and uses its remotes to connect; a card "
        "at this endpoint naming another host (one the registry does not list for this server "
        "either) steers clients to a server that was never scanned, the confusion vector the "
        "extension's security considerations name. The card is not authoritative, so medium."
    ),
    severity=Severity.MEDIUM,
    remediation=(
        "Publish a card whose remotes are this endpoint (or the registry-listed remotes of the "
        "same server); connect only to the endpoint that was scanned."
    ),
    references=_REFERENCES,
)


def names_other_remotes(
    observation: PublisherObservation, seen: CardObservation, found: tuple[ServerCard, ...]
) -> Judgement:
    """TRUE when a card names a remote on another host the registry does not list either."""
    del seen
    context = observation.context
    listed = {url for v in context.versions for url in v.remotes} if context is not None else set()
    remotes = [(card, remote) for card in found for remote in card.remotes]
    elsewhere = sorted(
        {
            remote.canonical or remote.url
            for _, remote in remotes
            if remote.host is not None
            and remote.host != observation.host
            and remote.canonical not in listed
        }
    )
    evidence: dict[str, EvidenceValue] = {
        "card_remotes": _joined(sorted({r.url for _, r in remotes})),
        "other_remotes": _joined(elsewhere),
        "registry_remotes": _joined(sorted(listed)),
        "templated_remotes": sum(1 for _, r in remotes if r.canonical is None) or None,
    }
    if elsewhere:
        message = f"The card names remotes on other hosts than {observation.host}: "
        return True, (message + ", ".join(elsewhere))[:_MAX], evidence
    if not remotes:
        return False, "The card names no remotes.", evidence
    return False, f"Every remote the card names is on {observation.host} or listed.", evidence


NAME_DIFFERS = publisher_spec(
    "server_card_name_differs_from_registry",
    question="Does this endpoint's Server Card give a name no registry entry for it has?",
    rationale=(
        "The card's reverse-DNS name is meant to be the registry's server name; a card "
        "claiming another name than the entries listing the endpoint either drifted or "
        "borrows a name the registry gives someone else. Low: the card is not authoritative."
    ),
    severity=Severity.LOW,
    remediation="Give the card the server's registry name, or publish the card's name.",
    references=(*_REFERENCES, "MCP-registry-namespacing"),
)


def name_differs_from_registry(
    observation: PublisherObservation, seen: CardObservation, found: tuple[ServerCard, ...]
) -> Judgement:
    """TRUE when a reverse-DNS card name is not among the servers listing the endpoint."""
    del seen
    context = _registry(observation)
    if not isinstance(context, RegistryContext):
        return context
    named = [card for card in found if card.namespace is not None]
    if not named:
        return Outcome.NOT_AVAILABLE, "The card gives no reverse-DNS name to compare.", {}
    registry = {name.casefold(): name for name in context.server_names}
    differing = sorted({c.name for c in named if c.name and c.name.casefold() not in registry})
    matching = {c.name.casefold() for c in named if c.name} & registry.keys()
    evidence: dict[str, EvidenceValue] = {
        "card_names": _joined(sorted({c.name for c in named if c.name})),
        "registry_names": _joined(context.server_names),
        "differing": _joined(differing),
        "card_versions": _joined(sorted({c.version for c in named if c.version})),
        "registry_versions": _joined(
            sorted({v.version for v in context.versions if v.name.casefold() in matching})
        ),
    }
    if differing:
        message = (
            f"The card is named {', '.join(differing)}; the registry lists this endpoint as "
            f"{', '.join(context.server_names)}."
        )
        return True, message[:_MAX], evidence
    return False, "The card's name is the registry's.", evidence


OUTSIDE_NAMESPACE = publisher_spec(
    "server_card_served_outside_namespace_domain",
    question="Is a Server Card claiming a domain namespace served from outside that domain?",
    rationale=(
        "A card named `com.acme/x` speaks for acme.com; served from a host outside that "
        "domain, nothing ties the claim to the domain's owner. Hosting on a SaaS domain is "
        "allowed by the extension, so low; the registry listing itself is judged by "
        "publisher_host_outside_namespace_domain."
    ),
    severity=Severity.LOW,
    remediation="Serve the card from the namespace's domain, or name it for the host's.",
    references=(*_REFERENCES, "MCP-registry-namespacing"),
)


def served_outside_namespace_domain(
    observation: PublisherObservation, seen: CardObservation, found: tuple[ServerCard, ...]
) -> Judgement:
    """TRUE when a card's claimed domain namespace is not the domain of the host serving it."""
    del observation, seen
    owned = [
        (card, domain)
        for card in found
        if card.namespace is not None and (domain := namespace_domain(card.namespace)) is not None
    ]
    if not owned:
        return (
            Outcome.NOT_APPLICABLE,
            "The card claims no domain namespace (a GitHub namespace, or no reverse-DNS name).",
            {},
        )
    outside = sorted(
        {
            f"{card.name} from {card.host}"
            for card, domain in owned
            if registrable_domain_of(card.host) != registrable_domain_of(domain)
        }
    )
    evidence: dict[str, EvidenceValue] = {
        "namespaces": _joined(sorted({f"{c.namespace} ({d})" for c, d in owned})),
        "served_from": _joined(sorted({c.served_from for c, _ in owned})),
        "outside": _joined(outside),
    }
    if outside:
        return (
            True,
            f"Served outside its namespace's domain: {', '.join(outside)}."[:_MAX],
            evidence,
        )
    return False, "Each card is served from its namespace's domain.", evidence


REPOSITORY_DIFFERS = publisher_spec(
    "server_card_repository_differs_from_registry",
    question="Does this endpoint's Server Card name another repository than its registry entry?",
    rationale=(
        "The repository is where reviewers inspect the server's code; a card pointing at "
        "another repository (or repository id) than the registry entry sends them to the "
        "wrong code. Low: either may have drifted, and the card is not authoritative."
    ),
    severity=Severity.LOW,
    remediation="Make the card's repository the one the registry entry names.",
    references=(*_REFERENCES, "MCP-server-json-repository-id"),
)


def repository_differs_from_registry(
    observation: PublisherObservation, seen: CardObservation, found: tuple[ServerCard, ...]
) -> Judgement:
    """TRUE when a card's repository URL or id is none of the registry entry's."""
    del seen
    context = _registry(observation)
    if not isinstance(context, RegistryContext):
        return context
    cards = [c for c in found if c.repository_url or c.repository_id]
    if not cards:
        return Outcome.NOT_APPLICABLE, "The card names no repository.", {}
    urls = {key for v in context.versions if (key := repository_key(v.repository_url))}
    ids = {v.repository_id for v in context.versions if v.repository_id}
    if not urls and not ids:
        return Outcome.NOT_APPLICABLE, "The registry entry names no repository to compare.", {}
    differing = sorted(
        {
            c.repository_url
            for c in cards
            if c.repository_url and urls and c.repository_url not in urls
        }
        | {
            f"id {c.repository_id}"
            for c in cards
            if c.repository_id and ids and c.repository_id not in ids
        }
    )
    evidence: dict[str, EvidenceValue] = {
        "card_repositories": _joined(
            sorted({c.repository_url or f"id {c.repository_id}" for c in cards})
        ),
        "registry_repositories": _joined(sorted(urls | {f"id {i}" for i in ids})),
        "differing": _joined(differing),
    }
    if differing:
        message = f"The card names {', '.join(differing)}, not the registry's repository."
        return True, message[:_MAX], evidence
    return False, "The card's repository is the registry entry's.", evidence


CONTRADICTS_SERVER = publisher_spec(
    "server_card_contradicts_server_info",
    question="Does this endpoint's Server Card give another name or version than its serverInfo?",
    rationale=(
        "The extension says the live serverInfo (initialize or server/discover) SHOULD NOT "
        "contradict the card, and clients prefer the live values. A stale card is the usual "
        "cause, so this is informational."
    ),
    severity=Severity.INFO,
    remediation="Regenerate the card from the running server's name and version.",
    references=_REFERENCES,
)


def _reverse_dns(name: str) -> bool:
    return name.count("/") == 1 and "." in name.split("/", 1)[0]


def contradicts_server_info(
    observation: PublisherObservation, seen: CardObservation, found: tuple[ServerCard, ...]
) -> Judgement:
    """TRUE when a card's version, or a name of the same form, differs from serverInfo's."""
    del observation
    live_name, live_version = seen.server_name, seen.server_version
    if live_name is None and live_version is None:
        reason = seen.server_info_problem or seen.unavailable_reason or "no serverInfo"
        return Outcome.NOT_AVAILABLE, f"Nothing live to compare: {reason}."[:_MAX], {}
    differing: list[str] = []
    compared = False
    for card in found:
        if card.version and live_version:
            compared = True
            if card.version != live_version:
                differing.append(f"version {card.version} (live {live_version})")
        same_form = card.name and live_name and _reverse_dns(card.name) == _reverse_dns(live_name)
        if card.name and live_name and same_form:
            compared = True
            if card.name.casefold() != live_name.casefold():
                differing.append(f"name {card.name} (live {live_name})")
    evidence: dict[str, EvidenceValue] = {
        "server_name": live_name,
        "server_version": live_version,
        "card_names": _joined(sorted({c.name for c in found if c.name})),
        "card_versions": _joined(sorted({c.version for c in found if c.version})),
        "differing": _joined(sorted(set(differing))),
    }
    if not compared:
        message = "The card and serverInfo share no comparable name or version."
        return Outcome.NOT_AVAILABLE, message, evidence
    if differing:
        return True, f"The card says {'; '.join(sorted(set(differing)))}."[:_MAX], evidence
    return False, "The card agrees with the live serverInfo.", evidence


CARD_PROBES: tuple[Probe[PublisherObservation], ...] = (
    _card_probe(OTHER_REMOTES, names_other_remotes),
    _card_probe(NAME_DIFFERS, name_differs_from_registry),
    _card_probe(OUTSIDE_NAMESPACE, served_outside_namespace_domain),
    _card_probe(REPOSITORY_DIFFERS, repository_differs_from_registry),
    _card_probe(CONTRADICTS_SERVER, contradicts_server_info),
)
