"""The DNS posture probes: where the host points, and the zone's DNSSEC, CAA, SPF and DMARC.

Pure judgements of a DnsObservation. A failed question makes the probes that need it
NOT_AVAILABLE with the failure in evidence; only a real answer (records, none, NXDOMAIN) is
judged. The hygiene probes are LOW: scoring.md section 5.7 finds them weakly tied to malice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from probes.domain.dns_observation import DnsObservation, clip
from probes.domain.judging import domain_spec
from probes.model import (
    EvidenceValue,
    Finding,
    Outcome,
    Probe,
    ProbeSpec,
    Severity,
)

# Evidence keys (stored findings are queried by these names).
DOMAIN = "registrable_domain"
HOST = "host"
ADDRESSES = "addresses"
NON_PUBLIC = "non_public_addresses"
CNAME_CHAIN = "cname_chain"
DNSKEY_COUNT = "dnskey_count"
DNSSEC_SIGNED = "dnssec_signed"
DNSSEC_VALIDATED = "dnssec_validated"
CAA_RECORDS = "caa_records"
CAA_NAME = "caa_name"
MX_RECORDS = "mx_records"
SPF_RECORDS = "spf_records"
DMARC_RECORDS = "dmarc_records"
DMARC_POLICY = "dmarc_policy"
PROBLEMS = "problems"

_DMARC_POLICY = re.compile(r"(?:^|;)\s*p\s*=\s*([^;\s]*)", re.IGNORECASE)


def _joined(items: Iterable[object] | None) -> str | None:
    """Evidence text of a list; None (not "") when the question failed, so unknown shows."""
    return None if items is None else clip("; ".join(str(item) for item in items))


def _evidence(observation: DnsObservation, *rdtypes: str) -> dict[str, EvidenceValue]:
    return {
        DOMAIN: observation.registrable_domain,
        HOST: observation.host,
        PROBLEMS: _joined(observation.problems_of(*rdtypes)) or None,
    }


def _unjudgeable(spec: ProbeSpec, observation: DnsObservation) -> Finding | None:
    """NOT_APPLICABLE without a registrable domain, NOT_AVAILABLE when DNS was not asked."""
    evidence = _evidence(observation)
    if observation.registrable_domain is None:
        reason = observation.not_applicable_reason or "the host has no registrable domain"
        return spec.finding(Outcome.NOT_APPLICABLE, f"Not applicable: {reason}.", evidence=evidence)
    if observation.unavailable_reason is not None:
        message = f"DNS was not asked: {observation.unavailable_reason}."
        return spec.finding(Outcome.NOT_AVAILABLE, message, evidence=evidence)
    if spec is not NON_PUBLIC_SPEC and observation.registrable_domain in observation.nxdomain:
        # A zone that does not exist (or a resolver that answers NXDOMAIN for everything)
        # has no posture to judge: "no DNSKEY" there is not "unsigned".
        message = f"{observation.registrable_domain} does not exist in DNS (NXDOMAIN)."
        return spec.finding(Outcome.NOT_AVAILABLE, message, evidence=evidence)
    return None


def _failed(spec: ProbeSpec, what: str, evidence: dict[str, EvidenceValue]) -> list[Finding]:
    message = f"The resolver gave no usable answer for {what}: {evidence[PROBLEMS] or 'unknown'}."
    return [spec.finding(Outcome.NOT_AVAILABLE, message, evidence=evidence)]


NON_PUBLIC_SPEC = domain_spec(
    "domain_resolves_to_non_public_address",
    question=(
        "Does the endpoint's host resolve to a private, loopback, link-local, CGNAT, "
        "multicast or reserved address?"
    ),
    rationale=(
        "A public name that points inside a network is how SSRF and DNS rebinding reach "
        "internal services: a client that trusts the name connects to whatever it names."
    ),
    severity=Severity.CRITICAL,
    remediation="Publish only public addresses for the endpoint's name.",
    references=("RFC 6890",),
)


def resolves_to_non_public_address(observation: DnsObservation) -> list[Finding]:
    """TRUE when any A/AAAA is non-public; unknown while a family's question failed."""
    unjudgeable = _unjudgeable(NON_PUBLIC_SPEC, observation)
    if unjudgeable is not None:
        return [unjudgeable]
    ipv4, ipv6 = observation.ipv4, observation.ipv6
    addresses = (ipv4 or ()) + (ipv6 or ())
    evidence = _evidence(observation, "A", "AAAA") | {
        ADDRESSES: _joined(addresses),
        NON_PUBLIC: _joined(observation.non_public) or None,
        CNAME_CHAIN: _joined(observation.cname_chain) or None,
    }
    subject = f"host:{observation.host}"
    if observation.non_public:
        message = f"{observation.host} resolves to non-public addresses: {evidence[NON_PUBLIC]}."
        return [NON_PUBLIC_SPEC.judged(True, message, subject=subject, evidence=evidence)]  # noqa: FBT003
    if ipv4 is None or ipv6 is None:
        return _failed(NON_PUBLIC_SPEC, f"the addresses of {observation.host}", evidence)
    if not addresses:
        gone = " (NXDOMAIN)" if observation.host.rstrip(".").lower() in observation.nxdomain else ""
        message = f"{observation.host} has no A or AAAA records{gone}: nothing to judge."
        return [NON_PUBLIC_SPEC.finding(Outcome.NOT_AVAILABLE, message, evidence=evidence)]
    message = f"Every address of {observation.host} is public ({evidence[ADDRESSES]})."
    return [NON_PUBLIC_SPEC.judged(False, message, subject=subject, evidence=evidence)]  # noqa: FBT003


