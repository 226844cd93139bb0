"""The domain family's spec factory, shared by its four parts' probe modules."""

from __future__ import annotations

from probes.model import Family, SpecFactory

domain_spec = SpecFactory(Family.DOMAIN)
