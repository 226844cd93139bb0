"""The lab PKI for tests: a thin re-export of trustsvc.lab.pki (no pytest imports here)."""

from __future__ import annotations

from trustsvc.lab.pki import LAB_SANS, SCENARIOS, LabPki, LeafFiles, mint_lab_pki

__all__ = ["LAB_SANS", "SCENARIOS", "LabPki", "LeafFiles", "mint_lab_pki"]
