"""Readable plain-text renderings of reports for the terminal."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from probes.model import ProbeSpec
from trustsvc.reports.findings import bad_findings, could_not_assess
from trustsvc.reports.schema import ScanReport

TOP_FINDINGS = 3


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


def summary_table(reports: Sequence[ScanReport], catalogue: Mapping[str, ProbeSpec]) -> str:
    """One line per report: URL, score, grade, verdict, confidence, TLS, CoSAI, top findings.

    COSAI is the highest assurance level the measured posture could serve.
    """
    header = ("URL", "SCORE", "GRADE", "VERDICT", "CONF", "TLS", "COSAI", "TOP FINDINGS")
    rows = [
        (
            r.url,
            str(r.score),
            r.grade,
            r.verdict,
            f"{r.confidence:.2f}",
            tls_subgrade(r),
            assurance_level(r),
            could_not_assess(r)
            or ", ".join(f.probe_id for f in bad_findings(r, catalogue)[:TOP_FINDINGS])
            or "-",
        )
        for r in reports
    ]
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header) - 1)]

    def line(row: Sequence[str]) -> str:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        return "  ".join([*cells, row[-1]])

    return "\n".join([line(header), *(line(row) for row in rows)])


def report_text(report: ScanReport, catalogue: Mapping[str, ProbeSpec]) -> str:
    """A full, readable account of one report."""
    lines = [
        summary_table([report], catalogue),
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
    bad = bad_findings(report, catalogue)
    if bad:
        lines += ["", f"problems ({len(bad)}):"]
    elif (headline := could_not_assess(report)) is not None:
        lines += ["", f"problems: not known: {headline}"]
    else:
        lines += ["", "problems: none found"]
    for f in bad:
        lines.append(f"  [{f.severity}] [{f.provenance or 'unrecorded'}] {f.probe_id}: {f.message}")
        if f.remediation:
            lines.append(f"      fix: {f.remediation}")
    return "\n".join(lines)


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
