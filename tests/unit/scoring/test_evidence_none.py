"""The evidence.none gate: nothing about the endpoint measured is never a pass."""

from __future__ import annotations

from probes.model import Family, Finding, Outcome, ProbeSpec, Severity
from trustsvc.scoring.aggregate import score_findings
from trustsvc.scoring.evidence import NO_EVIDENCE_GATE, unmeasured_reason
from trustsvc.scoring.types import Verdict


def _spec(probe_id: str, family: Family) -> ProbeSpec:
    return ProbeSpec(
        id=probe_id,
        family=family,
        question=f"{probe_id}?",
        rationale="test",
        bad_outcome=Outcome.TRUE,
        severity=Severity.MEDIUM,
        remediation="fix",
    )


CATALOGUE = {
    "tls_x": _spec("tls_x", Family.TLS),
    "auth_x": _spec("auth_x", Family.AUTH),
    "tools_x": _spec("tools_x", Family.TOOLS),
    "domain_x": _spec("domain_x", Family.DOMAIN),
}
REFUSED = (
    "Not measured: tls collection failed (unreachable): connection refused: "
    'sslyze.errors.ServerRejectedConnection: 127.0.0.1:9 -> "Server rejected the connection".'
)


def _failed(*, domain: Outcome = Outcome.NOT_APPLICABLE) -> list[Finding]:
    return [
        CATALOGUE["tls_x"].finding(Outcome.NOT_AVAILABLE, REFUSED),
        CATALOGUE["auth_x"].finding(
            Outcome.NOT_AVAILABLE,
            "Not measured: auth collection failed (unreachable): cannot connect",
        ),
        CATALOGUE["tools_x"].finding(
            Outcome.ERROR, "Not measured: tools collection failed (bug): boom"
        ),
        CATALOGUE["domain_x"].finding(domain, "a domain fact"),
    ]


def test_no_endpoint_answer_is_could_not_assess_even_with_domain_facts() -> None:
    score = score_findings(_failed(domain=Outcome.FALSE), CATALOGUE)
    gate = score.gates[0]
    assert gate.id == NO_EVIDENCE_GATE
    assert gate.reason == (
        "could not assess: the endpoint could not be reached "
        '(connection refused: 127.0.0.1:9 -> "Server rejected the connection")'
    )
    assert score.grade == "?"
    assert score.verdict is Verdict.WARN
    assert "evidence.insufficient" not in {g.id for g in score.gates}


def test_one_endpoint_answer_lifts_the_gate() -> None:
    findings = _failed()
    findings[1] = CATALOGUE["auth_x"].finding(Outcome.NOT_APPLICABLE, "no auth here")
    assert NO_EVIDENCE_GATE not in {g.id for g in score_findings(findings, CATALOGUE).gates}


def test_a_catalogue_without_endpoint_families_never_fires_it() -> None:
    domain_only = {"domain_x": CATALOGUE["domain_x"]}
    found = [CATALOGUE["domain_x"].finding(Outcome.NOT_AVAILABLE, "Not measured: x")]
    assert NO_EVIDENCE_GATE not in {g.id for g in score_findings(found, domain_only).gates}


def test_reasons_read_as_plain_words() -> None:
    dns = CATALOGUE["tls_x"].finding(
        Outcome.NOT_AVAILABLE,
        "Not measured: tls collection failed (unreachable): the host did not resolve",
    )
    handshake = CATALOGUE["tls_x"].finding(
        Outcome.NOT_AVAILABLE, "Not measured: tls collection failed (tls_handshake_failed): "
    )
    assert (
        unmeasured_reason([dns]) == "the endpoint could not be reached (the host did not resolve)"
    )
    assert unmeasured_reason([handshake]) == "the TLS handshake failed"
    assert unmeasured_reason([]) == "none of the endpoint's probes gave an answer"
