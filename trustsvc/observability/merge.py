"""One exposition from several processes' registries: `serve`'s own and its jobs process's.

Both processes build the same `Metrics`, so a family exists in each. Counters and
histograms add up sample by sample (same name and labels): requests counted in one
process, scans and lag samples in the other, and a series both have is their sum. A
`_created` timestamp is the earlier one. A gauge is a reading, not a count: the first text's
value wins (the API's queue depth, read at this scrape) and the others only add series it
lacks. Series and families keep the first text's order, then the order they were met.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import generate_latest
from prometheus_client.metrics_core import Metric
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.registry import Collector, CollectorRegistry
from prometheus_client.samples import Sample

_ADDITIVE = frozenset({"counter", "histogram", "summary"})

SampleKey = tuple[str, tuple[tuple[str, str], ...]]


def merge_expositions(*texts: str) -> bytes:
    """The text exposition of the merged families of `texts` (format 0.0.4)."""
    families: dict[str, Metric] = {}
    values: dict[str, dict[SampleKey, Sample]] = {}
    for text in texts:
        for family in text_string_to_metric_families(text):
            kept = families.setdefault(
                family.name, Metric(family.name, family.documentation, family.type, family.unit)
            )
            series = values.setdefault(family.name, {})
            for sample in family.samples:
                key = (sample.name, tuple(sorted(sample.labels.items())))
                seen = series.get(key)
                if seen is None:
                    series[key] = sample
                elif sample.name.endswith("_created"):
                    series[key] = seen._replace(value=min(seen.value, sample.value))
                elif kept.type in _ADDITIVE:
                    series[key] = seen._replace(value=seen.value + sample.value)
    for name, family in families.items():
        family.samples = list(values[name].values())
    registry = CollectorRegistry()
    registry.register(_Fixed(list(families.values())))
    return generate_latest(registry)


class _Fixed(Collector):
    """A collector that yields families already built."""

    def __init__(self, families: list[Metric]) -> None:
        self._families = families

    def collect(self) -> Iterator[Metric]:
        """The families, as they are."""
        yield from self._families
