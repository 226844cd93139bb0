"""collect_tls and the TLS probes against real lab servers on 127.0.0.1, scanned by sslyze.

Every scenario gets one server for the module and all of them are scanned concurrently once;
the tests then judge the stored observations. Debian's OpenSSL 3.0 (behind Python's ssl) can
serve TLS 1.0/1.1, NULL suites and anonymous ECDH suites at @SECLEVEL=0, but has no SSLv2/SSLv3,
RC4, DES, 3DES or export suites, and anonymous DH (ADH) needs DH parameters that Python's ssl
does not set up by default, so AECDH is the anonymous case here. Heartbleed, CCS injection,
ROBOT and compression positives cannot be served at all; the unit tests cover those.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import Callable, Iterator

import pytest
import pytest_asyncio

from probes.children import ChildPool
from probes.context import ProbeContext, ProbeLimits
from probes.model import AttemptStatus, ErrorReason, Outcome
from probes.netpolicy import NetworkPolicy
from probes.runner import judge_observation, run_families
from probes.target import Target, parse_endpoint_url
from probes.tls.collect import collect_tls
from probes.tls.family import TLS_FAMILY
from probes.tls.observation import TlsObservation
from probes.tls.rating import rate_tls
from tests.servers.pki import LabPki
from tests.servers.tls import (
    LabTlsConfig,
    LabTlsServer,
    closing_server,
    hanging_server,
    unused_port,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

T, F = Outcome.TRUE, Outcome.FALSE
NA = Outcome.NOT_APPLICABLE
SCAN_LIMITS = ProbeLimits(network_timeout_s=5.0, network_retries=2)
TLS_1_2 = ssl.TLSVersion.TLSv1_2


def _leaf(
    name: str,
    *,
    minimum_version: ssl.TLSVersion = ssl.TLSVersion.TLSv1_2,
    maximum_version: ssl.TLSVersion = ssl.TLSVersion.MAXIMUM_SUPPORTED,
    ciphers: str | None = None,
    hsts_max_age: int | None = 31536000,
) -> Callable[[LabPki], LabTlsConfig]:
    def make(pki: LabPki) -> LabTlsConfig:
        return LabTlsConfig(
            chain=pki[name].chain,
            key=pki[name].key,
            minimum_version=minimum_version,
            maximum_version=maximum_version,
            ciphers=ciphers,
            hsts_max_age=hsts_max_age,
            weak=name in {"weakrsa", "sha1"},
        )

    return make


SCENARIOS: dict[str, Callable[[LabPki], LabTlsConfig]] = {
    "valid": _leaf("valid"),
    "expired": _leaf("expired"),
    "not_yet_valid": _leaf("not_yet_valid"),
    "selfsigned": _leaf("selfsigned"),
    "wronghost": _leaf("wronghost"),
    "weakrsa": _leaf("weakrsa"),
    "sha1": _leaf("sha1"),
    "ec": _leaf("ec"),
    "chained": _leaf("chained"),
    "missing_intermediate": _leaf("missing_intermediate"),
    "legacy": _leaf("valid", minimum_version=ssl.TLSVersion.TLSv1, maximum_version=TLS_1_2),
    "tls12_only": _leaf("valid", maximum_version=TLS_1_2),
    "null": _leaf("valid", maximum_version=TLS_1_2, ciphers="ECDHE+AESGCM:eNULL:!aNULL"),
    "anonymous": _leaf("valid", maximum_version=TLS_1_2, ciphers="ECDHE+AESGCM:aNULL:!eNULL"),
    "no_hsts": _leaf("valid", hsts_max_age=None),
}


def lab_target(port: int, scheme: str = "https") -> Target:
    """A target for a loopback server, built directly (the policy is not under test here)."""
    return Target(
        endpoint=parse_endpoint_url(f"{scheme}://localhost:{port}/mcp"), addresses=("127.0.0.1",)
    )


@pytest.fixture(scope="module")
def lab_servers(lab_pki: LabPki) -> Iterator[dict[str, LabTlsServer]]:
    with contextlib.ExitStack() as stack:
        yield {
            name: stack.enter_context(LabTlsServer(make(lab_pki)))
            for name, make in SCENARIOS.items()
        }


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def scans(lab_pki: LabPki, lab_servers: dict[str, LabTlsServer]) -> dict[str, TlsObservation]:
    ctx = ProbeContext(
        policy=NetworkPolicy(allow_private=True),
        limits=SCAN_LIMITS,
        ca_file=lab_pki.ca_cert,
        children=ChildPool(size=4),
    )
    try:
        observations = await asyncio.gather(
            *(collect_tls(lab_target(server.port), ctx) for server in lab_servers.values())
        )
    finally:
        ctx.close()
    return dict(zip(lab_servers, observations, strict=True))


def outcomes(observation: TlsObservation) -> dict[str, Outcome]:
    return {f.probe_id: f.outcome for f in judge_observation(TLS_FAMILY, observation)}


def bad_findings(observation: TlsObservation) -> set[str]:
    findings = judge_observation(TLS_FAMILY, observation)
    specs = {spec.id: spec for spec in TLS_FAMILY.specs}
    return {f.probe_id for f in findings if f.outcome is specs[f.probe_id].bad_outcome}


def assert_outcomes(observation: TlsObservation, expected: dict[str, Outcome]) -> None:
    actual = outcomes(observation)
    assert {k: actual[k] for k in expected} == expected


async def test_valid_server_is_clean_and_grades_a_plus(scans: dict[str, TlsObservation]) -> None:
    observation = scans["valid"]
    assert observation.command_errors == ()
    assert bad_findings(observation) == set()
    assert all(outcome.conclusive for outcome in outcomes(observation).values())
    cert = observation.certificate
    assert cert is not None
    assert cert.trusted_by == ("Supplied CA file",)
    assert (cert.key_type, cert.key_bits) == ("RSA", 2048)
    assert observation.hsts_max_age_s == 31536000
    assert rate_tls(observation).grade == "A+"


async def test_expired(scans: dict[str, TlsObservation]) -> None:
    assert_outcomes(
        scans["expired"],
        {
            "tls_certificate_expired": T,
            "tls_certificate_untrusted": T,
            "tls_certificate_expires_within_30_days": NA,
            "tls_certificate_not_yet_valid": F,
            "tls_rating_below_a": T,
        },
    )
    assert rate_tls(scans["expired"]).grade == "T"


async def test_not_yet_valid(scans: dict[str, TlsObservation]) -> None:
    assert_outcomes(
        scans["not_yet_valid"],
        {
            "tls_certificate_not_yet_valid": T,
            "tls_certificate_expired": F,
            "tls_certificate_untrusted": T,
        },
    )


async def test_self_signed(scans: dict[str, TlsObservation]) -> None:
    assert_outcomes(
        scans["selfsigned"],
        {
            "tls_certificate_self_signed": T,
            "tls_certificate_untrusted": T,
            "tls_certificate_chain_incomplete": F,
        },
    )


async def test_wrong_host_is_a_mismatch_not_a_trust_failure(
    scans: dict[str, TlsObservation],
) -> None:
    assert_outcomes(
        scans["wronghost"],
        {"tls_certificate_hostname_mismatch": T, "tls_certificate_untrusted": F},
    )
    assert rate_tls(scans["wronghost"]).grade == "M"


async def test_weak_rsa_key(scans: dict[str, TlsObservation]) -> None:
    findings = {f.probe_id: f for f in judge_observation(TLS_FAMILY, scans["weakrsa"])}
    weak = findings["tls_certificate_key_too_weak"]
    assert weak.outcome is T
    assert weak.evidence == {"key_type": "RSA", "key_bits": 1024}
    # sslyze's verifier accepts RSA-1024, so the chain itself is trusted.
    assert findings["tls_certificate_untrusted"].outcome is F


async def test_sha1_signature(scans: dict[str, TlsObservation]) -> None:
    assert_outcomes(
        scans["sha1"], {"tls_certificate_signature_weak_hash": T, "tls_certificate_untrusted": T}
    )


async def test_ec_key_is_strong_enough(scans: dict[str, TlsObservation]) -> None:
    findings = {f.probe_id: f for f in judge_observation(TLS_FAMILY, scans["ec"])}
    assert findings["tls_certificate_key_too_weak"].outcome is F
    assert findings["tls_certificate_key_too_weak"].evidence == {"key_type": "EC", "key_bits": 256}
    assert bad_findings(scans["ec"]) == set()


async def test_chain_through_an_intermediate(scans: dict[str, TlsObservation]) -> None:
    assert_outcomes(
        scans["chained"], {"tls_certificate_chain_incomplete": F, "tls_certificate_untrusted": F}
    )
    assert_outcomes(
        scans["missing_intermediate"],
        {"tls_certificate_chain_incomplete": T, "tls_certificate_untrusted": T},
    )


async def test_legacy_protocols(scans: dict[str, TlsObservation]) -> None:
    assert_outcomes(
        scans["legacy"],
        {
            "tls_1_0_offered": T,
            "tls_1_1_offered": T,
            "tls_1_2_supported": T,
            "tls_1_3_supported": F,
            "tls_sslv3_offered": F,
            "tls_sslv2_offered": F,
        },
    )
    rating = rate_tls(scans["legacy"])
    assert rating.grade == "B"
    assert rating.caps == ("B:tls1_0_offered", "B:tls1_1_offered")


async def test_without_tls_1_3(scans: dict[str, TlsObservation]) -> None:
    assert_outcomes(scans["tls12_only"], {"tls_1_3_supported": F, "tls_1_0_offered": F})
    assert rate_tls(scans["tls12_only"]).grade == "A-"


async def test_null_suites(scans: dict[str, TlsObservation]) -> None:
    assert_outcomes(
        scans["null"],
        {
            "tls_null_cipher_accepted": T,
            "tls_cipher_under_112_bits_accepted": T,
            "tls_anonymous_cipher_accepted": F,
            "tls_rating_below_a": T,
        },
    )
    assert rate_tls(scans["null"]).grade == "F"


async def test_anonymous_suites(scans: dict[str, TlsObservation]) -> None:
    assert_outcomes(
        scans["anonymous"],
        {"tls_anonymous_cipher_accepted": T, "tls_null_cipher_accepted": F},
    )
    assert "F:insecure_key" in rate_tls(scans["anonymous"]).caps


async def test_no_hsts(scans: dict[str, TlsObservation]) -> None:
    findings = {f.probe_id: f for f in judge_observation(TLS_FAMILY, scans["no_hsts"])}
    assert findings["tls_hsts_enforced"].outcome is F
    assert findings["tls_hsts_enforced"].evidence["hsts_max_age_s"] is None
    assert rate_tls(scans["no_hsts"]).warnings == ("hsts_missing",)


async def test_plain_http_needs_no_network(hostile_context: ProbeContext) -> None:
    observation = await collect_tls(lab_target(unused_port(), "http"), hostile_context)
    assert observation.scheme == "http"
    assert observation.completed_commands == ()
    found = outcomes(observation)
    assert found.pop("tls_endpoint_uses_plaintext_http") is T
    assert set(found.values()) == {NA}


async def _run_hostile(port: int, ctx: ProbeContext) -> tuple[ErrorReason | None, set[Outcome]]:
    result = await run_families(lab_target(port), ctx, (TLS_FAMILY,))
    (attempt,) = result.attempts
    assert attempt.status is AttemptStatus.ERROR
    assert len(result.findings) == len(TLS_FAMILY.specs)
    return attempt.reason, {f.outcome for f in result.findings}


async def test_hanging_server_ends_within_the_budget(hostile_context: ProbeContext) -> None:
    with hanging_server() as port:
        reason, found = await _run_hostile(port, hostile_context)
    assert reason in {
        ErrorReason.TIMEOUT,
        ErrorReason.TLS_HANDSHAKE_FAILED,
        ErrorReason.UNREACHABLE,
    }
    assert found == {Outcome.NOT_AVAILABLE}


async def test_server_closing_mid_handshake(hostile_context: ProbeContext) -> None:
    with closing_server() as port:
        reason, found = await _run_hostile(port, hostile_context)
    assert reason is ErrorReason.TLS_HANDSHAKE_FAILED
    assert found == {Outcome.NOT_AVAILABLE}


async def test_nothing_listening_is_unreachable(hostile_context: ProbeContext) -> None:
    reason, found = await _run_hostile(unused_port(), hostile_context)
    assert reason is ErrorReason.UNREACHABLE
    assert found == {Outcome.NOT_AVAILABLE}
