"""Words for the terminal: problems phrased as problems, and why a grade is capped or low.

Probe ids are predicates (`tls_hsts_enforced`); the table's TOP FINDINGS shows what is
wrong instead ("TLS HSTS not enforced"), once per probe with a count, since one probe can
fire for many tools. `why_lines` says what capped the grade (the gates) and what could not
be read and how to fix that (a token the endpoint demands: pass --header).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence

from probes.model import Outcome, ProbeSpec
from trustsvc.reports.schema import AttemptDoc, FindingDoc, ScanReport
from trustsvc.scoring.evidence import plain_detail

_ACRONYMS = {
    word: word.upper()
    for word in (
        "tls", "hsts", "pkce", "s256", "mcp", "dnssec", "caa", "spf", "dmarc", "http", "aead",
        "rc4", "ccs", "robot", "url", "ssl",
    )
}  # fmt: skip
_ACRONYMS |= {"sslv2": "SSLv2", "sslv3": "SSLv3", "a": "A"}
_VERSION = re.compile(r"(?<=\d) (?=\d\b)")
_GOOD_GRADES = ("A+", "A", "A-", "B")
# What each family reads, for "X not read: ...".
_READS = {
    "tls": "TLS",
    "domain": "domain facts",
    "auth": "auth model",
    "tools": "tools",
    "publisher": "publisher facts",
}
_CREDENTIALS_DEMANDED = "requires credentials"


def problem_phrase(probe_id: str, catalogue: Mapping[str, ProbeSpec]) -> str:
    """The probe's bad outcome as a short phrase: its id read as words, negated if need be."""
    words = [_ACRONYMS.get(word, word) for word in probe_id.split("_")]
    spec = catalogue.get(probe_id)
    if spec is not None and spec.bad_outcome is Outcome.FALSE and len(words) > 1:
        words.insert(len(words) - 1, "not")
    return _VERSION.sub(".", " ".join(words))


def top_problems(bad: Sequence[FindingDoc], catalogue: Mapping[str, ProbeSpec], limit: int) -> str:
    """The first `limit` distinct problems, worst first, each once with how often it fired."""
    counts = Counter(f.probe_id for f in bad)
    distinct = list(dict.fromkeys(f.probe_id for f in bad))
    shown = [
        problem_phrase(pid, catalogue) + (f" (x{counts[pid]})" if counts[pid] > 1 else "")
        for pid in distinct[:limit]
    ]
    more = len(distinct) - limit
    return "; ".join(shown) + (f"; {more} more" if more > 0 else "")


def why_lines(report: ScanReport) -> list[str]:
    """Why the grade is capped or low; empty for a good grade with nothing unread."""
    lines = [gate.reason for gate in report.gates]
    unread = [_unread(a) for a in report.attempts if a.status != "completed"]
    if report.grade in _GOOD_GRADES and not lines and not unread:
        return []
    return [*lines, *unread]


def _unread(attempt: AttemptDoc) -> str:
    what = _READS.get(attempt.family, attempt.family)
    detail = attempt.detail or attempt.reason or "not completed"
    if _CREDENTIALS_DEMANDED in detail:
        return (
            f"{what} not read: the endpoint requires a token; pass "
            "--header 'Authorization: Bearer TOKEN'"
        )
    return f"{what} not read: {plain_detail(detail)}"
