"""Precision and recall of "poisoned" over the tool corpus, and detection of the other attacks.

Benign: every definition recorded from 20 published servers (filesystem, git, fetch, memory,
GitHub, Playwright, Kubernetes, Notion, shell, ...): many are destructive or broad, none may
be called poisoned. Malicious: definitions written from public attack write-ups, each
labelled with the probe (and rule) that should catch it; `known_misses.json` holds attacks
the deterministic rules honestly do not catch, so recall is measured, not assumed. Shadowing
and look-alike twins within a listing count as poisoned (issue 15), so their samples are
labelled poisoned.
"""

from __future__ import annotations

from probes.model import Outcome
from probes.tools.family import judge_definitions
from probes.tools.verdicts import tool_verdicts
from tests.unit.tools.corpus import corpus_files

# The figures reported for this corpus; a rule change that moves them must update them here.
BENIGN_DEFINITIONS = 215
POISONED_LABELS = 43
TRUE_POSITIVES = 41
PRECISION = 1.0
RECALL = TRUE_POSITIVES / POISONED_LABELS


def _poisoned_subjects(kind: str) -> tuple[set[str], set[str], dict[str, dict[str, object]]]:
    """(all subjects, poisoned subjects, labels) over the corpus files of one kind."""
    subjects: set[str] = set()
    poisoned: set[str] = set()
    labels: dict[str, dict[str, object]] = {}
    for corpus in corpus_files(kind):
        verdicts = tool_verdicts(judge_definitions(corpus.observation()))
        prefix = corpus.path.stem + "/"
        subjects |= {prefix + v.subject for v in verdicts}
        poisoned |= {prefix + v.subject for v in verdicts if v.poisoned}
        labels |= {prefix + s: dict(label) for s, label in corpus.labels.items()}
    return subjects, poisoned, labels


def test_every_corpus_file_names_its_source() -> None:
    for kind in ("benign", "malicious"):
        for corpus in corpus_files(kind):
            assert corpus.source, corpus.path
            if kind == "benign":
                assert corpus.source.startswith(("PyPI ", "npm ")), corpus.path
            else:
                assert corpus.labels, corpus.path


def test_no_benign_definition_is_poisoned() -> None:
    subjects, poisoned, _ = _poisoned_subjects("benign")
    assert len(subjects) == BENIGN_DEFINITIONS
    assert poisoned == set()


def test_precision_and_recall_of_poisoned() -> None:
    benign, benign_poisoned, _ = _poisoned_subjects("benign")
    _, flagged, labels = _poisoned_subjects("malicious")
    positives = {s for s, label in labels.items() if label["poisoned"]}
    negatives = {s for s, label in labels.items() if not label["poisoned"]} | benign
    true_positives = positives & flagged
    false_positives = (negatives & flagged) | benign_poisoned
    precision = len(true_positives) / (len(true_positives) + len(false_positives))
    recall = len(true_positives) / len(positives)
    assert (len(positives), len(true_positives), len(false_positives)) == (
        POISONED_LABELS,
        TRUE_POSITIVES,
        0,
    )
    assert (precision, recall) == (PRECISION, RECALL)
    missed = {s for s in positives - flagged if labels[s]["detected"]}
    assert missed == set(), "a sample labelled as detected was missed"


def test_each_malicious_sample_is_caught_by_its_probe_and_rule() -> None:
    for corpus in corpus_files("malicious"):
        findings = judge_definitions(corpus.observation())
        for subject, label in corpus.labels.items():
            bad = [f for f in findings if f.subject == subject and f.outcome is Outcome.TRUE]
            probes = {f.probe_id for f in bad}
            rules = {r for f in bad for r in str(f.evidence.get("rules", "")).split(",") if r}
            caught = label["probe"] in probes and (label["rule"] is None or label["rule"] in rules)
            assert caught is label["detected"], (corpus.path.name, subject, probes, rules)
