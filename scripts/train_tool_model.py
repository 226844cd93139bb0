#!/usr/bin/env python3
"""Train the tool-poisoning model on corpus/dev and write probes/tools/data/poisoning_model.json.

    python scripts/train_tool_model.py [--check]        (or: make train)

scikit-learn fits a logistic regression over sublinear tf-idf n-grams (probes/tools/
textfeatures.py) and the directive features of probes/tools/reading.py; the result is
exported as plain numbers, and probes/tools/classifier.py scores with them in plain Python.
Only the development split is read: the reporting split is never opened here.

Steps, all deterministic (fixed folds, liblinear, sorted features), a few seconds on two cores:

1. samples: every recorded benign definition (label 0), every written example's target
   (malicious 1, hard negative 0) and the honest siblings of written listings (0, once each);
2. out-of-fold scores by grouped 5-fold cross-validation, grouped by source (a benign server,
   a writing batch), so no phrasing or server is on both sides of a fold;
3. Platt calibration fitted on those out-of-fold scores;
4. the threshold: the lowest calibrated probability at which out-of-fold false positives stay
   within 0.5 % of the recorded tools and 2 % of the hard negatives (the table is printed and
   stored in the artifact);
5. the final model on all samples, checked against the plain-Python scorer on every sample.

`--check` trains and compares with the shipped artifact instead of writing it (CI can run it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from probes.tools.linear import FORMAT, model_from_json  # noqa: E402
from probes.tools.observation import observation_from_lists  # noqa: E402
from probes.tools.reading import reading_of  # noqa: E402
from probes.tools.textfeatures import ngrams  # noqa: E402

DEV = ROOT / "corpus" / "dev"
ARTIFACT = ROOT / "probes" / "tools" / "data" / "poisoning_model.json"
NOW = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
MAX_TERMS = 6_000
C = 4.0
FOLDS = 5
MAX_BENIGN_FP = 0.0015  # about one recorded tool in a thousand, out of fold
MAX_HARD_NEGATIVE_FP = 0.02
GRID = tuple(round(0.05 * i, 2) for i in range(2, 20))


@dataclass(frozen=True, slots=True)
class Sample:
    """One definition as the model sees it, with its label and the group it is split by."""

    text: str
    features: frozenset[str]
    label: int
    group: str
    kind: str  # benign, malicious, hard_negative, sibling


def _read(listing: dict[str, Any]) -> Iterator[tuple[str | None, str, frozenset[str], str]]:
    observation = observation_from_lists(
        observed_at=NOW,
        tools=listing.get("tools", []),
        prompts=listing.get("prompts", []),
        resource_templates=listing.get("resourceTemplates", []),
    )
    reading = reading_of(observation)
    for definition in observation.definitions:
        found = reading.of(definition.fields)
        if found is not None:
            yield definition.name, found.text, found.features, definition.canonical_json


def samples() -> list[Sample]:
    """Every training sample of corpus/dev, in a fixed order."""
    found: list[Sample] = []
    for path in sorted((DEV / "benign").glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        for _, text, features, _ in _read(document):
            found.append(Sample(text, features, 0, f"benign:{path.stem}", "benign"))
    seen: set[str] = set()
    for kind, label in (("malicious", 1), ("hard_negative", 0)):
        for path in sorted((DEV / kind).glob("*.jsonl")):
            for line in path.read_text(encoding="utf-8").splitlines():
                if not line.strip():
                    continue
                row = json.loads(line)
                for name, text, features, canonical in _read({"tools": row["listing"]}):
                    if name == row["target"]:
                        found.append(Sample(text, features, label, row["source"], kind))
                    elif canonical not in seen:
                        seen.add(canonical)
                        found.append(Sample(text, features, 0, row["source"], "sibling"))
    return found


def _matrix(
    vectorizer: TfidfVectorizer, names: list[str], batch: list[Sample], *, fit: bool
) -> csr_matrix:
    texts = [s.text for s in batch]
    words = vectorizer.fit_transform(texts) if fit else vectorizer.transform(texts)
    index = {n: i for i, n in enumerate(names)}
    rows, cols = [], []
    for r, sample in enumerate(batch):
        for feature in sample.features:
            if feature in index:
                rows.append(r)
                cols.append(index[feature])
    flags = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(batch), len(names)))
    return hstack([words, flags]).tocsr()


def _fit(batch: list[Sample]) -> tuple[TfidfVectorizer, list[str], LogisticRegression]:
    vectorizer = TfidfVectorizer(
        analyzer=ngrams, sublinear_tf=True, min_df=2, max_features=MAX_TERMS, dtype=np.float64
    )
    names = sorted({f for s in batch for f in s.features})
    matrix = _matrix(vectorizer, names, batch, fit=True)
    model = LogisticRegression(
        C=C, class_weight="balanced", solver="liblinear", random_state=0, max_iter=2000
    )
    model.fit(matrix, [s.label for s in batch])
    return vectorizer, names, model


def out_of_fold(batch: list[Sample]) -> np.ndarray:
    """Decision values of each sample from a model that never saw its group."""
    scores = np.zeros(len(batch))
    groups = [s.group for s in batch]
    for train, test in GroupKFold(n_splits=FOLDS).split(batch, groups=groups):
        vectorizer, names, model = _fit([batch[i] for i in train])
        held = [batch[i] for i in test]
        scores[test] = model.decision_function(_matrix(vectorizer, names, held, fit=False))
    return scores


def calibrate(scores: np.ndarray, labels: list[int]) -> tuple[float, float]:
    """Platt scaling: a one-feature logistic fit of the labels on the decision values."""
    platt = LogisticRegression(C=1e6, solver="lbfgs", max_iter=1000)
    platt.fit(scores.reshape(-1, 1), labels)
    return float(platt.coef_[0][0]), float(platt.intercept_[0])


def choose_threshold(
    probabilities: np.ndarray, batch: list[Sample]
) -> tuple[float, list[dict[str, float]]]:
    """The lowest grid threshold whose out-of-fold false positives stay within the limits."""
    kinds = np.array([s.kind for s in batch])
    table = []
    chosen = GRID[-1]
    for threshold in GRID:
        flagged = probabilities >= threshold
        row = {
            "threshold": threshold,
            "recall": float(flagged[kinds == "malicious"].mean()),
            "fp_benign": float(flagged[kinds == "benign"].mean()),
            "fp_hard_negative": float(flagged[kinds == "hard_negative"].mean()),
        }
        table.append(row)
    for row in table:
        if row["fp_benign"] <= MAX_BENIGN_FP and row["fp_hard_negative"] <= MAX_HARD_NEGATIVE_FP:
            chosen = row["threshold"]
            break
    return chosen, table


def export(  # noqa: PLR0917 - the parts of one fit, named in order
    vectorizer: TfidfVectorizer,
    names: list[str],
    model: LogisticRegression,
    calibration: tuple[float, float],
    threshold: float,
    table: list[dict[str, float]],
    batch: list[Sample],
) -> dict[str, Any]:
    """The artifact document: numbers only, rounded, with a version from their digest."""
    coef = model.coef_[0]
    terms_by_index = sorted(vectorizer.vocabulary_.items(), key=lambda kv: kv[1])
    terms = [
        [term, round(float(vectorizer.idf_[i]), 6), round(float(coef[i]), 6)]
        for term, i in terms_by_index
    ]
    offset = len(terms_by_index)
    features = {n: round(float(coef[offset + j]), 6) for j, n in enumerate(names)}
    body = {
        "terms": terms,
        "feature_weights": features,
        "intercept": round(float(model.intercept_[0]), 6),
        "calibration": {"a": round(calibration[0], 6), "b": round(calibration[1], 6)},
        "threshold": threshold,
    }
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:10]
    counts = {k: sum(s.kind == k for s in batch) for k in sorted({s.kind for s in batch})}
    return {
        "format": FORMAT,
        "version": f"lr-{digest}",
        "trained_on": "corpus/dev",
        "samples": counts,
        "method": (
            f"LogisticRegression(C={C}, liblinear, balanced) over sublinear tf-idf of "
            f"{len(terms)} n-grams (min_df=2) and {len(features)} directive features; Platt "
            f"calibration and threshold from grouped {FOLDS}-fold out-of-fold scores"
        ),
        "threshold_rule": (
            f"lowest of {GRID[0]}..{GRID[-1]} with out-of-fold false positives <= "
            f"{MAX_BENIGN_FP:.2%} of recorded tools and <= {MAX_HARD_NEGATIVE_FP:.0%} of hard "
            "negatives"
        ),
        "threshold_table": table,
        **body,
    }


def _parity(
    document: dict[str, Any], model: LogisticRegression, matrix: csr_matrix, batch: list[Sample]
) -> float:
    """Largest difference between scikit-learn's and the plain-Python decision values."""
    plain = model_from_json(document)
    sk = model.decision_function(matrix)
    return max(abs(plain.decision(s.text, s.features) - z) for s, z in zip(batch, sk, strict=True))


