"""Registry hygiene probes: namespace farms, duplicate catalogues, HTML remotes, moved repositories.

The registry grants every `com.x.*` name on one apex TXT proof, takes remote URLs first come
first served, and lets GitHub renames orphan `io.github.<old>` namespaces. These probes judge
the facts trustsvc computes registry-wide (`RegistryContext.hygiene`) and what this scan's
handshake saw (`PublisherObservation.remote_answer`); each is a finding on the listing.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from probes.model import EvidenceValue, Outcome, Probe, Severity
from probes.publisher.context import RegistryContext, VersionFact
from probes.publisher.hygiene import DomainFarm, HygieneFacts
from probes.publisher.namespaces import GITHUB_PREFIX
from probes.publisher.observation import PublisherObservation
from probes.publisher.registry_probes import (
    _REFERENCES,
    Judgement,
    _probe,
    publisher_spec,
)

MAX_EVIDENCE_CHARS = 600
GITHUB_HOSTS = frozenset({"github.com", "www.github.com"})
SPEAKS_MCP = "speaks_mcp"
"""Evidence key of the HTML probe that stored scans are read back by (see trustsvc)."""
_NO_FACTS = "Registry-wide facts were not computed in this deployment."

NAMESPACE_FARM = publisher_spec(
    "publisher_namespace_farm",
    question=(
        "Is the endpoint listed under a domain whose one proof grants more servers than the "
        "farm threshold, most of whose remotes do not speak MCP?"
    ),
    rationale=(
        "One apex TXT record grants every `com.x.*` name, so one domain can mint hundreds of "
        "listings; a domain holding many servers whose remotes answer web pages rather than "
        "MCP is farming names (75 entries under one domain, 62 serving text/html, were seen)."
    ),
    severity=Severity.MEDIUM,
    remediation="Treat the domain's listings as spam until each remote proves it speaks MCP.",
    references=(*_REFERENCES, "MCP-registry-namespace-farms"),
)


def namespace_farm(observation: PublisherObservation, context: RegistryContext) -> Judgement:
    """TRUE when a proof domain holds more than the threshold and most known remotes are not MCP."""
    del observation
    if context.hygiene is None:
        return Outcome.NOT_AVAILABLE, _NO_FACTS, {}
    farms = context.hygiene.farms
    if not farms:
        return Outcome.NOT_APPLICABLE, "No domain namespace lists this endpoint.", {}
    largest = max(farms, key=lambda f: f.servers)
    candidates = [f for f in farms if f.servers > f.threshold]
    flagged = [f for f in candidates if f.known and f.not_speaking * 2 > f.known]
    shown = flagged[0] if flagged else max(candidates or farms, key=lambda f: (f.known, f.servers))
    evidence = _farm_evidence(shown)
    if flagged:
        message = (
            f"{shown.domain} holds {shown.servers} servers (threshold {shown.threshold}); "
            f"{shown.not_speaking} of {shown.known} scanned remotes do not speak MCP."
        )
        return True, message, evidence
    if not candidates:
        message = (
            f"{largest.domain} holds {largest.servers} server(s), "
            f"not more than {largest.threshold}."
        )
        return False, message, _farm_evidence(largest)
    if all(f.known == 0 for f in candidates):
        message = (
            f"{shown.domain} holds {shown.servers} servers, but no stored scan says whether "
            "its remotes speak MCP."
        )
        return Outcome.NOT_AVAILABLE, message, evidence
    message = (
        f"{shown.domain} holds {shown.servers} servers; {shown.speaking} of {shown.known} "
        "scanned remotes speak MCP."
    )
    return False, message, evidence


def _farm_evidence(farm: DomainFarm) -> dict[str, EvidenceValue]:
    return {
        "domain": farm.domain,
        "domain_servers": farm.servers,
        "farm_threshold": farm.threshold,
        "remotes_sampled": farm.remotes,
        "remotes_speaking_mcp": farm.speaking,
        "remotes_not_speaking_mcp": farm.not_speaking,
        "sample_limit": farm.sample_limit,
    }


DUPLICATE_CATALOGUE = publisher_spec(
    "publisher_duplicate_catalogue",
    question=(
        "Does another endpoint, on another host or under other names, serve a byte-identical "
        "tool set?"
    ),
    rationale=(
        "Copies of one catalogue listed under different names or hosts are re-listings of "
        "someone else's server: a proxy in the middle, a name squat, or spam padding the "
        "registry. The set digest hashes every definition as received, so only exact copies "
        "match."
    ),
    severity=Severity.MEDIUM,
    remediation="Use the listing of the catalogue's original publisher; check who runs each copy.",
    references=(*_REFERENCES, "MCP-registry-duplicate-catalogues"),
)


def duplicate_catalogue(observation: PublisherObservation, context: RegistryContext) -> Judgement:
    """TRUE when an endpoint with another host or other listing names stores the same set digest."""
    hygiene: HygieneFacts | None = context.hygiene
    if hygiene is None:
        return Outcome.NOT_AVAILABLE, _NO_FACTS, {}
    tool_set = hygiene.tool_set
    if tool_set is None:
        message = "No complete, non-empty tool listing of this endpoint is stored yet."
        return Outcome.NOT_AVAILABLE, message, {}
    names = set(context.server_names)
    copies = [
        twin
        for twin in tool_set.twins
        if twin.host != observation.host or set(twin.servers) != names
    ]
    listed = "; ".join(f"{t.url} ({', '.join(t.servers) or 'not listed'})" for t in copies)
    evidence: dict[str, EvidenceValue] = {
        "set_digest": tool_set.digest,
        "definitions": tool_set.definitions,
        "stored_at": tool_set.taken_at.isoformat(),
        "duplicates": len(copies),
        "duplicated_by": listed[:MAX_EVIDENCE_CHARS] or None,
    }
    if copies:
        message = f"{len(copies)} other endpoint(s) serve the same {tool_set.definitions} tools."
        return True, message, evidence
    return False, "No endpoint elsewhere serves this exact tool set.", evidence


SERVES_HTML = publisher_spec(
    "publisher_remote_serves_html",
    question="Does the listed remote answer MCP requests with a text/html page?",
    rationale=(
        "A listing whose remote answers a web page is no MCP server: a parked domain, a "
        "marketing site, or a namespace farm padding the registry with names."
    ),
    severity=Severity.MEDIUM,
    remediation="List the URL of the MCP endpoint itself, or remove the listing.",
    references=(*_REFERENCES, "MCP-transports"),
)


def serves_html(observation: PublisherObservation, context: RegistryContext) -> Judgement:
    """TRUE when no MCP generation answered and the first reply was text/html."""
    del context
    answer = observation.remote_answer
    if answer is None:
        return Outcome.NOT_AVAILABLE, "The scan's MCP handshake was not observed.", {}
    evidence: dict[str, EvidenceValue] = {
        SPEAKS_MCP: answer.speaks_mcp,
        "status": answer.status,
        "content_type": answer.content_type,
        "problem": answer.problem,
    }
    if answer.speaks_mcp is None:
        message = f"Whether the remote speaks MCP is unknown: {answer.problem or 'refused'}."
        return Outcome.NOT_AVAILABLE, message[:MAX_EVIDENCE_CHARS], evidence
    if answer.html:
        message = f"The remote answers MCP requests with a web page ({answer.status}, text/html)."
        return True, message, evidence
    if answer.speaks_mcp:
        return False, "The remote speaks MCP.", evidence
    kind = answer.content_type or "no content type"
    return False, f"The remote speaks no MCP, but answers {kind}, not HTML.", evidence


REPOSITORY_OWNER_CHANGED = publisher_spec(
    "publisher_github_repository_owner_changed",
    question=(
        "Does an `io.github.<handle>` server's repository belong to another owner than the "
        "handle, or move between owners across versions?"
    ),
    rationale=(
        "GitHub renames leave `io.github.<old>` namespaces behind: the handle can be "
        "registered again by anyone, who then publishes under the old name. A repository "
        "that moved to another owner, or never belonged to the handle, is the sign."
    ),
    severity=Severity.MEDIUM,
    remediation="Confirm the handle still belongs to the repository's owner before trusting it.",
    references=(*_REFERENCES, "MCP-server-json-repository-id"),
)


def github_owner(url: str | None) -> str | None:
    """`alice` for `https://github.com/Alice/tools(.git)`; None for other forges or junk."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if (parts.hostname or "").lower() not in GITHUB_HOSTS:
        return None
    owner = parts.path.strip("/").split("/", 1)[0]
    return owner.lower() or None


