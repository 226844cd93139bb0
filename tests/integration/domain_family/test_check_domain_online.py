"""`trustsvc check-domain` online: the console script asks the lab's sources, as configured."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

from tests.integration.domain_family.conftest import DBL
from tests.servers.dnslab import DnsLab

TRUSTSVC = str(Path(sys.executable).parent / "trustsvc")


async def check(name: str, env: dict[str, str]) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        TRUSTSVC,
        "check-domain",
        name,
        "--format",
        "json",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, **env},
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


def lab_env(lab: DnsLab, rdap_url: str, feed: Path) -> dict[str, str]:
    return {
        "TRUSTSVC_DOMAIN_LOOKUPS": "on",
        "TRUSTSVC_DNS_NAMESERVERS": "127.0.0.1",
        "TRUSTSVC_DNS_PORT": str(lab.resolver_port),
        "TRUSTSVC_RDAP_BASE_URL": rdap_url,
        "TRUSTSVC_WHOIS": "off",
        "TRUSTSVC_ALLOWED_NETWORKS": "127.0.0.0/8",
        "TRUSTSVC_DNSBL_ZONES": f"lab-dbl={DBL}",
        "TRUSTSVC_BLOCKLIST_FEEDS": str(feed),
    }


async def test_a_young_lookalike_shows_its_registration_and_dns_facts(
    lab: DnsLab, rdap: tuple[str, list[str]], feed: Path
) -> None:
    code, out, err = await check("https://mcp.npnjs.com/mcp", lab_env(lab, rdap[0], feed))
    assert code == 0, err
    document = json.loads(out)
    assert (document["lookalike_of"], document["note"]) == ("npmjs.com", None)
    facts = document["network_facts"]
    registration = facts["registration"]["facts"]
    assert (registration["source"], registration["registrar"]) == (
        "rdap",
        "Example Registrar, Inc.",
    )
    assert facts["dns"]["ipv4"] == ["93.184.215.14"]
    assert facts["dns"]["dnssec_signed"] is False
    assert facts["reputation"]["zones_answered"] == ["lab-dbl"]
    outcomes = {f["probe_id"]: f["outcome"] for f in facts["findings"]}
    assert outcomes["domain_registered_within_7_days"] == "true"
    assert outcomes["domain_listed_as_malicious"] == "false"
    assert rdap[1] == ["npnjs.com"]


async def test_a_listed_domain_names_the_list_by_its_label(
    lab: DnsLab, rdap: tuple[str, list[str]], feed: Path
) -> None:
    code, out, err = await check("phish-lab.com", lab_env(lab, rdap[0], feed))
    assert code == 0, err
    findings = json.loads(out)["network_facts"]["findings"]
    listed = next(f for f in findings if f["probe_id"] == "domain_listed_as_malicious")
    assert listed["outcome"] == "true"
    assert "lab-dbl" in listed["message"]
    assert DBL not in out  # the zone (a DQS key, in production) stays out of the output


async def test_offline_asks_nothing(lab: DnsLab, rdap: tuple[str, list[str]], feed: Path) -> None:
    proc_env = lab_env(lab, rdap[0], feed)
    proc = await asyncio.create_subprocess_exec(
        TRUSTSVC,
        "check-domain",
        "mcp.npnjs.com",
        "--offline",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, **proc_env},
    )
    out, _ = await asyncio.wait_for(proc.communicate(), timeout=60)
    assert proc.returncode == 0
    assert "npmjs.com" in out.decode()
    assert rdap[1] == []
