"""The lab PKI for tests: a thin re-export of probes.tls.labpki (no pytest imports here)."""

from __future__ import annotations

from probes.tls.labpki import LAB_SANS, SCENARIOS, LabPki, LeafFiles, mint_lab_pki

__all__ = ["LAB_SANS", "SCENARIOS", "LabPki", "LeafFiles", "mint_lab_pki"]