def main() -> int:
    """Train, report the out-of-fold table, check parity, write (or --check) the artifact."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the shipped artifact")
    options = parser.parse_args()
    batch = samples()
    labels = [s.label for s in batch]
    scores = out_of_fold(batch)
    calibration = calibrate(scores, labels)
    a, b = calibration
    probabilities = 1.0 / (1.0 + np.exp(-(a * scores + b)))
    threshold, table = choose_threshold(probabilities, batch)
    vectorizer, names, model = _fit(batch)
    document = export(vectorizer, names, model, calibration, threshold, table, batch)
    drift = _parity(document, model, _matrix(vectorizer, names, batch, fit=False), batch)
    print(f"samples: {document['samples']}")
    print("out-of-fold (grouped by source), calibrated:")
    for row in table:
        mark = "  <- chosen" if row["threshold"] == threshold else ""
        print(
            f"  p >= {row['threshold']:.2f}: recall {row['recall']:.1%}, recorded tools "
            f"{row['fp_benign']:.2%}, hard negatives {row['fp_hard_negative']:.1%}{mark}"
        )
    print(f"plain-Python scorer vs scikit-learn: max |dz| = {drift:.2e}")
    if drift > 1e-3:  # noqa: PLR2004 - rounding to 6 decimals keeps it far below this
        print("the exported model does not reproduce scikit-learn's scores", file=sys.stderr)
        return 1
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"
    if options.check:
        same = ARTIFACT.exists() and ARTIFACT.read_text(encoding="utf-8") == text
        print("artifact is up to date" if same else "artifact differs: run make train")
        return 0 if same else 1
    ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
    ARTIFACT.write_text(text, encoding="utf-8")
    print(f"wrote {ARTIFACT.relative_to(ROOT)} ({len(text) / 1024:.0f} KiB), {document['version']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