def github_repository_owner_changed(
    observation: PublisherObservation, context: RegistryContext
) -> Judgement:
    """TRUE when a GitHub-namespace server's repository owner is not the handle, or changed."""
    del observation
    github = [n for n in context.claimants if n.startswith(GITHUB_PREFIX)]
    if not github:
        return Outcome.NOT_APPLICABLE, "No GitHub namespace lists this endpoint.", {}
    problems: list[str] = []
    declared = False
    for name in context.server_names:
        versions = [v for v in context.versions if v.name == name]
        problem, owned = _owner_problem(name, versions)
        declared = declared or owned
        if problem:
            problems.append(problem)
    if not declared:
        message = "No GitHub-namespace server declares a GitHub repository."
        return Outcome.NOT_APPLICABLE, message, {}
    evidence: dict[str, EvidenceValue] = {
        "namespaces": ", ".join(github),
        "changed": "; ".join(problems)[:MAX_EVIDENCE_CHARS] or None,
    }
    if problems:
        return True, f"Repository owner differs from the namespace: {problems[0]}.", evidence
    return False, "Each GitHub-namespace repository belongs to its handle.", evidence


def _owner_problem(name: str, versions: list[VersionFact]) -> tuple[str | None, bool]:
    """What is wrong with one server's repository owners, and whether it declared any."""
    if not versions or not versions[0].namespace.startswith(GITHUB_PREFIX):
        return None, False
    handle = versions[0].namespace.removeprefix(GITHUB_PREFIX).lower()
    dated = sorted(versions, key=lambda v: (v.published_at is not None, v.published_at))
    owners = [(v.version, o) for v in dated if (o := github_owner(v.repository_url))]
    if not owners:
        return None, False
    distinct = list(dict.fromkeys(owner for _, owner in owners))
    if len(distinct) > 1:
        return f"{name}: repository moved {' -> '.join(distinct)}", True
    if distinct[0] != handle:
        return f"{name}: repository owner {distinct[0]}, namespace handle {handle}", True
    return None, True


REGISTRY_HYGIENE_PROBES: tuple[Probe[PublisherObservation], ...] = (
    _probe(NAMESPACE_FARM, namespace_farm),
    _probe(DUPLICATE_CATALOGUE, duplicate_catalogue),
    _probe(SERVES_HTML, serves_html),
    _probe(REPOSITORY_OWNER_CHANGED, github_repository_owner_changed),
)
HYGIENE_FLAGS: dict[str, str] = {
    "namespace_farm": NAMESPACE_FARM.id,
    "duplicate_catalogue": DUPLICATE_CATALOGUE.id,
    "serves_html": SERVES_HTML.id,
    "repository_owner_changed": REPOSITORY_OWNER_CHANGED.id,
    "shared_endpoint": "publisher_endpoint_claimed_by_several_namespaces",
}
"""The registry API's `flag` filter names, and the probe whose bad finding raises each."""
