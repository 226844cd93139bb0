"""The SSRF guard: every non-public address form is refused unless an operator allows it."""

from __future__ import annotations

import ipaddress

import pytest

from probes.errors import TargetRejected, Unreachable
from probes.netpolicy import NetworkPolicy, resolve_target
from probes.target import parse_endpoint_url

REFUSED = [
    "127.0.0.1",
    "127.255.255.254",
    "10.0.0.1",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.10.10",
    "169.254.169.254",
    "100.64.0.1",
    "100.100.100.200",
    "0.0.0.0",
    "224.0.0.1",
    "240.0.0.1",
    "255.255.255.255",
    "192.0.0.192",
    "198.18.0.1",
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "fd00:ec2::254",
    "ff02::1",
    "::ffff:127.0.0.1",
    "::ffff:169.254.169.254",
    "2002:7f00:1::",
    "64:ff9b::a00:1",
    "2001:0:4136:e378:8000:63bf:80ff:fffe",
]
PUBLIC = ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "93.184.215.14"]


@pytest.mark.parametrize("address", REFUSED)
def test_non_public_addresses_are_refused_by_default(address: str) -> None:
    reason = NetworkPolicy().refusal(ipaddress.ip_address(address))
    assert reason is not None
    assert (
        address.split("%", maxsplit=1)[0] in reason
        or ipaddress.ip_address(address).compressed in reason
    )


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_allowed(address: str) -> None:
    assert NetworkPolicy().refusal(ipaddress.ip_address(address)) is None


def test_allow_private_permits_loopback_but_never_metadata() -> None:
    policy = NetworkPolicy(allow_private=True)
    assert policy.refusal(ipaddress.ip_address("127.0.0.1")) is None
    assert policy.refusal(ipaddress.ip_address("10.1.2.3")) is None
    assert "metadata" in (policy.refusal(ipaddress.ip_address("169.254.169.254")) or "")
    assert "metadata" in (policy.refusal(ipaddress.ip_address("::ffff:169.254.169.254")) or "")


def test_allow_list_permits_exactly_its_networks() -> None:
    policy = NetworkPolicy(allowed_networks=(ipaddress.ip_network("127.0.0.0/8"),))
    assert policy.refusal(ipaddress.ip_address("127.0.0.2")) is None
    assert policy.refusal(ipaddress.ip_address("10.0.0.1")) is not None
    assert policy.refusal(ipaddress.ip_address("::1")) is not None


def test_one_private_address_among_several_refuses_the_target() -> None:
    with pytest.raises(TargetRejected, match=r"10\.0\.0\.7 is a private address"):
        NetworkPolicy().check(["8.8.8.8", "10.0.0.7", "1.1.1.1"])


def test_check_pins_deduplicated_addresses_in_order() -> None:
    assert NetworkPolicy().check(["8.8.8.8", "1.1.1.1", "8.8.8.8"]) == ("8.8.8.8", "1.1.1.1")


def test_a_name_without_addresses_is_unreachable_not_refused() -> None:
    with pytest.raises(Unreachable):
        NetworkPolicy().check([])


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/",
        "https://2130706433/",
        "https://0x7f.0.0.1/",
        "https://017700000001/",
        "https://[::1]/",
        "https://[::ffff:127.0.0.1]/",
        "https://[::ffff:7f00:1]/",
        "https://169.254.169.254/latest/meta-data/",
    ],
)
async def test_ip_literal_urls_in_any_spelling_are_refused(url: str) -> None:
    async def never(host: str, port: int) -> list[str]:
        raise AssertionError("IP literals must not be resolved")

    with pytest.raises(TargetRejected, match="refused by network policy"):
        await resolve_target(parse_endpoint_url(url), NetworkPolicy(), never)


async def test_names_resolve_once_and_pin_the_approved_addresses() -> None:
    calls: list[tuple[str, int]] = []

    async def resolver(host: str, port: int) -> list[str]:
        calls.append((host, port))
        return ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]

    target = await resolve_target(
        parse_endpoint_url("https://example.com/mcp"), NetworkPolicy(), resolver
    )
    assert calls == [("example.com", 443)]
    assert target.pinned_address == "93.184.215.14"
    assert target.addresses == ("93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c")


async def test_name_resolving_to_a_private_address_is_refused() -> None:
    async def resolver(host: str, port: int) -> list[str]:
        return ["93.184.215.14", "192.168.0.10"]

    with pytest.raises(TargetRejected, match=r"192\.168\.0\.10"):
        await resolve_target(
            parse_endpoint_url("https://rebind.example/"), NetworkPolicy(), resolver
        )


async def test_localhost_resolves_with_the_system_resolver_and_is_refused() -> None:
    with pytest.raises(TargetRejected, match="loopback"):
        await resolve_target(parse_endpoint_url("https://localhost:8443/"), NetworkPolicy())


def test_allow_public_off_confines_probing_to_the_allow_list() -> None:
    policy = NetworkPolicy(
        allowed_networks=(ipaddress.ip_network("127.0.0.0/8"),), allow_public=False
    )
    assert policy.refusal(ipaddress.ip_address("127.0.0.1")) is None
    reason = policy.refusal(ipaddress.ip_address("8.8.8.8"))
    assert reason == "8.8.8.8 is outside the allowed networks"
    assert policy.refusal(ipaddress.ip_address("10.0.0.1")) == "10.0.0.1 is a private address"
    with pytest.raises(TargetRejected, match="outside the allowed networks"):
        policy.check(["127.0.0.1", "1.1.1.1"])
