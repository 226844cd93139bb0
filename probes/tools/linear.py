"""A logistic model over n-grams and binary features, scored in plain Python.

The model is fitted with scikit-learn by scripts/train_tool_model.py and exported as plain
numbers (the vocabulary with its idf weights and coefficients, the binary feature weights,
the intercept, Platt calibration and a threshold). Scoring is a sparse dot product, so
neither the service nor the CLI imports scikit-learn, and no pickle is ever loaded.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import pairwise

from probes.tools.textfeatures import char_grams, words_in

FORMAT = 1
_WORD_CACHE = 100_000  # distinct words remembered per model; beyond that, looked up each time
_SUBLINEAR = tuple(1.0 + math.log(n) if n else 0.0 for n in range(64))  # sublinear tf, 1 + ln n


@dataclass(frozen=True, slots=True)
class LinearModel:
    """A logistic model over sublinear, L2-normalised tf-idf n-grams plus binary features."""

    version: str
    vocabulary: Mapping[str, int]
    idf: tuple[float, ...]
    weights: tuple[float, ...]
    feature_weights: Mapping[str, float]
    intercept: float
    calibration: tuple[float, float]  # Platt: p = 1 / (1 + exp(-(a * z + b)))
    threshold: float
    word_cache: dict[str, tuple[int, ...]] = field(default_factory=dict, compare=False, repr=False)

    def indices(self, text: str) -> list[int]:
        """The vocabulary index of every n-gram of `text` the model knows, with repeats.

        A word's own n-grams (the word and its character n-grams) are looked up once per
        model and remembered, so scoring costs about one lookup per word and word pair.
        """
        vocabulary, cache = self.vocabulary, self.word_cache
        found = words_in(text)
        out: list[int] = []
        for word in found:
            known = cache.get(word)
            if known is None:
                grams = ("w:" + word, *char_grams(word))
                known = tuple(i for g in grams if (i := vocabulary.get(g)) is not None)
                if len(cache) < _WORD_CACHE:
                    cache[word] = known
            out.extend(known)
        for a, b in pairwise(found):
            index = vocabulary.get(f"b:{a} {b}")
            if index is not None:
                out.append(index)
        return out

    def decision(self, text: str, features: Iterable[str]) -> float:
        """The raw linear score z of a text and its directive features."""
        idf, weights = self.idf, self.weights
        total = square = 0.0
        for i, n in Counter(self.indices(text)).items():
            value = (_SUBLINEAR[n] if n < len(_SUBLINEAR) else 1.0 + math.log(n)) * idf[i]
            square += value * value
            total += value * weights[i]
        z = self.intercept + (total / math.sqrt(square) if square else 0.0)
        return z + sum(self.feature_weights.get(f, 0.0) for f in set(features))

    def probability(self, text: str, features: Iterable[str]) -> float:
        """The calibrated probability that the definition is poisoned."""
        a, b = self.calibration
        x = a * self.decision(text, features) + b
        return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


def model_from_json(document: Mapping[str, object]) -> LinearModel:
    """A model from its artifact document; raises ValueError or TypeError on a bad one."""
    if document.get("format") != FORMAT:
        raise ValueError(f"unknown model format {document.get('format')!r}")
    terms = document["terms"]
    if not isinstance(terms, list):
        raise TypeError("terms is not a list")
    vocabulary = {str(t[0]): i for i, t in enumerate(terms)}
    calibration = document["calibration"]
    if not isinstance(calibration, Mapping):
        raise TypeError("calibration is not an object")
    features = document["feature_weights"]
    if not isinstance(features, Mapping):
        raise TypeError("feature_weights is not an object")
    return LinearModel(
        version=str(document["version"]),
        vocabulary=vocabulary,
        idf=tuple(float(t[1]) for t in terms),
        weights=tuple(float(t[2]) for t in terms),
        feature_weights={str(k): float(v) for k, v in features.items()},
        intercept=float(str(document["intercept"])),
        calibration=(float(str(calibration["a"])), float(str(calibration["b"]))),
        threshold=float(str(document["threshold"])),
    )
