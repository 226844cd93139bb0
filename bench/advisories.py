#!/usr/bin/env python3
"""OSV advisory import (time, memory) and package matching (time per query), issue 8.

`--records` generated OSV records (default 50,000) are written, deterministically, into one
zip shaped like OSV's `all.zip` (one JSON file per record, deflated, in no useful order):
npm (SEMVER ranges, some scoped names) and PyPI (ECOSYSTEM ranges, names in several PEP 503
spellings), about one package name per ten records with a skewed spread (the busiest
packages carry hundreds of advisories, most a handful). Ranges mix "0"/fixed,
introduced/fixed, last_affected, two windows, never fixed, explicit `versions` lists and a
range with the versions it covers; PyPI vulnerabilities are often published twice (a GHSA
and a PYSEC record naming each other and one CVE as aliases, the PYSEC one with an ignored
GIT range); GHSA records carry a CVSS v3 vector (a few unparseable) and the database's
severity label; about 1% are withdrawn, some name a second package or an ecosystem trustsvc
does not match, and about 0.5% are malformed (one defect each, ten kinds). A few
hand-written records with literal expected answers are mixed in.

For each backend (an SQLite file, a fresh PostgreSQL database dropped afterwards), in the
same run, because absolute times on this shared 2-core machine drift and ratios much less:

- baseline: every zip member read, `json.loads`-ed and checked by `parse_advisory`, nothing
  stored: the floor any importer pays. It is timed just before and just after the import and
  the faster run is used (noise only ever adds time to a floor), so "import / baseline" is the
  cost that storing adds;
- import: `import_source` of the zip into an empty, migrated database: wall time, records/s;
- re-import: the same zip again, every record unchanged (a refresh where nothing changed);
- peak memory: tracemalloc's peak of the Python allocations during an import into another
  fresh database, next to what the zip's central directory alone takes (the `ZipInfo` of every
  member, which the importer holds for the whole import). These traced passes run after every
  timed step, so tracing distorts no timing; a traced import takes about three times as long,
  so by default only the first backend's is traced (`--trace-memory all` for each; at 50,000
  records the SQLite and PostgreSQL peaks differed by 0.1 MiB). ru_maxrss is read before any
  traced pass: the process's high-water mark after the imports and the matching (the zip is
  generated in a child process, so its generation does not count);
- matching: `--queries` (package, version) queries drawn from the generated packages (about
  40% versions inside one of the package's advisories, 25% the package's newest release, 25%
  random versions of it, 10% names without advisories; PyPI names in other spellings); the
  expected answer of each is worked out from the generated ranges. Each query runs
  `match_package` in its own session, as the publisher probe's lookup does, and is timed
  alone: median, p95, max and queries/s. Baseline: the bare indexed SELECT of the
  `advisory_packages` rows of the same (ecosystem, normalised name), also one session per
  query, interleaved with the matches (alternating which runs first), so "match / bare" is
  what the join, the ORM objects, the range evaluation and the alias merging add to fetching
  the candidate rows at all.

Every figure is checked before it is printed: rows stored equal the valid records generated,
skips equal the malformed ones, withdrawals and package rows are as generated, the re-import
left everything unchanged, every query's answer equals an independent evaluation of the
generated ranges (one match per vulnerability, merged by alias, withdrawn ones ignored) and
the bare SELECT returned the rows generated for the key, and the hand-written records give
their literal answers.

Run from the repository root: `.venv/bin/python bench/advisories.py [--records 50000]`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import copy
import dataclasses
import datetime as dt
import gc
import itertools
import json
import multiprocessing
import os
import platform
import random
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
import uuid
import zipfile
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine  # noqa: E402

from trustsvc.advisories.importer import ImportSummary, import_source  # noqa: E402
from trustsvc.advisories.match import AdvisoryMatch, match_package  # noqa: E402
from trustsvc.advisories.models import AdvisoryPackageRow, AdvisoryRow  # noqa: E402
from trustsvc.advisories.osv import OsvError, normalise_name, parse_advisory  # noqa: E402
from trustsvc.store.db import make_engine, make_sessionmaker  # noqa: E402
from trustsvc.store.migrate import upgrade  # noqa: E402

SEED = 8  # issue 8
NOW = dt.datetime(2026, 11, 22, tzinfo=dt.UTC)  # the import's `imported_at`
EPOCH = dt.datetime(2019, 1, 1, tzinfo=dt.UTC)
DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
RECORDS_PER_PACKAGE = 10
MALFORMED_SHARE = 0.005
ZIPF_S, ZIPF_OFFSET = 0.7, 5  # package popularity: the busiest get a few hundred records
PAIRED_SHARE = 0.4  # PyPI vulnerabilities published by both GHSA and PYSEC
WITHDRAWN_SHARE = 0.01
WARMUP_QUERIES = 50
GHSA_ALPHABET = "23456789cfghjmpqrvwx"
SCOPES = ("acme", "mcp", "tools", "cloud", "ai", "labs", "dev", "data")
WORDS = (
    *("mcp", "server", "client", "tool", "bridge", "agent", "fetch", "shell", "files", "git"),
    *("sql", "vector", "http", "auth", "cache", "queue", "parse", "render", "crypto", "search"),
    *("browser", "notes", "cal", "mail", "chat", "docs", "sheet", "image", "audio", "kit"),
)
CVSS_METRICS = (
    ("AV", "NALP"),
    ("AC", "LH"),
    ("PR", "NLH"),
    ("UI", "NR"),
    ("S", "UC"),
    ("C", "NLH"),
    ("I", "NLH"),
    ("A", "NLH"),
)

Version = tuple[int, int, int]
Window = tuple[Version | None, Version | None, bool]  # [lo, hi) or [lo, hi]; None: open
Key = tuple[str, str]  # (ecosystem, normalised name): what advisory_packages is indexed on
T = TypeVar("T")


# -- hand-written records with literal answers ----------------------------------------------


def _known(ident: str, ecosystem: str, name: str, **fields: Any) -> dict[str, Any]:  # noqa: ANN401
    entry: dict[str, Any] = {"package": {"ecosystem": ecosystem, "name": name}}
    for field in ("ranges", "versions"):
        if field in fields:
            entry[field] = fields.pop(field)
    return {"id": ident, "modified": "2026-10-01T00:00:00Z", "affected": [entry], **fields}


def _semver(*events: dict[str, str]) -> list[dict[str, Any]]:
    return [{"type": "SEMVER", "events": list(events)}]


def _ecosystem(*events: dict[str, str]) -> list[dict[str, Any]]:
    return [{"type": "ECOSYSTEM", "events": list(events)}]


KNOWN_RECORDS = (
    _known(
        "GHSA-kn0w-0001-np1x",
        "npm",
        "@bench-known/mcp-server",
        ranges=_semver({"introduced": "0"}, {"fixed": "1.4.2"}),
        aliases=["CVE-2099-0001"],
        severity=[{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
    ),
    _known(
        "GHSA-kn0w-0002-py2x",
        "PyPI",
        "Bench_Known.Server",
        ranges=_ecosystem({"introduced": "2.0"}, {"last_affected": "2.3.1"}),
        aliases=["CVE-2099-0002", "PYSEC-2099-2"],
        database_specific={"severity": "HIGH"},
    ),
    _known(
        "PYSEC-2099-2",
        "PyPI",
        "bench-known-server",
        ranges=_ecosystem({"introduced": "2.0.0"}, {"last_affected": "2.3.1"}),
        aliases=["CVE-2099-0002", "GHSA-kn0w-0002-py2x"],
    ),
    _known(
        "GHSA-kn0w-0003-g0ne",
        "npm",
        "@bench-known/mcp-server",
        ranges=_semver({"introduced": "0"}),
        withdrawn="2026-10-02T00:00:00Z",
    ),
    _known("GHSA-kn0w-0004-l1st", "npm", "bench-known-list", versions=["0.9.0", "1.0.0"]),
)
MERGED = frozenset({"GHSA-kn0w-0002-py2x", "PYSEC-2099-2", "CVE-2099-0002"})
# (ecosystem, name as asked, version) -> ((reported id, every id it goes by), ...)
KNOWN_ANSWERS: tuple[tuple[str, str, str, tuple[tuple[str, frozenset[str]], ...]], ...] = (
    (
        "npm",
        "@bench-known/mcp-server",
        "1.4.1",
        (("GHSA-kn0w-0001-np1x", frozenset({"GHSA-kn0w-0001-np1x", "CVE-2099-0001"})),),
    ),
    ("npm", "@Bench-Known/MCP-Server", "1.4.2", ()),  # fixed; the withdrawn one is ignored
    ("PyPI", "bench.known_server", "2.3.1", (("GHSA-kn0w-0002-py2x", MERGED),)),
    ("PyPI", "BENCH-KNOWN-SERVER", "2.3.2", ()),
    ("PyPI", "bench_known_server", "1.9", ()),
    (
        "npm",
        "bench-known-list",
        "1.0.0",
        (("GHSA-kn0w-0004-l1st", frozenset({"GHSA-kn0w-0004-l1st"})),),
    ),
    ("npm", "bench-known-list", "1.0.1", ()),
)


# -- the generated data and its oracle -------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class Package:
    ecosystem: str
    name: str  # as GHSA records spell it
    spellings: tuple[str, ...]  # [0] is `name`, [1] the canonical form (PYSEC's spelling)
    majors: int

    @property
    def key(self) -> Key:
        return self.ecosystem, normalise_name(self.ecosystem, self.name)


@dataclasses.dataclass(frozen=True, slots=True)
class Affects:
    """What one stored affected entry covers, evaluated here independently of trustsvc."""

    vulnerability: str  # the CVE its record names: one reported match per CVE
    withdrawn: bool
    windows: tuple[Window, ...]
    listed: frozenset[Version]

    def covers(self, version: Version) -> bool:
        if version in self.listed:
            return True
        for lo, hi, inclusive in self.windows:
            above = lo is None or lo <= version
            below = hi is None or version < hi or (inclusive and version == hi)
            if above and below:
                return True
        return False


@dataclasses.dataclass(frozen=True, slots=True)
class Query:
    ecosystem: str
    name: str  # as asked: maybe another spelling than the records'
    version: str
    key: Key
    expected: frozenset[str]  # vulnerabilities (CVEs) the answer must report, once each
    rows: int  # advisory_packages rows stored for the key, withdrawn ones included
    kind: str  # "inside", "latest", "random" or "no advisories"


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Corpus:
    zip_path: Path
    records: int
    valid: int
    malformed: int
    withdrawn: int
    package_rows: int
    packages: int
    busiest: int  # advisory_packages rows of the busiest package
    paired: int
    zip_mib: float
    directory_mib: float  # traced size of the zip's open central directory
    generate_s: float
    queries: tuple[Query, ...]


def _truncated(document: dict[str, Any], number: int) -> bytes:
    del number
    whole = json.dumps(document)
    return whole[: len(whole) // 2].encode()  # a cut-off download: not JSON


def _changed(**fields: Any) -> Callable[[dict[str, Any], int], bytes]:  # noqa: ANN401
    """A defect that replaces fields (None: removes them)."""

    def defect(document: dict[str, Any], number: int) -> bytes:
        del number
        for field, value in fields.items():
            if value is None:
                document.pop(field, None)
            else:
                document[field] = value
        return json.dumps(document).encode()

    return defect


def _numeric_id(document: dict[str, Any], number: int) -> bytes:
    return json.dumps({**document, "id": number}).encode()


def _path_id(document: dict[str, Any], number: int) -> bytes:
    del number
    return json.dumps({**document, "id": "../../" + document["id"]}).encode()


def _affected_not_a_list(document: dict[str, Any], number: int) -> bytes:
    del number
    return json.dumps({**document, "affected": document["affected"][0]}).encode()


def _unsupported_ecosystem(document: dict[str, Any], number: int) -> bytes:
    del number
    document["affected"][0]["package"]["ecosystem"] = "crates.io"
    return json.dumps(document).encode()


def _bad_utf8(document: dict[str, Any], number: int) -> bytes:
    del number
    return json.dumps(document).encode().replace(b'"summary": "', b'"summary": "\xff', 1)


DEFECTS: tuple[Callable[[dict[str, Any], int], bytes], ...] = (
    _truncated,
    lambda document, number: json.dumps([document, number]).encode(),  # not an object
    _changed(id=None),
    _path_id,
    _numeric_id,
    _changed(modified="2025-13-45T25:61:00Z"),
    _changed(modified="2025-01-01 00:00:00"),  # no time zone
    _affected_not_a_list,
    _unsupported_ecosystem,  # nothing trustsvc matches
    _bad_utf8,
)


class Generator:
    """Deterministic OSV records plus, per package key, what each stored entry covers."""

    def __init__(self) -> None:
        self.rng = random.Random(SEED)  # noqa: S311 - benchmark data, not security
        self.ids: set[str] = set()
        self.cves = itertools.count(10000)
        self.pysecs = itertools.count(1)
        self.members: list[tuple[str, bytes]] = []  # (zip member name, content)
        self.oracle: dict[Key, list[Affects]] = {}
        self.valid = 0
        self.withdrawn = 0
        self.package_rows = 0
        self.paired = 0

    # ids, versions, dates

    def ghsa(self) -> str:
        while True:
            ident = "GHSA-" + "-".join(
                "".join(self.rng.choices(GHSA_ALPHABET, k=4)) for _ in range(3)
            )
            if ident not in self.ids:
                self.ids.add(ident)
                return ident

    def cve(self) -> str:
        return f"CVE-{2019 + self.rng.randint(0, 7)}-{next(self.cves)}"

    def version(self, package: Package) -> Version:
        rng = self.rng
        return rng.randint(0, package.majors), rng.randint(0, 15), rng.randint(0, 12)

    def distinct(self, package: Package, count: int) -> list[Version]:
        chosen: set[Version] = set()
        while len(chosen) < count:
            chosen.add(self.version(package))
        return sorted(chosen)

    @staticmethod
    def render(ecosystem: str, version: Version) -> str:
        major, minor, patch = version
        if ecosystem == "PyPI" and patch == 0:
            return f"{major}.{minor}"  # PEP 440: "1.2" == "1.2.0"
        return f"{major}.{minor}.{patch}"

    def when(self, day: int) -> str:
        moment = EPOCH + dt.timedelta(days=day, seconds=self.rng.randint(0, 86399))
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")

    # packages

    def packages(self, count: int) -> list[Package]:
        packages: list[Package] = []
        for number in range(count):
            first, second = self.rng.sample(WORDS, 2)
            if number % 2 == 0:
                base = f"{first}-{second}-{number}"
                name = f"@{SCOPES[number % len(SCOPES)]}/{base}" if number % 3 == 0 else base
                package = Package("npm", name, (name,), self.rng.randint(1, 6))
            else:
                name = f"{first.title()}_{second.title()}.Py{number}"
                canonical = normalise_name("PyPI", name)
                spellings = (name, canonical, canonical.replace("-", "_"), name.upper())
                package = Package("PyPI", name, spellings, self.rng.randint(1, 6))
            packages.append(package)
        return packages

    # one affected entry: its OSV JSON and what it covers

    def affected(self, package: Package) -> tuple[dict[str, Any], tuple[Window, ...], set[Version]]:
        eco, roll = package.ecosystem, self.rng.random()
        windows: list[Window] = []
        listed: set[Version] = set()
        events: list[tuple[str, Version | None]] = []  # None: "0"
        if roll < 0.25:  # introduced 0, fixed X
            (fixed,) = self.distinct(package, 1)
            events = [("introduced", None), ("fixed", fixed)]
            windows = [(None, fixed, False)]
        elif roll < 0.50:  # introduced A, fixed B
            lo, hi = self.distinct(package, 2)
            events = [("introduced", lo), ("fixed", hi)]
            windows = [(lo, hi, False)]
        elif roll < 0.62:  # introduced A, last_affected B
            lo, hi = self.distinct(package, 2)
            events = [("introduced", lo), ("last_affected", hi)]
            windows = [(lo, hi, True)]
        elif roll < 0.67:  # introduced 0, last_affected B
            (hi,) = self.distinct(package, 1)
            events = [("introduced", None), ("last_affected", hi)]
            windows = [(None, hi, True)]
        elif roll < 0.79:  # two windows: a fix backported to an older line
            a, b, c, d = self.distinct(package, 4)
            events = [("introduced", a), ("fixed", b), ("introduced", c), ("fixed", d)]
            windows = [(a, b, False), (c, d, False)]
        elif roll < 0.82:  # never fixed
            events = [("introduced", None)]
            windows = [(None, None, False)]
        elif roll < 0.91:  # explicit versions only
            listed = set(self.distinct(package, self.rng.randint(1, 8)))
        else:  # a range and some of the versions it covers, as databases often publish both
            lo, hi = self.distinct(package, 2)
            events = [("introduced", lo), ("fixed", hi)]
            windows = [(lo, hi, False)]
            listed = {v for v in self.distinct(package, 12) if lo <= v < hi}
        entry: dict[str, Any] = {"package": {"ecosystem": eco, "name": package.name}}
        if events:
            entry["ranges"] = [
                {
                    "type": "SEMVER" if eco == "npm" else "ECOSYSTEM",
                    "events": [
                        {kind: "0" if v is None else self.render(eco, v)} for kind, v in events
                    ],
                }
            ]
        if listed:
            entry["versions"] = [self.render(eco, v) for v in sorted(listed)]
        entry["database_specific"] = {"source": "https://github.com/advisories"}
        return entry, tuple(windows), listed

    # records

    def severity(self, document: dict[str, Any]) -> None:
        """GHSA's shape: a CVSS v3 vector about half the time, always the database's label."""
        rng = self.rng
        roll = rng.random()
        label = rng.choice(("LOW", "MODERATE", "MODERATE", "HIGH", "HIGH", "CRITICAL"))
        if roll < 0.55:
            vector = "CVSS:3.1/" + "/".join(f"{m}:{rng.choice(v)}" for m, v in CVSS_METRICS)
            if roll < 0.01:
                vector = vector.replace("/AV:", "/AV:X")  # unparseable: the label is used
            document["severity"] = [{"type": "CVSS_V3", "score": vector}]
        document["database_specific"] = {
            "cwe_ids": [f"CWE-{rng.randint(20, 1300)}"],
            "severity": label,
            "github_reviewed": True,
        }

    def document(
        self, ident: str, package: Package, entry: dict[str, Any], aliases: list[str]
    ) -> dict[str, Any]:
        rng = self.rng
        day = rng.randint(0, 2500)
        words = " ".join(rng.choices(WORDS, k=rng.randint(30, 120)))
        references = [
            {"type": "ADVISORY", "url": f"https://nvd.nist.gov/vuln/detail/{aliases[0]}"},
            {"type": "WEB", "url": f"https://github.com/advisories/{ident}"},
            {"type": "PACKAGE", "url": f"https://example.org/packages/{package.key[1]}"},
        ]
        return {
            "schema_version": "1.6.0",
            "id": ident,
            "modified": self.when(day + rng.randint(1, 300)),
            "published": self.when(day),
            "aliases": aliases,
            "summary": f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} flaw in {package.name}",
            "details": f"{package.name}: {words}.",
            "affected": [entry],
            "references": references[: rng.randint(1, 3)],
        }

    def add(
        self, document: dict[str, Any], covers: list[tuple[Key, tuple[Window, ...], set[Version]]]
    ) -> None:
        """A valid record: into the zip, and what its supported entries cover into the oracle."""
        withdrawn = "withdrawn" in document
        aliases = document.get("aliases", [])
        vulnerability = next((a for a in aliases if a.startswith("CVE-")), document["id"])
        for key, windows, listed in covers:
            self.oracle.setdefault(key, []).append(
                Affects(vulnerability, withdrawn, windows, frozenset(listed))
            )
        self.valid += 1
        self.withdrawn += withdrawn
        self.package_rows += sum(
            1 for entry in document["affected"] if entry["package"]["ecosystem"] in {"npm", "PyPI"}
        )
        self.members.append((f"{document['id']}.json", json.dumps(document).encode()))

    def vulnerability(self, package: Package, packages: list[Package], room: int) -> None:
        """One vulnerability of `package`: a GHSA record, or a GHSA/PYSEC pair for PyPI."""
        rng = self.rng
        cve, ghsa = self.cve(), self.ghsa()
        entry, windows, listed = self.affected(package)
        paired = package.ecosystem == "PyPI" and room >= 2 and rng.random() < PAIRED_SHARE
        pysec = f"PYSEC-{2019 + rng.randint(0, 7)}-{next(self.pysecs)}" if paired else ""
        document = self.document(ghsa, package, copy.deepcopy(entry), [cve, pysec][: 1 + paired])
        self.severity(document)
        covers = [(package.key, windows, listed)]
        roll = rng.random()
        if roll < 0.05:  # a second package of the same ecosystem
            other = rng.choice(packages)
            while other.ecosystem != package.ecosystem or other.key == package.key:
                other = rng.choice(packages)
            other_entry, other_windows, other_listed = self.affected(other)
            document["affected"].append(other_entry)
            covers.append((other.key, other_windows, other_listed))
        elif roll < 0.08:  # and an ecosystem trustsvc does not match: skipped with a note
            document["affected"].append(
                {
                    "package": {"ecosystem": "Go", "name": f"example.com/{package.key[1]}"},
                    "ranges": _semver({"introduced": "0"}, {"fixed": "1.4.0"}),
                }
            )
        if not paired and rng.random() < WITHDRAWN_SHARE:
            document["withdrawn"] = document["modified"]
        self.add(document, covers)
        if paired:
            self.paired += 1
            twin = copy.deepcopy(entry)
            twin["package"]["name"] = package.spellings[1]  # PYSEC spells names canonically
            del twin["database_specific"]
            commit = f"{rng.getrandbits(160):040x}"
            twin.setdefault("ranges", []).append(
                {
                    "type": "GIT",
                    "repo": f"https://github.com/example/{package.key[1]}",
                    "events": [{"introduced": "0"}, {"fixed": commit}],
                }
            )
            self.add(self.document(pysec, package, twin, [cve, ghsa]), [covers[0]])

    def malformed(self, number: int, packages: list[Package]) -> None:
        """A realistic record with one defect, of ten kinds in turn."""
        package = self.rng.choice(packages)
        entry, _, _ = self.affected(package)
        document = self.document(self.ghsa(), package, entry, [self.cve()])
        raw = DEFECTS[number % len(DEFECTS)](document, number)
        self.members.append((f"malformed/record-{number:04d}.json", raw))

    # queries

    def queries(self, count: int, packages: list[Package]) -> list[Query]:
        rng = self.rng
        listed = [p for p in packages if p.key in self.oracle]
        queries: list[Query] = []
        for number in range(count):
            roll = rng.random()
            if roll < 0.10:
                ecosystem = ("npm", "PyPI")[number % 2]
                name = (
                    f"no-advisories-{number}" if ecosystem == "npm" else f"No_Advisories.{number}"
                )
                version = f"{rng.randint(0, 5)}.{rng.randint(0, 9)}.{rng.randint(0, 9)}"
                key = (ecosystem, normalise_name(ecosystem, name))
                queries.append(
                    Query(ecosystem, name, version, key, frozenset(), 0, "no advisories")
                )
                continue
            package = rng.choice(listed)
            entries = self.oracle[package.key]
            if roll < 0.50:
                kind, wanted = "inside", self.inside(package, rng.choice(entries))
            elif roll < 0.75:
                kind, wanted = "latest", (package.majors, 15, 12)  # the newest release
            else:
                kind, wanted = "random", self.version(package)
            expected = frozenset(
                a.vulnerability for a in entries if not a.withdrawn and a.covers(wanted)
            )
            queries.append(
                Query(
                    package.ecosystem,
                    rng.choice(package.spellings),
                    self.render(package.ecosystem, wanted),
                    package.key,
                    expected,
                    len(entries),
                    kind,
                )
            )
        return queries

    def inside(self, package: Package, affects: Affects) -> Version:
        """A version the entry covers: a listed one, a window's first, or one sampled inside."""
        rng = self.rng
        if affects.listed and (not affects.windows or rng.random() < 0.5):
            return rng.choice(sorted(affects.listed))
        lo, hi, inclusive = rng.choice(affects.windows)
        if rng.random() < 0.3:  # boundaries: introduced, last_affected
            return hi if inclusive and hi is not None else (lo or (0, 0, 0))
        for _ in range(200):
            version = self.version(package)
            if affects.covers(version):
                return version
        return lo or (0, 0, 0)


