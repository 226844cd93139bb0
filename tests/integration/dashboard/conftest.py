"""Dashboard tests reuse the API tests' lab PKI (one per session)."""

from __future__ import annotations

from tests.integration.api.conftest import lab_pki

__all__ = ["lab_pki"]
