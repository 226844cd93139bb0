"""Readable plain-text renderings of reports for the terminal.

`width` (the terminal's columns; None when writing to a file or a pipe) wraps the table's
last column under itself and every long line of the report with a hanging indent, so a
571-character attempt detail no longer runs off the screen, while a pipe keeps one row a
line for grep.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

from probes.model import ProbeSpec
from trustsvc.reports.explain import problem_phrase, top_problems, why_lines
from trustsvc.reports.findings import bad_findings, could_not_assess
from trustsvc.reports.schema import FindingDoc, ScanReport

TOP_FINDINGS = 3
MIN_LAST_COLUMN = 24


def tls_subgrade(report: ScanReport) -> str:
    """The SSL Labs-style TLS grade from the transport dimension, or "-" when unmeasured."""
    for dimension in report.dimensions:
        if dimension.name == "transport":
            grade = dimension.evidence.get("rating_grade")
            return str(grade) if grade is not None else "-"
    return "-"


def assurance_level(report: ScanReport) -> str:
    """The CoSAI level the report's posture could serve, or "-" for none (or not judged)."""
    level = report.assurance.level if report.assurance is not None else None
    return level or "-"


def summary_table(
    reports: Sequence[ScanReport],
    catalogue: Mapping[str, ProbeSpec],
    *,
    labels: Sequence[str] | None = None,
    width: int | None = None,
) -> str:
    """One line per report: URL, score, grade, verdict, confidence, TLS, CoSAI, top findings.

    COSAI is the highest assurance level the measured posture could serve. `labels` (one a
    report) adds a first ENDPOINT column saying what each one is, as the demo's lab does.
    """
    header: tuple[str, ...] = (
        "URL",
        "SCORE",
        "GRADE",
        "VERDICT",
        "CONF",
        "TLS",
        "COSAI",
        "TOP FINDINGS",
    )
    rows: list[tuple[str, ...]] = [
        (
            r.url,
            str(r.score),
            r.grade,
            r.verdict,
            f"{r.confidence:.2f}",
            tls_subgrade(r),
            assurance_level(r),
            could_not_assess(r)
            or top_problems(bad_findings(r, catalogue), catalogue, TOP_FINDINGS)
            or "-",
        )
        for r in reports
    ]
    if labels is not None:
        header = ("ENDPOINT", *header)
        rows = [(label, *row) for label, row in zip(labels, rows, strict=True)]
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header) - 1)]

    offset = sum(widths) + 2 * len(widths)
    last = None if width is None else max(MIN_LAST_COLUMN, width - offset)

    def line(row: Sequence[str]) -> str:
        cells = [cell.ljust(cell_width) for cell, cell_width in zip(row, widths, strict=False)]
        parts = [row[-1]] if last is None else textwrap.wrap(row[-1], last) or [""]
        first = "  ".join([*cells, parts[0]])
        return "\n".join([first, *(" " * offset + part for part in parts[1:])])

    return "\n".join([line(header), *(line(row) for row in rows)])


def report_text(
    report: ScanReport, catalogue: Mapping[str, ProbeSpec], *, width: int | None = None
) -> str:
    """A full, readable account of one report, wrapped to `width` when given."""
    lines = [summary_table([report], catalogue, width=width)]
    if why := why_lines(report):
        lines += ["", f"why {report.grade} {report.verdict}:", *(f"  {line}" for line in why)]
    lines += [
        "",
        (
            f"assessed at {report.assessed_at.isoformat()}  policy {report.policy_version}  "
            f"measured score {'-' if report.score_measured is None else report.score_measured}"
        ),
        "",
        "dimensions:",
    ]
    for d in report.dimensions:
        score = "-" if d.score is None else f"{d.score:g}"
        lines.append(f"  {d.name:<13} {score:>5}  weight {d.weight:g}  {d.reason}")
    if report.gates:
        lines += ["", "gates:"]
        lines += [f"  {g.id:<22} cap {g.cap:<2}  {g.reason}" for g in report.gates]
    lines += ["", "attempts:"]
    for a in report.attempts:
        reason = f" ({a.reason})" if a.reason else ""
        lines.append(f"  {a.family:<10} {a.status}{reason} in {a.elapsed_ms} ms: {a.detail}")
    lines += _assurance_lines(report)
    lines += _problem_lines(report, catalogue)
    if width is None:
        return "\n".join(lines)
    return "\n".join(_wrapped(line, width) for line in lines)


def _wrapped(line: str, width: int) -> str:
    """A long line wrapped with a hanging indent; the table (already wrapped) is left alone."""
    if len(line) <= width or "\n" in line:
        return line
    indent = " " * (len(line) - len(line.lstrip()) + 4)
    return textwrap.fill(line, width, subsequent_indent=indent, break_on_hyphens=False)


def _assurance_lines(report: ScanReport) -> list[str]:
    """The level served, then what the next level lacks (the one to work on)."""
    assurance = report.assurance
    if assurance is None:
        return []
    lines = ["", f"assurance ({assurance.profile}): {assurance.level or 'no level'}"]
    missing = next((level for level in assurance.levels if not level.met), None)
    if missing is not None:
        lines.append(f"  {missing.level} {missing.alias} needs:")
        lines += [f"    {r.id} ({r.status}): {r.reason}" for r in missing.unmet]
    return lines


def _problem_lines(report: ScanReport, catalogue: Mapping[str, ProbeSpec]) -> list[str]:
    """Each bad probe once, as a problem, with its findings' messages and one fix."""
    bad = bad_findings(report, catalogue)
    if not bad:
        headline = could_not_assess(report)
        return ["", f"problems: not known: {headline}" if headline else "problems: none found"]
    groups: dict[str, list[FindingDoc]] = {}
    for finding in bad:
        groups.setdefault(finding.probe_id, []).append(finding)
    lines = ["", f"problems ({len(groups)}):"]
    for probe_id, findings in groups.items():
        first = findings[0]
        count = f", {len(findings)} findings" if len(findings) > 1 else ""
        lines.append(
            f"  [{first.severity}] {problem_phrase(probe_id, catalogue)} "
            f"({probe_id}, {first.provenance or 'unrecorded'}{count})"
        )
        lines += [f"      {f.message}" for f in findings]
        if first.remediation:
            lines.append(f"      fix: {first.remediation}")
    return lines