DNSSEC_SPEC = domain_spec(
    "domain_lacks_dnssec",
    question="Is the endpoint's registrable domain published without DNSSEC signatures?",
    rationale=(
        "Without DNSSEC a resolver cannot tell forged answers from real ones, so an on-path "
        "or cache-poisoning attacker can point the name elsewhere. A small hygiene signal."
    ),
    severity=Severity.LOW,
    remediation="Sign the zone and publish its DS record at the registrar.",
    references=("RFC 4033", "RFC 4035"),
)


def lacks_dnssec(observation: DnsObservation) -> list[Finding]:
    """FALSE when the resolver validated (AD) or the DNSKEY set verifies its own signature."""
    unjudgeable = _unjudgeable(DNSSEC_SPEC, observation)
    if unjudgeable is not None:
        return [unjudgeable]
    evidence = _evidence(observation, "DNSKEY") | {
        DNSKEY_COUNT: observation.dnskey_count,
        DNSSEC_SIGNED: observation.dnssec_signed,
        DNSSEC_VALIDATED: observation.dnssec_validated,
    }
    domain, subject = observation.registrable_domain, f"domain:{observation.registrable_domain}"
    if observation.dnssec_validated or observation.dnssec_signed:
        how = "validated by the resolver" if observation.dnssec_validated else "self-consistent"
        message = f"{domain} is DNSSEC-signed ({how})."
        return [DNSSEC_SPEC.judged(False, message, subject=subject, evidence=evidence)]  # noqa: FBT003
    if observation.dnskey_count is None:
        return _failed(DNSSEC_SPEC, f"the DNSKEY records of {domain}", evidence)
    if observation.dnskey_count == 0:
        message = f"{domain} publishes no DNSKEY records."
    elif observation.dnssec_signed is False:
        message = f"{domain} publishes DNSKEY records but no signature over them verifies."
    else:
        return _failed(DNSSEC_SPEC, f"the DNSKEY signature of {domain}", evidence)
    return [DNSSEC_SPEC.judged(True, message, subject=subject, evidence=evidence)]  # noqa: FBT003


CAA_SPEC = domain_spec(
    "domain_lacks_caa",
    question="Do the host and its parents up to the registrable domain all lack CAA records?",
    rationale=(
        "CAA names the CAs allowed to issue certificates for the name; without it any CA "
        "may be tricked into issuing one, and a later certificate cannot be checked against it."
    ),
    severity=Severity.LOW,
    remediation='Publish CAA records naming your CA, e.g. `0 issue "letsencrypt.org"`.',
    references=("RFC 8659",),
)


