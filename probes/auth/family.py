"""The auth family: the collector and the probes in catalogue order.

The access dimension refers to the probes by id and reads the `auth_model` every finding
carries.
"""

from __future__ import annotations

from typing import Final

from probes.auth import discovery_probes as discovery
from probes.auth import http_probes as hygiene
from probes.auth import model_probes as model
from probes.auth import url_probes as urls
from probes.auth.collect import collect_auth
from probes.auth.observation import AuthObservation
from probes.family import FamilySpec
from probes.model import Family, Probe

AUTH_PROBES: Final[tuple[Probe[AuthObservation], ...]] = (
    Probe(model.OPEN_WITHOUT_CREDENTIALS, model.endpoint_open_without_credentials),
    Probe(model.MODEL_BROKEN, model.auth_model_broken),
    Probe(model.CHALLENGE_LACKS_RESOURCE_METADATA, model.challenge_lacks_resource_metadata),
    Probe(discovery.PRM_PUBLISHED, discovery.protected_resource_metadata_published),
    Probe(discovery.PRM_INVALID, discovery.protected_resource_metadata_invalid),
    Probe(discovery.AS_INVALID, discovery.authorization_server_metadata_invalid),
    Probe(discovery.PKCE_S256_SUPPORTED, discovery.pkce_s256_supported),
    Probe(urls.DANGEROUS_URL_SCHEME, urls.dangerous_url_scheme_advertised),
    Probe(hygiene.BOGUS_ORIGIN_ACCEPTED, hygiene.bogus_origin_accepted),
    Probe(hygiene.SESSION_ID_WEAK, hygiene.session_id_weak),
    Probe(hygiene.UNSUPPORTED_VERSION_ACCEPTED, hygiene.unsupported_protocol_version_accepted),
)

AUTH_FAMILY: Final[FamilySpec[AuthObservation]] = FamilySpec(
    family=Family.AUTH, collect=collect_auth, probes=AUTH_PROBES
)
