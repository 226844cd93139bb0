"""DNS posture of an endpoint's host and zone: the names the domain family uses.

Split for size: the observation (dns_observation), the collector asking a configured resolver
(dns_collect) and the pure probes judging it (dns_probes).
"""

from __future__ import annotations

from probes.domain.dns_collect import collect_dns
from probes.domain.dns_observation import DnsObservation, DnsProblem
from probes.domain.dns_probes import DNS_PROBES

__all__ = ["DNS_PROBES", "DnsObservation", "DnsProblem", "collect_dns"]
