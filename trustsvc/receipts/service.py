"""Receipts of stored scans and the key set that verifies them (for the API and the CLI)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from probes.model import ProbeSpec
from trustsvc.drift.repository import DriftRepository
from trustsvc.receipts.build import ReceiptInput, receipt_body
from trustsvc.receipts.keys import KeyStore
from trustsvc.receipts.sign import sign_receipt
from trustsvc.reports.stored import report_from_stored
from trustsvc.store.repositories import SCAN_COMPLETED, ScanRepository


class ScanNotReceiptable(Exception):
    """The scan exists but has no result to vouch for (still running, or failed)."""

    def __init__(self, scan_id: str, status: str, error: str | None) -> None:
        super().__init__(f"scan {scan_id} is {status}")
        self.scan_id = scan_id
        self.status = status
        self.error = error


class ReceiptService:
    """Builds and signs receipts on request.

    The stored scan is the record and a receipt a signed statement about it, so each
    request is signed afresh (`issued_at` is now) with the key in service now.
    """

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        keys: KeyStore,
        catalogue: Mapping[str, ProbeSpec],
        clock: Callable[[], datetime],
        public_url: str | None = None,
    ) -> None:
        self.sessions = sessions
        self.keys = keys
        self.catalogue = catalogue
        self.clock = clock
        self.public_url = public_url

    async def receipt(self, scan_id: str) -> dict[str, Any] | None:
        """The signed receipt of a completed scan; None when no such scan exists."""
        async with self.sessions() as session:
            stored = await ScanRepository(session).get(scan_id)
            if stored is None:
                return None
            if stored.scan.status != SCAN_COMPLETED:
                raise ScanNotReceiptable(scan_id, stored.scan.status, stored.scan.error)
            snapshot = await DriftRepository(session).snapshot(scan_id)
        now = self.clock()
        body = receipt_body(
            ReceiptInput(
                report=report_from_stored(stored, stored.scan.endpoint.url),
                snapshot=snapshot,
                catalogue=self.catalogue,
                issued_at=now,
                public_url=self.public_url,
            )
        )
        return sign_receipt(body, self.keys.active(now), public_url=self.public_url)

    def jwks(self) -> dict[str, Any]:
        """The public key set (RFC 7517), every key with its dates."""
        return {"keys": [key.jwk() for key in self.keys.public_keys(self.clock())]}
