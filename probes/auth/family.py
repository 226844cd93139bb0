"""The auth family: the collector and the probes in catalogue order.

The access dimension refers to the probes by id and reads the `auth_model` every finding
carries.
"""

from __future__ import annotations

from typing import Final

from probes.auth import discovery_probes as discovery
from probes.auth import feature_probes as features
from probes.auth import grant_probes as grants
from probes.auth import http_probes as hygiene
from probes.auth import model_probes as model
from probes.auth import registration_probes as registration
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
    Probe(registration.ISSUER_NOT_ADVERTISED, registration.issuer_parameter_not_advertised),
    Probe(registration.CIMD_SUPPORTED_SPEC, registration.client_id_metadata_documents_supported),
    Probe(registration.DCR_ONLY, registration.registration_is_dcr_only),
    Probe(grants.ENTERPRISE_SUPPORTED, grants.enterprise_managed_authorization_supported),
    Probe(grants.SHARED_SECRETS, grants.machine_grants_use_shared_secrets),
    Probe(grants.DPOP_SUPPORTED, grants.dpop_supported),
    Probe(urls.DANGEROUS_URL_SCHEME, urls.dangerous_url_scheme_advertised),
    Probe(hygiene.BOGUS_ORIGIN_ACCEPTED, hygiene.bogus_origin_accepted),
    Probe(hygiene.SESSION_ID_WEAK, hygiene.session_id_weak),
    Probe(hygiene.UNSUPPORTED_VERSION_ACCEPTED, hygiene.unsupported_protocol_version_accepted),
    Probe(features.EXTENSIONS_DECLARED, features.server_declares_extensions),
    Probe(features.DEPRECATED_OFFERED, features.server_offers_deprecated_features),
)

AUTH_FAMILY: Final[FamilySpec[AuthObservation]] = FamilySpec(
    family=Family.AUTH, collect=collect_auth, probes=AUTH_PROBES
)
