"""Domain namespace proofs against the real DNS lab: present, absent, and unanswerable."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from probes.publisher.proofs import check_namespace
from tests.servers.dnslab import DnsLab, dns_lab, soa_zone

ZONES = {
    "proven-lab.com": soa_zone(
        "proven-lab.com",
        '@ IN TXT "v=spf1 -all"\n@ IN TXT "v=MCPv1; k=ed25519; p=MCowBQYDK2VwAyEA"\n',
    ),
    "lapsed-lab.com": soa_zone("lapsed-lab.com", '@ IN TXT "v=spf1 -all"\n'),
    "misplaced-lab.com": soa_zone(
        "misplaced-lab.com", '_mcp-registry IN TXT "v=MCPv1; k=ed25519; p=AAAA"\n'
    ),
}


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DnsLab]:
    with dns_lab(tmp_path_factory.mktemp("proofs"), ZONES) as running:
        yield running


@pytest.mark.parametrize(
    ("namespace", "proven"),
    [
        ("com.proven-lab", True),
        ("com.proven-lab.api", True),  # a DNS proof at the apex covers subdomains
        ("com.lapsed-lab", False),
        ("com.misplaced-lab", False),  # only the apex counts, as the registry checks it
    ],
)
async def test_the_apex_txt_proof(lab: DnsLab, namespace: str, proven: bool) -> None:  # noqa: FBT001
    check = await check_namespace(namespace, dns_config=lab.via_resolver(), http=None)
    assert (check.dns_proof, check.proven, check.problems) == (proven, proven, ())


async def test_a_lookup_that_fails_is_unknown_with_its_reason(lab: DnsLab) -> None:
    check = await check_namespace("com.elsewhere-lab", dns_config=lab.via_resolver(), http=None)
    assert (check.dns_proof, check.proven) == (None, None)
    assert check.problems
    assert check.problems[0].startswith("TXT elsewhere-lab.com")


async def test_github_namespaces_are_not_checked(lab: DnsLab) -> None:
    check = await check_namespace("io.github.alice", dns_config=lab.via_resolver(), http=None)
    assert (check.domain, check.proven) == (None, None)
