"""The terminal report: problems phrased as problems, once each; why a grade is low; wrapping."""

from __future__ import annotations

from datetime import UTC, datetime

from probes.model import Attempt, AttemptStatus, ErrorReason, Family, Outcome
from probes.registry import catalogue
from trustsvc.reports.build import build_report
from trustsvc.reports.explain import problem_phrase
from trustsvc.reports.schema import ScanReport
from trustsvc.reports.text import report_text, summary_table
from trustsvc.scoring.aggregate import score_findings

AT = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
CATALOGUE = catalogue()
HIDDEN = "tool_definition_contains_hidden_instructions"
UNREAD_DETAIL = (
    "the endpoint requires credentials before tools/list; configure operator headers to "
    "judge its tools"
)


def _report(*, tools_unread: bool = False) -> ScanReport:
    spec = CATALOGUE[HIDDEN]
    findings = [spec.judged(True, f"tool {n} hides orders.", subject=f"tool:{n}") for n in "abc"]
    findings.append(CATALOGUE["tls_hsts_enforced"].finding(Outcome.FALSE, "No HSTS header."))
    findings.append(CATALOGUE["tls_1_0_offered"].finding(Outcome.TRUE, "TLS 1.0 is offered."))
    given = {f.probe_id for f in findings}
    findings += [
        spec.finding(Outcome.NOT_AVAILABLE, "Not measured.")
        for pid, spec in CATALOGUE.items()
        if pid not in given
    ]
    attempts = []
    if tools_unread:
        attempts.append(
            Attempt(
                family=Family.TOOLS,
                status=AttemptStatus.ERROR,
                reason=ErrorReason.SOURCE_UNAVAILABLE,
                detail=UNREAD_DETAIL,
                elapsed_ms=12,
            )
        )
    return build_report(
        url="https://mcp.example.com/mcp",
        assessed_at=AT,
        attempts=attempts,
        findings=findings,
        score=score_findings(findings, CATALOGUE),
    )


def test_problems_read_as_problems() -> None:
    assert problem_phrase("tls_hsts_enforced", CATALOGUE) == "TLS HSTS not enforced"
    assert problem_phrase("tls_1_0_offered", CATALOGUE) == "TLS 1.0 offered"
    assert problem_phrase("tls_1_3_supported", CATALOGUE) == "TLS 1.3 not supported"
    assert problem_phrase(HIDDEN, CATALOGUE) == "tool definition contains hidden instructions"


def test_top_findings_name_each_problem_once_with_a_count() -> None:
    table = summary_table([_report()], CATALOGUE)
    row = table.splitlines()[1]
    assert row.count("hidden instructions") == 1
    assert "tool definition contains hidden instructions (x3)" in row
    assert HIDDEN not in row


def test_the_problem_list_groups_findings_of_one_probe() -> None:
    text = report_text(_report(), CATALOGUE)
    assert text.count(f"({HIDDEN},") == 1
    assert "3 findings" in text
    assert text.count("tool b hides orders.") == 1


def test_why_a_grade_is_low_names_the_missing_token() -> None:
    text = report_text(_report(tools_unread=True), CATALOGUE)
    why = text.split("\nwhy ", 1)[1].split("\n\n", 1)[0]
    assert (
        "tools not read: the endpoint requires a token; pass --header 'Authorization: Bearer TOKEN'"
        in why
    )
    assert "Capped at" in why


def test_wrapping_keeps_every_line_within_the_width() -> None:
    report = _report(tools_unread=True)
    wide = report_text(report, CATALOGUE)
    assert max(map(len, wide.splitlines())) > 100
    wrapped = report_text(report, CATALOGUE, width=100)
    assert max(map(len, wrapped.splitlines())) <= 100
    assert " ".join(wrapped.split()).count("hidden instructions") == " ".join(wide.split()).count(
        "hidden instructions"
    )
