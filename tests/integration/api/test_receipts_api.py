"""Receipts over the API: a real scan of a TLS MCP server, signed, verified with the JWKS."""

from __future__ import annotations

import json
from pathlib import Path

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.servers.mcp import mcp_server
from trustsvc.clock import utc_now
from trustsvc.lab.pki import LabPki
from trustsvc.receipts.keys import KeyStore
from trustsvc.receipts.meta import META_KEY
from trustsvc.receipts.verify import key_set, verify_receipt

Client = AsyncTestClient[Litestar]


async def test_a_scan_has_a_receipt_that_verifies_with_the_served_keys(
    client: Client, lab_pki: LabPki, tmp_path: Path
) -> None:
    valid = lab_pki["valid"]
    with mcp_server(mode="json", tls=(valid.chain, valid.key)) as server:
        scanned = await client.post("/v1/scans", json={"url": server.url})
    assert scanned.status_code == 201, scanned.text
    scan_id = scanned.json()["scan_id"]

    response = await client.get(f"/v1/scans/{scan_id}/receipt")
    assert response.status_code == 200, response.text
    receipt = response.json()
    keys = await client.get("/.well-known/trustsvc-keys.json")
    assert keys.status_code == 200
    assert keys.headers["content-type"].startswith("application/jwk-set+json")
    jwks = keys.json()
    assert all("d" not in jwk for jwk in jwks["keys"])
    verdict = verify_receipt(receipt, key_set(jwks), utc_now())
    assert verdict.ok, verdict.reason

    ours = receipt["trustsvc"]
    assert ours["scan_id"] == scan_id
    assert receipt["scanned_artifact_ref"] == server.url
    assert ours["digests"]["tool_set"].startswith("sha256:")
    assert ours["digests"]["certificate"].startswith("sha256:")
    assert "remote-endpoint:tools" in receipt["scan_scope"]
    assert ours["assurance_level"] == scanned.json()["assurance"]["level"]

    wrapped = (await client.get(f"/v1/scans/{scan_id}/receipt?format=server-json")).json()
    [entry] = wrapped["_meta"][META_KEY]
    assert entry["scanned_artifact_digest"] == receipt["scanned_artifact_digest"]
    assert verify_receipt(entry, key_set(jwks), utc_now()).ok

    # Rotation by the CLI (another process, same file): the API signs with the new key at
    # once, serves both keys, and the earlier receipt still verifies.
    store = KeyStore(tmp_path / "trustsvc-signing-keys.json", create=False)
    fresh = store.rotate(utc_now())
    after = (await client.get(f"/v1/scans/{scan_id}/receipt")).json()
    rotated = key_set((await client.get("/.well-known/trustsvc-keys.json")).json())
    assert set(rotated) == {verdict.kid, fresh.kid}
    assert verify_receipt(after, rotated, utc_now()).kid == fresh.kid
    assert verify_receipt(json.loads(json.dumps(receipt)), rotated, utc_now()).ok


async def test_receipts_of_unknown_scans_are_404_problems(client: Client) -> None:
    response = await client.get("/v1/scans/no-such-scan/receipt")
    assert response.status_code == 404
    assert response.json()["type"].endswith("/not-found")