def directory_mib(path: Path) -> float:
    """Traced MiB of an open zip's member list, as the importer opens and lists it."""
    gc.collect()
    tracemalloc.start()
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if m.filename.endswith(".json")]
            size = tracemalloc.get_traced_memory()[0]
            del members
    finally:
        tracemalloc.stop()
    return size / 2**20


def generate(records: int, queries: int, workdir: Path) -> Corpus:
    """The zip of `records` records and `queries` queries with their expected answers."""
    started = time.perf_counter()
    generator = Generator()
    malformed = max(10, round(records * MALFORMED_SHARE))
    target = records - malformed
    if target < len(KNOWN_RECORDS) + 10:
        raise SystemExit(f"--records must be at least {len(KNOWN_RECORDS) + 10 + malformed}")
    for document in KNOWN_RECORDS:
        generator.add(copy.deepcopy(document), [])
    packages = generator.packages(max(2, records // RECORDS_PER_PACKAGE))
    weights = itertools.accumulate(
        1 / (k + 1 + ZIPF_OFFSET) ** ZIPF_S for k in range(len(packages))
    )
    cumulative = list(weights)
    while generator.valid < target:
        (package,) = generator.rng.choices(packages, cum_weights=cumulative)
        generator.vulnerability(package, packages, target - generator.valid)
    for number in range(malformed):
        generator.malformed(number, packages)
    query_list = generator.queries(queries, packages)
    generator.rng.shuffle(generator.members)
    zip_path = workdir / "all.zip"
    with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, raw in generator.members:
            archive.writestr(name, raw)
    generate_s = time.perf_counter() - started
    return Corpus(
        zip_path=zip_path,
        records=len(generator.members),
        valid=generator.valid,
        malformed=malformed,
        withdrawn=generator.withdrawn,
        package_rows=generator.package_rows,
        packages=len(generator.oracle),
        busiest=max(len(entries) for entries in generator.oracle.values()),
        paired=generator.paired,
        zip_mib=zip_path.stat().st_size / 2**20,
        directory_mib=directory_mib(zip_path),
        generate_s=generate_s,
        queries=tuple(query_list),
    )


# -- the measurements ----------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Parse:
    seconds: float
    parsed: int
    refused: int


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Matching:
    bare_s: tuple[float, ...]  # per query
    match_s: tuple[float, ...]
    answered: int  # queries with at least one match
    matches: int


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Traced:
    peak_mib: float
    seconds: float


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Result:
    backend: str
    baselines: tuple[float, float]
    import_s: float
    reimport_s: float
    maxrss_mib: float
    database_mib: float
    matching: Matching

    @property
    def baseline_s(self) -> float:
        return min(self.baselines)


def parse_only(path: Path) -> Parse:
    """The baseline: every member read, decoded and checked, as the importer does; no storing."""
    gc.collect()
    started = time.perf_counter()
    parsed = refused = 0
    with zipfile.ZipFile(path) as archive:
        for member in archive.infolist():
            if not member.filename.endswith(".json"):
                continue
            with archive.open(member) as handle:
                raw = handle.read()
            try:
                parse_advisory(json.loads(raw))
            except (OsvError, ValueError, RecursionError):
                refused += 1
            else:
                parsed += 1
    return Parse(seconds=time.perf_counter() - started, parsed=parsed, refused=refused)


async def timed_import(
    sessions: async_sessionmaker[AsyncSession], corpus: Corpus
) -> tuple[ImportSummary, float]:
    gc.collect()
    started = time.perf_counter()
    summary = await import_source(sessions, str(corpus.zip_path), now=NOW)
    return summary, time.perf_counter() - started


@contextlib.asynccontextmanager
async def fresh_database(
    backend: str, postgres_url: str, workdir: Path
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """An empty, migrated database: an SQLite file, or a PostgreSQL database dropped after."""
    name = f"trustsvc_bench_{uuid.uuid4().hex[:12]}"
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{workdir / name}.db"
    else:
        await _admin(postgres_url, f'CREATE DATABASE "{name}"')
        url = make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    try:
        await upgrade(engine)
        yield make_sessionmaker(engine)
    finally:
        await engine.dispose()
        if backend == "postgres":
            await _admin(postgres_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        else:
            (workdir / f"{name}.db").unlink(missing_ok=True)


async def _admin(url: str, statement: str) -> None:
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


async def count_rows(sessions: async_sessionmaker[AsyncSession], table: Any, *where: Any) -> int:  # noqa: ANN401
    async with sessions() as session:
        query = select(func.count()).select_from(table).where(*where)
        return int(await session.scalar(query) or 0)


async def database_mib(sessions: async_sessionmaker[AsyncSession], backend: str) -> float:
    async with sessions() as session:
        if backend == "postgres":
            size = await session.scalar(text("SELECT pg_database_size(current_database())"))
        else:
            pages = await session.scalar(text("PRAGMA page_count"))
            size = int(pages or 0) * int(await session.scalar(text("PRAGMA page_size")) or 0)
    return int(size or 0) / 2**20


def check(backend: str, ok: object, what: str) -> None:
    if not ok:
        raise SystemExit(f"{backend}: {what}: the figures would be meaningless")


def check_import(backend: str, summary: ImportSummary, corpus: Corpus, *, first: bool) -> None:
    label = "import" if first else "re-import"
    skipped = sum(summary.skipped.values())
    counts = (summary.read, summary.added, summary.updated, summary.unchanged, skipped)
    want = (
        corpus.records,
        corpus.valid if first else 0,
        0,
        0 if first else corpus.valid,
        corpus.malformed,
    )
    check(
        backend,
        counts == want,
        f"{label} read/added/updated/unchanged/skipped {counts}, not {want}",
    )
    withdrawn = corpus.withdrawn if first else 0
    check(backend, summary.withdrawn == withdrawn, f"{label} withdrew {summary.withdrawn}")


async def check_stored(
    backend: str, sessions: async_sessionmaker[AsyncSession], corpus: Corpus
) -> None:
    stored = await count_rows(sessions, AdvisoryRow)
    check(backend, stored == corpus.valid, f"{stored} advisories stored, not {corpus.valid}")
    withdrawn = await count_rows(sessions, AdvisoryRow, AdvisoryRow.withdrawn.is_not(None))
    check(backend, withdrawn == corpus.withdrawn, f"{withdrawn} withdrawn stored")
    packages = await count_rows(sessions, AdvisoryPackageRow)
    check(backend, packages == corpus.package_rows, f"{packages} package rows stored")


def vulnerabilities(matches: list[AdvisoryMatch]) -> list[str]:
    """The vulnerability each match reports: its CVE (every generated record names one)."""
    return sorted(next((i for i in m.ids if i.startswith("CVE-")), m.id) for m in matches)


async def check_known(backend: str, sessions: async_sessionmaker[AsyncSession]) -> None:
    for ecosystem, name, version, want in KNOWN_ANSWERS:
        async with sessions() as session:
            matches = await match_package(session, ecosystem, name, version)
        got = tuple((m.id, frozenset(m.ids)) for m in matches)
        check(backend, got == want, f"{ecosystem} {name} {version} matched {got}, not {want}")


async def timed(work: Awaitable[T]) -> tuple[T, float]:
    started = time.perf_counter()
    value = await work
    return value, time.perf_counter() - started


async def timed_matching(
    backend: str, sessions: async_sessionmaker[AsyncSession], queries: tuple[Query, ...]
) -> Matching:
    """Each query's bare SELECT and match_package, one session each, interleaved."""
    table = AdvisoryPackageRow.__table__

    async def bare(query: Query) -> int:
        async with sessions() as session:
            statement = select(*table.c).where(
                table.c.ecosystem == query.key[0], table.c.name == query.key[1]
            )
            return len((await session.execute(statement)).all())

    async def matched(query: Query) -> list[AdvisoryMatch]:
        async with sessions() as session:
            return await match_package(session, query.ecosystem, query.name, query.version)

    for query in queries[:WARMUP_QUERIES]:  # connections, statement caches
        await bare(query)
        await matched(query)
    gc.collect()
    bare_s: list[float] = []
    match_s: list[float] = []
    answers: list[tuple[int, list[AdvisoryMatch]]] = []
    for number, query in enumerate(queries):
        if number % 2:  # alternate which runs first, so neither always finds a warmer cache
            found, match = await timed(matched(query))
            rows, bare_seconds = await timed(bare(query))
        else:
            rows, bare_seconds = await timed(bare(query))
            found, match = await timed(matched(query))
        bare_s.append(bare_seconds)
        match_s.append(match)
        answers.append((rows, found))
    for query, (rows, found) in zip(queries, answers, strict=True):
        where = f"{query.ecosystem} {query.name} {query.version}"
        check(backend, rows == query.rows, f"bare SELECT {where}: {rows} rows, not {query.rows}")
        got = vulnerabilities(found)
        check(
            backend, got == sorted(query.expected), f"{where}: {got}, not {sorted(query.expected)}"
        )
    return Matching(
        bare_s=tuple(bare_s),
        match_s=tuple(match_s),
        answered=sum(1 for _, found in answers if found),
        matches=sum(len(found) for _, found in answers),
    )


async def traced_import(backend: str, corpus: Corpus, postgres_url: str, workdir: Path) -> Traced:
    """The peak traced MiB of an import into another fresh database, under tracemalloc.

    The seconds only explain the bench's own run time: tracing slows the import down.
    """
    async with fresh_database(backend, postgres_url, workdir) as sessions:
        gc.collect()
        tracemalloc.start()
        try:
            summary, seconds = await timed_import(sessions, corpus)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    check_import(backend, summary, corpus, first=True)
    return Traced(peak_mib=peak / 2**20, seconds=seconds)


async def bench_backend(
    backend: str, corpus: Corpus, *, postgres_url: str, workdir: Path
) -> Result:
    async with fresh_database(backend, postgres_url, workdir) as sessions:
        before = parse_only(corpus.zip_path)
        summary, import_s = await timed_import(sessions, corpus)
        after = parse_only(corpus.zip_path)
        for baseline in (before, after):
            counts = (baseline.parsed, baseline.refused)
            check(backend, counts == (corpus.valid, corpus.malformed), f"baseline {counts}")
        check_import(backend, summary, corpus, first=True)
        await check_stored(backend, sessions, corpus)
        again, reimport_s = await timed_import(sessions, corpus)
        check_import(backend, again, corpus, first=False)
        await check_stored(backend, sessions, corpus)
        size = await database_mib(sessions, backend)
        await check_known(backend, sessions)
        matching = await timed_matching(backend, sessions, corpus.queries)
    return Result(
        backend=backend,
        baselines=(before.seconds, after.seconds),
        import_s=import_s,
        reimport_s=reimport_s,
        maxrss_mib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        database_mib=size,
        matching=matching,
    )


# -- the report ------------------------------------------------------------------------------


def p95(values: tuple[float, ...]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def print_corpus(corpus: Corpus) -> None:
    kinds = dict.fromkeys(("inside", "latest", "random", "no advisories"), 0)
    for query in corpus.queries:
        kinds[query.kind] += 1
    affected = sum(1 for q in corpus.queries if q.expected)
    print(
        f"  generated in {corpus.generate_s:.1f} s: {corpus.records:,} records"
        f" ({corpus.valid:,} valid, {corpus.malformed} malformed, {corpus.withdrawn} withdrawn,"
        f" {corpus.paired:,} GHSA/PYSEC pairs), zip {corpus.zip_mib:.1f} MiB"
    )
    print(
        f"  {corpus.packages:,} package names with {corpus.package_rows:,} affected entries"
        f" (busiest: {corpus.busiest}); {len(corpus.queries):,} queries:"
        f" {', '.join(f'{n} {k}' for k, n in kinds.items())}; {affected} expect a match"
    )


def traced_text(traced: Traced | None, corpus: Corpus) -> str:
    if traced is None:
        return "not traced (--trace-memory all traces every backend)"
    return (
        f"{traced.peak_mib:.1f} (separate import, {traced.seconds:.0f} s traced;"
        f" the zip's member list alone: {corpus.directory_mib:.1f})"
    )


def print_result(result: Result, traced: Traced | None, corpus: Corpus) -> None:
    m = result.matching
    baselines = ", ".join(f"{s:.2f}" for s in result.baselines)
    records = corpus.records
    lines = [
        ("baseline parse s", f"{result.baseline_s:.2f} (faster of {baselines})"),
        ("  records/s", f"{records / result.baseline_s:,.0f}"),
        ("import s", f"{result.import_s:.2f}"),
        ("  records/s", f"{records / result.import_s:,.0f}"),
        ("  ratio import/baseline", f"{result.import_s / result.baseline_s:.2f}"),
        ("re-import s (unchanged)", f"{result.reimport_s:.2f}"),
        ("  ratio re-import/base", f"{result.reimport_s / result.baseline_s:.2f}"),
        ("peak traced MiB", traced_text(traced, corpus)),
        ("maxrss MiB", f"{result.maxrss_mib:.0f} (process high-water so far, untraced)"),
        ("database MiB", f"{result.database_mib:.1f}"),
    ]
    print(f"\n== {result.backend}")
    for label, value in lines:
        print(f"  {label:26} {value}")
    print(
        f"  matching, {len(m.match_s):,} queries, one session each"
        f" ({m.answered} with a match, {m.matches} matches in all):"
    )
    print(f"    {'':22} {'median ms':>9} {'p95 ms':>8} {'max ms':>8} {'queries/s':>10}")
    for label, times in (("bare SELECT (baseline)", m.bare_s), ("match_package", m.match_s)):
        print(
            f"    {label:22} {statistics.median(times) * 1e3:9.2f} {p95(times) * 1e3:8.2f}"
            f" {max(times) * 1e3:8.2f} {len(times) / sum(times):10,.0f}"
        )
    median = statistics.median(m.match_s) / statistics.median(m.bare_s)
    total = sum(m.match_s) / sum(m.bare_s)
    print(f"    ratio match/bare: {median:.2f} (medians), {total:.2f} (totals)")
    slowest = max(range(len(m.match_s)), key=m.match_s.__getitem__)
    query = corpus.queries[slowest]
    print(
        f"    slowest match: {query.ecosystem} {query.name} {query.version},"
        f" {query.rows} candidate rows, {m.match_s[slowest] * 1e3:.1f} ms"
        f" (bare SELECT {m.bare_s[slowest] * 1e3:.1f} ms)"
    )


def print_summary(results: list[Result], traced: dict[str, Traced], corpus: Corpus) -> None:
    print(
        f"\n{'backend':9} {'base s':>7} {'import s':>8} {'rec/s':>7} {'ratio':>6} {'again s':>7}"
        f" {'ratio':>6} {'peak MiB':>8} {'match ms':>8} {'p95 ms':>7} {'q/s':>6} {'ratio':>6}"
    )
    for r in results:
        m = r.matching
        peak = f"{traced[r.backend].peak_mib:8.1f}" if r.backend in traced else f"{'-':>8}"
        print(
            f"{r.backend:9} {r.baseline_s:7.2f} {r.import_s:8.2f}"
            f" {corpus.records / r.import_s:7.0f} {r.import_s / r.baseline_s:6.2f}"
            f" {r.reimport_s:7.2f} {r.reimport_s / r.baseline_s:6.2f} {peak}"
            f" {statistics.median(m.match_s) * 1e3:8.2f} {p95(m.match_s) * 1e3:7.2f}"
            f" {len(m.match_s) / sum(m.match_s):6.0f}"
            f" {sum(m.match_s) / sum(m.bare_s):6.2f}"
        )
    print("(ratios: import and re-import over parse-only; match over bare SELECT, totals)")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--records", type=int, default=50_000, help="OSV records, all kinds")
    parser.add_argument("--queries", type=int, default=1_000, help="(package, version) queries")
    parser.add_argument("--backends", default="sqlite,postgres", help="comma-separated")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES, help="an admin database")
    parser.add_argument(
        "--trace-memory",
        choices=("first", "all", "none"),
        default="first",
        help="backends whose import is traced for peak memory (about 3x an import's time)",
    )
    args = parser.parse_args()
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    unknown = set(backends) - {"sqlite", "postgres"}
    if unknown:
        parser.error(f"unknown backends: {', '.join(sorted(unknown))}")
    if args.queries < WARMUP_QUERIES:
        parser.error(f"--queries must be at least {WARMUP_QUERIES}")
    print(
        f"advisories bench: {args.records:,} OSV records, {args.queries:,} queries;"
        f" Python {platform.python_version()}, {os.cpu_count()} CPUs"
    )
    traced_backends = {"first": backends[:1], "all": backends, "none": []}[args.trace_memory]
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        # In a child process, so that generating does not raise this process's ru_maxrss.
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
            corpus = pool.submit(generate, args.records, args.queries, workdir).result()
        print_corpus(corpus)
        results = [
            asyncio.run(bench_backend(b, corpus, postgres_url=args.postgres_url, workdir=workdir))
            for b in backends
        ]
        traced = {
            b: asyncio.run(traced_import(b, corpus, args.postgres_url, workdir))
            for b in traced_backends
        }
    for result in results:
        print_result(result, traced.get(result.backend), corpus)
    print_summary(results, traced, corpus)
    return 0


if __name__ == "__main__":
    sys.exit(main())
