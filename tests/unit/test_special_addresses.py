"""The IANA special-purpose tables: every block classified, every embedded IPv4 unwrapped."""

from __future__ import annotations

import ipaddress

import pytest

from probes.netpolicy import NetworkPolicy
from probes.special_addresses import (
    BLOCKS,
    EMBEDDINGS,
    IPV4_SPECIAL,
    IPV6_SPECIAL,
    Reach,
    classify,
    embedded_ipv4,
)
from tests.unit.netpolicy_cases import CASES


@pytest.mark.parametrize(("address", "refused", "why"), CASES)
def test_every_block_is_judged_as_the_registry_says(
    address: str, *, refused: bool, why: str
) -> None:
    reason = NetworkPolicy().refusal(ipaddress.ip_address(address))
    if refused:
        assert reason is not None, why
        assert ipaddress.ip_address(address).compressed in reason
    else:
        assert reason is None, f"{why}: {reason}"


def test_the_cases_cover_every_block_of_the_tables() -> None:
    covered = {classify(ipaddress.ip_address(address)).network for address, _, _ in CASES}
    missing = [str(b.network) for b in BLOCKS if b.network not in covered]
    assert missing == []
    # The registries' 2025 editions: 26 IPv4 rows (170 and 171 apart) and 25 IPv6 rows.
    assert (len(IPV4_SPECIAL), len(IPV6_SPECIAL)) == (26, 25)


def test_decisions_follow_the_registry_or_say_why_not() -> None:
    for block in IPV4_SPECIAL + IPV6_SPECIAL:
        follows = block.reach is (Reach.GLOBAL if block.globally_reachable else Reach.LOCAL)
        assert follows or block.note, block
        # Nothing the registry calls not globally reachable is ever probed as public.
        if block.globally_reachable is False:
            assert block.reach is not Reach.GLOBAL, block


@pytest.mark.parametrize(
    ("address", "carried"),
    [
        ("::ffff:7f00:1", ["127.0.0.1"]),
        ("::1", []),
        ("::", []),
        ("::7f00:1", ["127.0.0.1"]),
        ("::ffff:0:7f00:1", ["127.0.0.1"]),
        ("64:ff9b::a9fe:a9fe", ["169.254.169.254"]),
        ("64:ff9b:1::a00:1", ["10.0.0.1"]),
        ("2002:c0a8:101::1", ["192.168.1.1"]),
        # RFC 4380's own example: server 65.54.227.120, client 192.0.2.45 (inverted).
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", ["65.54.227.120", "192.0.2.45"]),
        ("2606:4700:4700::1111", []),
        ("8.8.8.8", []),
    ],
)
def test_embedded_ipv4_forms_are_unwrapped(address: str, carried: list[str]) -> None:
    found = embedded_ipv4(ipaddress.ip_address(address))
    assert [str(a) for a in found] == carried


def test_every_embedding_prefix_is_a_classified_block() -> None:
    networks = {b.network for b in BLOCKS}
    assert all(form.network in networks for form in EMBEDDINGS)


def test_allow_private_still_refuses_embedded_metadata_and_never_rows() -> None:
    policy = NetworkPolicy(allow_private=True)
    for address in ("64:ff9b:1::a9fe:a9fe", "::a9fe:a9fe", "2002:a9fe:a9fe::"):
        assert "metadata" in (policy.refusal(ipaddress.ip_address(address)) or ""), address
    for address in ("0.0.0.0", "::", "255.255.255.255", "239.1.2.3", "ff05::2"):
        assert policy.refusal(ipaddress.ip_address(address)) is not None, address
    assert policy.refusal(ipaddress.ip_address("::7f00:1")) is None
