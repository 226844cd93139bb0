"""The mapping table covers every probe, names only real ids, and keeps editions apart.

Other probe families land in parallel, so every failure here says which probe, which file
and what to write: the table is data, and adding a probe means adding its entry.
"""

from __future__ import annotations

import pytest

from probes.frameworks import (
    Provenance,
    Reference,
    editions,
    mappings,
    problems,
    reference_from_token,
    references_for,
)
from probes.frameworks.citations import PINNED_IN_TABLE
from probes.frameworks.load import _mapping
from probes.registry import catalogue

ENTRY_TEMPLATE = """
[{probe_id}]
provenance = "observed"   # or "declared" / "inferred" (see probes/frameworks/data/README.md)
owasp-mcp-2025-beta = ["MCP0?"]
cosai-mcp-2-0 = ["MCP-T?"]
# ... and any of: owasp-llm-2025, owasp-llm-2026, owasp-asi-2026, mitre-atlas-2026-09, cwe-4-16
"""


def test_every_probe_has_a_mapping_with_at_least_one_framework_id() -> None:
    table = mappings()
    missing = [
        f"probe {spec.id} ({spec.family.value} family) has no entry in "
        f"probes/frameworks/data/mappings/{spec.family.value}.toml; add:"
        + ENTRY_TEMPLATE.format(probe_id=spec.id)
        for spec in catalogue().values()
        if spec.id not in table
    ]
    empty = [
        f"probe {probe_id} ({mapping.source}) maps to no framework id: add at least one"
        for probe_id, mapping in table.items()
        if not mapping.references
    ]
    assert not missing + empty, "\n".join(missing + empty)


def test_every_mapped_id_exists_in_its_editions_index() -> None:
    found = problems()
    assert not found, "\n".join(found)


def test_the_table_maps_no_probe_that_does_not_exist() -> None:
    specs = catalogue()
    stale = [
        f"{mapping.source} maps {probe_id}, which no probe family declares: remove or rename it"
        for probe_id, mapping in mappings().items()
        if probe_id not in specs
    ]
    assert not stale, "\n".join(stale)


def test_the_mapping_file_of_a_probe_is_its_familys() -> None:
    specs = catalogue()
    wrong = [
        f"{probe_id} is mapped in {m.source}; move it to mappings/{specs[probe_id].family}.toml"
        for probe_id, m in mappings().items()
        if probe_id in specs and m.source != f"mappings/{specs[probe_id].family.value}.toml"
    ]
    assert not wrong, "\n".join(wrong)


def test_specs_cite_no_framework_id_that_belongs_in_the_table() -> None:
    """Framework ids in code have no edition; the table is the one place they live."""
    offenders = [
        f"probe {spec.id} cites {text!r} in its code (references=...): map it with its "
        f"edition in probes/frameworks/data/mappings/{spec.family.value}.toml instead"
        for spec in catalogue().values()
        for text in spec.citations
        if PINNED_IN_TABLE.match(text)
    ]
    assert not offenders, "\n".join(offenders)


def _titles(key: str, ids: list[Reference]) -> set[str]:
    titles = editions()[key].titles
    return {str(titles[ref.id]) for ref in ids}


def test_both_llm_editions_name_the_same_risks_for_a_probe() -> None:
    """A risk both editions define (by title) is mapped in both or neither: ids were
    renumbered in 2026, so copying LLM06 from 2025 into 2026 would be Unbounded Consumption.
    """
    both = set(editions()["owasp-llm-2025"].titles.values()) & set(
        editions()["owasp-llm-2026"].titles.values()
    )
    differing = []
    for probe_id, mapping in mappings().items():
        old = [r for r in mapping.references if r.framework == "OWASP-LLM" and r.edition == "2025"]
        new = [r for r in mapping.references if r.framework == "OWASP-LLM" and r.edition == "2026"]
        old_titles = _titles("owasp-llm-2025", old) & both
        new_titles = _titles("owasp-llm-2026", new) & both
        if old_titles != new_titles:
            differing.append(f"{probe_id}: 2025 {sorted(old_titles)} vs 2026 {sorted(new_titles)}")
    assert not differing, "\n".join(differing)


def test_the_cc_by_nc_sa_list_ships_ids_only() -> None:
    mcp = editions()["owasp-mcp-2025-beta"]
    assert mcp.titles == dict.fromkeys(f"MCP{n:02d}" for n in range(1, 11))


def test_a_reference_round_trips_through_its_stored_token() -> None:
    ref = Reference("OWASP-LLM", "LLM03", "2026")
    assert ref.token() == "OWASP-LLM@2026:LLM03"
    assert reference_from_token(ref.token()) == ref


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        ("OWASP-MCP03", Reference("OWASP-MCP", "MCP03")),
        ("OWASP-LLM06", Reference("OWASP-LLM", "LLM06")),
        ("ATLAS AML.T0110", Reference("MITRE-ATLAS", "AML.T0110")),
        ("CWE-295", Reference("CWE", "CWE-295")),
        ("RFC 9728", Reference("RFC", "RFC 9728")),
        ("CVE-2014-0160", Reference("CVE", "CVE-2014-0160")),
        ("SAFE-T1001", Reference("SAFE-MCP", "SAFE-T1001")),
        ("https://example.com/x:y@z", Reference("URL", "https://example.com/x:y@z")),
        ("OWASP-MCP", Reference("other", "OWASP-MCP")),
    ],
)
def test_old_stored_strings_read_back_without_an_edition(stored: str, expected: Reference) -> None:
    """Findings stored before editions were recorded keep their references, unpinned."""
    assert reference_from_token(stored) == expected


def test_a_specs_references_are_the_tables_then_its_citations() -> None:
    refs = references_for("tool_definition_contains_hidden_instructions", ("SAFE-T1001",))
    assert refs[0] == Reference("OWASP-MCP", "MCP03", "2025-beta")
    assert Reference("OWASP-LLM", "LLM01", "2026") in refs
    assert Reference("MITRE-ATLAS", "AML.T0110.000", "2026.09") in refs
    assert refs[-1] == Reference("SAFE-MCP", "SAFE-T1001")


def test_excessive_agency_is_llm06_in_2025_and_llm03_in_2026() -> None:
    refs = references_for("tool_capability_is_destructive")
    assert Reference("OWASP-LLM", "LLM06", "2025") in refs
    assert Reference("OWASP-LLM", "LLM03", "2026") in refs


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"owasp-llm-2026": ["LLM01"]}, "provenance must be one of"),
        ({"provenance": "guessed"}, "provenance must be one of"),
        ({"provenance": "observed", "owasp-llm": ["LLM01"]}, "unknown edition keys"),
        ({"provenance": "observed", "cwe-4-16": "CWE-20"}, "must be a list of ids"),
    ],
)
def test_a_malformed_entry_is_refused_naming_its_file_and_probe(
    table: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message) as raised:
        _mapping("some_probe_id", table, "mappings/tools.toml", editions())
    assert "mappings/tools.toml [some_probe_id]" in str(raised.value)


def test_provenance_defaults_to_the_table_and_a_probe_may_override_it() -> None:
    spec = catalogue()["tool_capability_is_destructive"]
    assert spec.provenance is Provenance.INFERRED
    assert spec.judged(True, "x").provenance is Provenance.INFERRED
    assert spec.judged(True, "x", provenance=Provenance.DECLARED).provenance is (
        Provenance.DECLARED
    )