def lacks_caa(observation: DnsObservation) -> list[Finding]:
    """TRUE when no name from the host up to the registrable domain has CAA records."""
    unjudgeable = _unjudgeable(CAA_SPEC, observation)
    if unjudgeable is not None:
        return [unjudgeable]
    evidence = _evidence(observation, "CAA") | {
        CAA_RECORDS: _joined(observation.caa),
        CAA_NAME: observation.caa_name,
    }
    subject = f"host:{observation.host}"
    if observation.caa is None:
        return _failed(CAA_SPEC, f"the CAA records above {observation.host}", evidence)
    if observation.caa:
        message = f"{observation.caa_name} publishes CAA: {evidence[CAA_RECORDS]}."
    else:
        message = f"No name from {observation.host} up to {observation.registrable_domain} has CAA."
    return [CAA_SPEC.judged(not observation.caa, message, subject=subject, evidence=evidence)]


MAIL_SPEC = domain_spec(
    "domain_mail_lacks_spf_or_dmarc",
    question="Does the registrable domain receive mail (MX) but lack a valid SPF or DMARC record?",
    rationale=(
        "A domain that handles mail but publishes no SPF or DMARC policy can be spoofed in "
        "phishing that borrows the endpoint's name. Without MX the question does not arise."
    ),
    severity=Severity.LOW,
    remediation="Publish one `v=spf1` TXT record and one `_dmarc` TXT record with `v=DMARC1`.",
    references=("RFC 7208", "RFC 7489", "RFC 7505"),
)


def _dmarc_policy(records: tuple[str, ...] | None) -> str | None:
    match = _DMARC_POLICY.search(records[0]) if records else None
    return match.group(1).lower() if match else None


def _one(records: tuple[str, ...] | None) -> bool | None:
    """Whether exactly one record exists (RFC 7208 4.5, RFC 7489 6.6.3: more is an error)."""
    return None if records is None else len(records) == 1


def mail_lacks_spf_or_dmarc(observation: DnsObservation) -> list[Finding]:
    """TRUE when real MX exist but SPF or DMARC is missing or duplicated; N/A without MX."""
    unjudgeable = _unjudgeable(MAIL_SPEC, observation)
    if unjudgeable is not None:
        return [unjudgeable]
    evidence = _evidence(observation, "MX", "TXT") | {
        MX_RECORDS: _joined(observation.mx),
        SPF_RECORDS: _joined(observation.spf),
        DMARC_RECORDS: _joined(observation.dmarc),
        DMARC_POLICY: _dmarc_policy(observation.dmarc),
    }
    domain, subject = observation.registrable_domain, f"domain:{observation.registrable_domain}"
    if observation.mx is None:
        return _failed(MAIL_SPEC, f"the MX records of {domain}", evidence)
    if not [mx for mx in observation.mx if mx.split()[-1] != "."]:  # RFC 7505 null MX
        message = f"{domain} receives no mail (no MX, or a null MX): SPF and DMARC do not apply."
        return [MAIL_SPEC.finding(Outcome.NOT_APPLICABLE, message, evidence=evidence)]
    spf, dmarc = _one(observation.spf), _one(observation.dmarc)
    missing = [name for name, ok in (("SPF", spf), ("DMARC", dmarc)) if ok is False]
    if missing:
        message = f"{domain} has MX but not exactly one {' or '.join(missing)} record."
        return [MAIL_SPEC.judged(True, message, subject=subject, evidence=evidence)]  # noqa: FBT003
    if spf is None or dmarc is None:
        return _failed(MAIL_SPEC, f"the SPF or DMARC records of {domain}", evidence)
    message = f"{domain} has MX, one SPF and one DMARC record (p={evidence[DMARC_POLICY]})."
    return [MAIL_SPEC.judged(False, message, subject=subject, evidence=evidence)]  # noqa: FBT003


DNS_PROBES: tuple[Probe[DnsObservation], ...] = (
    Probe(NON_PUBLIC_SPEC, resolves_to_non_public_address),
    Probe(DNSSEC_SPEC, lacks_dnssec),
    Probe(CAA_SPEC, lacks_caa),
    Probe(MAIL_SPEC, mail_lacks_spf_or_dmarc),
)
