"""Guards that keep the design honest: layering, spec quality, policy wiring.

The layering rules of docs/DESIGN.md section 2 are read off the code's imports (the `ast`
module, so nothing is imported to check it): probes never import trustsvc, scoring does no
I/O, the API never reaches a collector or the runner, the store never imports the API or
reports, and no two packages import each other, directly or round a longer loop.
"""

from __future__ import annotations

import ast
import functools
import importlib
import re
from dataclasses import dataclass
from pathlib import Path

from probes.model import Family, Outcome
from probes.registry import FAMILIES, catalogue
from trustsvc.scoring.policy import POLICY

ROOT = Path(__file__).resolve().parent.parent


# What doing I/O means for the scoring rule: a module that imports any of these does I/O.
IO_LIBRARIES = frozenset(
    {"aiohttp", "asyncio", "socket", "ssl", "sqlalchemy", "dns", "whois", "sslyze", "subprocess"}
)
# What the API may not import: the probing itself goes through the scan service only.
PROBING = re.compile(r"^probes\.(runner|http|http_response|mcp(\..*)?|.*\.(\w+_)?collect)$")


@dataclass(frozen=True)
class ImportGraph:
    """Every module of `probes` and `trustsvc` and the modules of the tree each one imports."""

    modules: dict[str, Path]
    imports: dict[str, set[str]]  # module -> every dotted name it imports (inside or not)

    def internal(self, module: str) -> set[str]:
        """The tree's modules that `module` imports (a package import counts as its face)."""
        return {name for name in self.imports[module] if name in self.modules} - {module}

    def reach(self, module: str) -> set[str]:
        """Every tree module `module` imports, directly or through others."""
        seen: set[str] = set()
        todo = [module]
        while todo:
            for name in self.internal(todo.pop()):
                if name not in seen:
                    seen.add(name)
                    todo.append(name)
        return seen


def _module_name(path: Path) -> str:
    name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    return name.removesuffix(".__init__")


def _imported_names(path: Path) -> set[str]:
    """Dotted names an import statement can bind: `from a.b import c` gives a.b and a.b.c."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


@functools.cache
def graph() -> ImportGraph:
    """Read once per session: every rule below walks the same graph."""
    paths = [p for top in ("probes", "trustsvc") for p in sorted((ROOT / top).rglob("*.py"))]
    modules = {_module_name(path): path for path in paths}
    return ImportGraph(modules, {name: _imported_names(path) for name, path in modules.items()})


def package_of(module: str) -> str:
    """The unit the package rule speaks of: `trustsvc.drift`, `probes.tools`, `trustsvc.clock`."""
    return ".".join(module.split(".")[:2])


def test_scoring_imports_nothing_that_does_io() -> None:
    g = graph()
    scoring = [m for m in g.modules if m.startswith("trustsvc.scoring")]
    offenders = {
        (module, name)
        for module in scoring
        for reached in (module, *g.reach(module))
        for name in g.imports[reached]
        if name.split(".")[0] in IO_LIBRARIES
    }
    assert offenders == set()


def test_the_api_never_imports_a_collector_or_the_runner() -> None:
    g = graph()
    offenders = {
        (module, name)
        for module in g.modules
        if module.startswith("trustsvc.api")
        for name in g.internal(module)
        if PROBING.match(name)
    }
    assert offenders == set()


def test_the_dashboard_reads_stored_data_only() -> None:
    """The dashboard never probes, never imports the API, and reaches scans only as stored.

    Its buttons call the API from the browser; its pages read through the repositories, so
    neither a collector, the runner, the scan service nor the API's handlers are in reach.
    """
    g = graph()
    offenders = {
        (module, name)
        for module in g.modules
        if module.startswith("trustsvc.dashboard")
        for name in g.internal(module)
        if PROBING.match(name) or name.startswith(("trustsvc.api", "trustsvc.scans"))
    }
    assert offenders == set()


def test_the_store_never_imports_the_api_or_reports() -> None:
    g = graph()
    offenders = {
        (module, name)
        for module in g.modules
        if module.startswith("trustsvc.store")
        for name in g.reach(module)
        if name.startswith(("trustsvc.api", "trustsvc.reports"))
    }
    assert offenders == set()


def test_no_packages_import_each_other() -> None:
    """Packages form a DAG: no pair, and no longer loop, imports itself round."""
    g = graph()
    edges: dict[str, set[str]] = {}
    for module in g.modules:
        edges.setdefault(package_of(module), set()).update(
            package_of(name)
            for name in g.internal(module)
            if package_of(name) != package_of(module)
        )
    assert list(_loops(edges)) == []


def test_no_modules_import_each_other() -> None:
    g = graph()
    edges = {module: g.internal(module) for module in g.modules}
    assert list(_loops(edges)) == []


def _loops(edges: dict[str, set[str]]) -> list[list[str]]:
    """Each import loop once, as the path that closes it (depth-first, white/grey/black)."""
    state: dict[str, int] = {}
    loops: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                loops.append([*path[path.index(nxt) :], node, nxt])
            elif nxt not in state:
                visit(nxt, [*path, node])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [])
    return loops


def test_the_rules_see_a_violation() -> None:
    """The loop finder and the probing pattern are not vacuous."""
    assert _loops({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]
    assert PROBING.match("probes.tools.collect")
    assert PROBING.match("probes.domain.dns_collect")
    assert PROBING.match("probes.runner")
    assert not PROBING.match("probes.target")
    assert graph().reach("trustsvc.scans.service") >= {"probes.runner"}


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
