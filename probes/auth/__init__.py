"""The auth probe family: access model, OAuth discovery and Streamable HTTP hygiene.

`AUTH_FAMILY.probes` lists the probes in catalogue order; the access dimension refers to them
by id and reads the `auth_model` every finding carries.
"""

from __future__ import annotations

from probes.auth.catalogue import AUTH_PROBES
from probes.auth.collect import collect_auth
from probes.auth.observation import AuthModel, AuthObservation
from probes.family import FamilySpec
from probes.model import Family

__all__ = ["AUTH_FAMILY", "AuthModel", "AuthObservation", "collect_auth"]

AUTH_FAMILY: FamilySpec[AuthObservation] = FamilySpec(
    family=Family.AUTH, collect=collect_auth, probes=AUTH_PROBES
)
