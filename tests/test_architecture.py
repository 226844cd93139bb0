"""Guards that keep the design honest: layering, spec quality, policy wiring."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

from probes.model import Family, Outcome
from probes.registry import FAMILIES, catalogue
from trustsvc.scoring.policy import POLICY

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_probes_never_import_trustsvc() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "probes").rglob("*.py")
        if any(name == "trustsvc" or name.startswith("trustsvc.") for name in _imports(path))
    ]
    assert offenders == []


def test_specs_are_complete_and_unique() -> None:
    specs = catalogue()
    assert len(specs) == sum(len(f.probes) for f in FAMILIES)
    for spec in specs.values():
        assert spec.question.endswith("?"), spec.id
        assert spec.rationale, spec.id
        assert spec.remediation, spec.id
        assert spec.bad_outcome in (Outcome.TRUE, Outcome.FALSE), spec.id


def test_every_gate_names_real_probes() -> None:
    specs = catalogue()
    for gate in POLICY.gates:
        assert gate.probe_ids <= set(specs), (gate.id, gate.probe_ids - set(specs))


def test_every_registered_family_feeds_a_dimension() -> None:
    fed = {family for families in POLICY.sources.values() for family in families}
    assert {f.family for f in FAMILIES} <= fed
    assert fed <= set(Family)


def test_every_spec_of_every_family_has_both_polarity_cases() -> None:
    """Each family ships tests/unit/<family>/polarity_cases.py: a bad and a good case per spec."""
    for family in FAMILIES:
        module = importlib.import_module(f"tests.unit.{family.family.value}.polarity_cases")
        cases: list[tuple[str, object, Outcome]] = module.POLARITY_CASES
        for spec in family.specs:
            outcomes = {outcome for probe_id, _, outcome in cases if probe_id == spec.id}
            assert {spec.bad_outcome, spec.good_outcome} <= outcomes, spec.id
