"""Confusable skeletons of domain labels, from Unicode's confusables data (UTS #39).

Two labels with the same skeleton look alike (Cyrillic-a `anthropic`, `rnicrosoft`, `g00gle`).
The table comes from the `confusable-homoglyphs` package, which ships Unicode's
confusables.txt as JSON; only that data file is read (the package's API is untyped and
character-oriented). Domains are lowercase ASCII after IDNA, so every glyph is mapped to a
lowercase ASCII prototype, and diacritics are stripped after NFD (`gíthub` reads as `github`),
a step UTS #39 leaves out but registrars' IDN tables make matter.
"""

from __future__ import annotations

import functools
import json
import string
import unicodedata
from importlib import resources

_ASCII = frozenset(string.ascii_lowercase + string.digits + "-")


@functools.cache
def _tables() -> tuple[dict[str, str], tuple[tuple[str, str], ...]]:
    """(single glyph -> ASCII prototype, ASCII sequence -> ASCII glyph such as rn -> m)."""
    data = json.loads(
        resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text("utf-8")
    )
    pairs: list[tuple[str, str]] = []
    sequences: list[tuple[str, str]] = []
    for key, glyphs in data.items():
        for glyph in (str(entry["c"]) for entry in glyphs):
            low_key, low_glyph = key.lower(), glyph.lower()
            if len(low_key) == 1 and len(low_glyph) == 1:
                pairs.append((low_key, low_glyph))
            elif len(low_glyph) == 1 and set(low_key) <= _ASCII and low_glyph in _ASCII:
                sequences.append((low_key, low_glyph))
    return _prototypes(pairs), tuple(sorted(set(sequences), key=lambda s: (-len(s[0]), s)))


def _prototypes(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """Union the ASCII glyphs that confuse each other (0/o, 1/l/i), then map others onto them."""
    parent = {c: c for c in _ASCII}

    def root(c: str) -> str:
        while parent[c] != c:
            c = parent[c]
        return c

    for a, b in pairs:
        if a in _ASCII and b in _ASCII:
            ra, rb = root(a), root(b)
            # Letters win over digits, so the prototype of {0, o} is o.
            low, high = sorted((ra, rb), key=lambda c: (c.isdigit(), c))
            parent[high] = low
    table = {c: root(c) for c in _ASCII}
    for a, b in pairs:
        if a not in _ASCII and b in _ASCII:
            table.setdefault(a, table[b])
        elif b not in _ASCII and a in _ASCII:
            table.setdefault(b, table[a])
    return table


def skeleton(label: str) -> str:
    """The ASCII prototype a reader sees in a (Unicode) label; unmapped glyphs are kept."""
    table, sequences = _tables()
    stripped = "".join(
        c for c in unicodedata.normalize("NFD", label.lower()) if unicodedata.category(c) != "Mn"
    )
    mapped = "".join(table.get(c, c) for c in stripped)
    for sequence, glyph in sequences:
        mapped = mapped.replace(sequence, table.get(glyph, glyph))
    return mapped


# ASCII look-alikes a reader confuses in most fonts (dnstwist's ASCII glyph table, less the
# pairs only a few fonts share): single glyphs, then sequences (`c1` reads `cl`, so `d`).
# Applied to both sides of a comparison, so `c1aude`, `cIaude` and `daude` share a skeleton
# with `claude`, and `rnicr0soft` with `microsoft`.
_ASCII_SEQUENCES = (("rn", "m"), ("vv", "w"), ("cl", "d"))
_ASCII_GLYPHS = str.maketrans({"1": "l", "i": "l", "0": "o", "q": "g", "u": "v"})


def ascii_glyphs(label: str) -> str:
    """The label (after `skeleton`) with single ASCII look-alikes folded: q=g, 1=i=l, 0=o, u=v."""
    return skeleton(label).translate(_ASCII_GLYPHS)


def ascii_skeleton(label: str) -> str:
    """The ASCII look-alike shape of a label: `ascii_glyphs`, then rn=m, cl=d, vv=w."""
    shape = ascii_glyphs(label)
    for sequence, glyph in _ASCII_SEQUENCES:
        shape = shape.replace(sequence, glyph)
    return shape
