"""The n-grams the statistical layer reads: words, word pairs and character n-grams of words.

Training (scripts/train_tool_model.py, with scikit-learn) and inference
(probes/tools/classifier.py, plain Python) call this same function, so the features a
shipped model was fitted on are exactly the ones it sees at run time. Character n-grams are
taken within words (padded with a space, as scikit-learn's `char_wb` does) and memoised per
word: real descriptions reuse a small vocabulary, so most words cost one dictionary lookup.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import pairwise

MAX_CHARS = 8_000  # enough for any honest description; the rest adds cost, not signal
CHAR_SIZES = (3, 4, 5)
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def words_in(text: str) -> list[str]:
    """The lower-case words the n-grams are built from."""
    return _WORD.findall(text[:MAX_CHARS].lower())


@lru_cache(maxsize=65_536)
def char_grams(word: str) -> tuple[str, ...]:
    """The `c:` character n-grams of one word, padded with a space each side."""
    padded = f" {word} "
    grams: list[str] = []
    for n in CHAR_SIZES:
        if len(padded) < n:
            break
        grams.extend("c:" + padded[i : i + n] for i in range(len(padded) - n + 1))
    return tuple(grams)


def ngrams(text: str) -> list[str]:
    """Every feature name of a text: `w:` words, `b:` word pairs, `c:` character n-grams."""
    found = words_in(text)
    grams = ["w:" + w for w in found]
    grams += [f"b:{a} {b}" for a, b in pairwise(found)]
    for word in found:
        grams.extend(char_grams(word))
    return grams
