"""Characters a reviewer cannot see, and names that look like other names.

Invisible characters hide text from the person approving a tool while the model still reads
it (SAFE-T1402): zero-width characters, bidi controls that reorder what is displayed, the
Unicode tag block (an invisible copy of ASCII), variation-selector smuggling, and terminal
escape sequences. Legitimate text needs a few of them (ZWJ inside emoji, ZWNJ in Persian or
Indic words, LRM in right-to-left text), so those are allowed only in that company.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

_ZERO_WIDTH = frozenset(
    {0x200B, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0xFEFF, 0x180E, 0x00AD, 0x034F}
    | {0x115F, 0x1160, 0x3164, 0xFFA0, 0x17B4, 0x17B5, 0x2028, 0x2029}
)
_JOINERS = frozenset({0x200C, 0x200D})
_BIDI_CONTROLS = frozenset(range(0x202A, 0x202F)) | frozenset(range(0x2066, 0x206A))
_BIDI_MARKS = frozenset({0x200E, 0x200F, 0x061C})
_TAGS = range(0xE0000, 0xE0080)
_VARIATION_SUPPLEMENT = range(0xE0100, 0xE01F0)
_VARIATION = range(0xFE00, 0xFE10)
_ALLOWED_CONTROLS = frozenset("\t\n\r")
_ESC = 0x1B
_PICTOGRAPHS = 0x1F000  # Mahjong tiles onwards: emoji and pictographs
_TAG_PRINTABLE = range(0xE0020, 0xE007F)  # tag space ... tag tilde
_C1 = range(0x7F, 0xA0)


@dataclass(frozen=True, slots=True)
class HiddenCharacter:
    """One invisible or control character and why it is suspicious."""

    index: int
    codepoint: int
    kind: str  # zero_width, joiner, bidi, tag, variation_selector, control, ansi_escape

    @property
    def label(self) -> str:
        """`U+200B` style."""
        return f"U+{self.codepoint:04X}"


def _is_rtl(ch: str) -> bool:
    return unicodedata.bidirectional(ch) in ("R", "AL")


# Emoji bases Unicode files as letters, not symbols: U+2139 (information source) is a letter
# of category Ll, written with the emoji presentation selector like any other emoji.
_LETTER_EMOJI = frozenset("\u2139")


def _is_pictograph(ch: str) -> bool:
    return ord(ch) >= _PICTOGRAPHS or unicodedata.category(ch) == "So" or ch in _LETTER_EMOJI


_STRAY_RUN = 3


def _joiner_is_legitimate(text: str, i: int) -> bool:
    """ZWJ/ZWNJ between two emoji or two non-ASCII letters (Indic, Persian) is ordinary text."""
    if i == 0 or i + 1 >= len(text):
        return False
    before, after = text[i - 1], text[i + 1]
    if _is_pictograph(before) or _is_pictograph(after):
        return True
    return not before.isascii() and not after.isascii() and before.isalpha() and after.isalpha()


def _variation_is_legitimate(text: str, i: int) -> bool:
    """One presentation selector after an emoji, digit or symbol is how emoji are written."""
    if i == 0 or (i + 1 < len(text) and ord(text[i + 1]) in _VARIATION):
        return False
    before = text[i - 1]
    return _is_pictograph(before) or before in "0123456789#*" or not before.isalnum()


def _zero_width_is_stray(text: str, i: int) -> bool:
    """A short run of zero-width spaces next to whitespace splits nothing: copy-paste residue.

    Hiding works by splitting a word ("ig\u200bnore") or by long runs that encode data; a
    run of one to three beside a space or line end (seen in real vendor documentation) does
    neither.
    """
    start, end = i, i
    while start > 0 and ord(text[start - 1]) in _ZERO_WIDTH:
        start -= 1
    while end + 1 < len(text) and ord(text[end + 1]) in _ZERO_WIDTH:
        end += 1
    if end - start + 1 > _STRAY_RUN:
        return False
    before = text[start - 1] if start > 0 else " "
    after = text[end + 1] if end + 1 < len(text) else " "
    return before.isspace() or after.isspace()


def _classify(text: str, i: int, *, rtl: bool) -> str | None:
    cp = ord(text[i])
    kind: str | None = None
    if cp in _ZERO_WIDTH:
        kind = None if _zero_width_is_stray(text, i) else "zero_width"
    elif cp in _JOINERS:
        kind = None if _joiner_is_legitimate(text, i) else "joiner"
    elif cp in _BIDI_CONTROLS:
        kind = "bidi"
    elif cp in _BIDI_MARKS:
        kind = None if rtl else "bidi"
    elif cp in _TAGS:
        kind = "tag"
    elif cp in _VARIATION_SUPPLEMENT:
        kind = "variation_selector"
    elif cp in _VARIATION:
        kind = None if _variation_is_legitimate(text, i) else "variation_selector"
    elif cp == _ESC:
        kind = "ansi_escape"
    elif (unicodedata.category(text[i]) == "Cc" or cp in _C1) and text[i] not in _ALLOWED_CONTROLS:
        kind = "control"
    return kind


def _class_of(codepoints: Iterable[int]) -> str:
    return "".join(re.escape(chr(cp)) for cp in sorted(codepoints))


# Every character _classify might flag; text without any of them is skipped in one C-level scan.
_CANDIDATES = re.compile(
    "["
    + _class_of(_ZERO_WIDTH | _JOINERS | _BIDI_CONTROLS | _BIDI_MARKS)
    + "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufe00-\ufe0f"
    + "\U000e0000-\U000e007f\U000e0100-\U000e01ef"
    + "]"
)


def hidden_characters(text: str) -> list[HiddenCharacter]:
    """Every invisible or control character in `text` that ordinary prose would not need."""
    if text.isascii() and text.isprintable():
        return []  # printable ASCII holds none of the candidates (most names and values)
    candidates = [m.start() for m in _CANDIDATES.finditer(text)]
    if not candidates:
        return []
    rtl = any(_is_rtl(ch) for ch in text if not ch.isascii())
    found = []
    for i in candidates:
        kind = _classify(text, i, rtl=rtl)
        if kind is not None:
            found.append(HiddenCharacter(i, ord(text[i]), kind))
    return found


def tag_text(text: str) -> str:
    """The ASCII spelled by Unicode tag characters (U+E0020-U+E007E map to ' '-'~')."""
    return "".join(chr(ord(ch) - 0xE0000) for ch in text if ord(ch) in _TAG_PRINTABLE)


def strip_hidden(text: str) -> str:
    """Text with every invisible character removed, so rules match what the model reads."""
    hidden = {h.index for h in hidden_characters(text)}
    if not hidden:
        return text
    return "".join(ch for i, ch in enumerate(text) if i not in hidden)


def _codes(hex_codes: str) -> str:
    """Characters from space-separated hex code points (kept out of literals: RUF001)."""
    return "".join(chr(int(code, 16)) for code in hex_codes.split())


# Letters of other scripts drawn like Latin ones (a subset of Unicode's confusables.txt:
# the Cyrillic, Greek and Armenian letters that are pixel-identical in common fonts).
_CONFUSABLES = {
    # Cyrillic
    **dict(
        zip(
            _codes(
                "0430 0435 043E 0440 0441 0443 0445 0456 0458 0455 0501 051B 051D 04BB"
                " 04CF 0432 043A 043C 043D 0442 0410 0412 0415 041A 041C 041D 041E 0420"
                " 0421 0422 0425 0405 0406 0408"
            ),
            "aeopcyxijsdqwhlbkmhtABEKMHOPCTXSIJ",
            strict=True,
        )
    ),
    # Greek
    **dict(
        zip(
            _codes(
                "03B1 03BF 03B5 03C1 03C4 03C5 03BD 03B9 03BA 03C7 0391 0392 0395 0396"
                " 0397 0399 039A 039C 039D 039F 03A1 03A4 03A5 03A7"
            ),
            "aoeptuvikxABEZHIKMNOPTYX",
            strict=True,
        )
    ),
    # Armenian
    **dict(zip(_codes("0585 057D 0578 0570 0581 0566"), "ounhgq", strict=True)),
}


@dataclass(frozen=True, slots=True)
class NameConfusion:
    """Why a name may impersonate another: its scripts and its Latin look-alike."""

    reason: str  # mixed_scripts, whole_script_confusable, compatibility_characters
    scripts: tuple[str, ...]
    skeleton: str


def _script(ch: str) -> str:
    try:
        return unicodedata.name(ch).split(" ", 1)[0]
    except ValueError:
        return "UNKNOWN"


def name_confusion(name: str) -> NameConfusion | None:
    """Whether a name mixes look-alike scripts or uses compatibility forms (fullwidth, math)."""
    if name.isascii():
        return None
    skeleton = "".join(_CONFUSABLES.get(ch, ch) for ch in unicodedata.normalize("NFKC", name))
    scripts = tuple(sorted({_script(ch) for ch in name if ch.isalpha()}))
    if unicodedata.normalize("NFKC", name) != name and skeleton.isascii():
        return NameConfusion("compatibility_characters", scripts, skeleton)
    has_confusable = any(ch in _CONFUSABLES for ch in name)
    if has_confusable and "LATIN" in scripts and len(scripts) > 1:
        return NameConfusion("mixed_scripts", scripts, skeleton)
    if has_confusable and skeleton.isascii():
        return NameConfusion("whole_script_confusable", scripts, skeleton)
    return None
