r"""Hostile text made safe to show: escaped, with invisible and bidi characters made visible.

Every string an endpoint or a registry sent (tool descriptions, server names, URLs, diffs)
reaches a page through `shown`, which Jinja calls on every `{{ }}` (its `finalize` hook), so
a template cannot forget it. Escaping alone is not enough: a right-to-left override or a
zero-width space is invisible once escaped, and hiding it is the attack, so each one is shown
as a `\u202e`-style escape in a marked span. Lone surrogates (which JSON allows and UTF-8
cannot encode) and other control characters are shown the same way instead of crashing the
response.
"""

from __future__ import annotations

import unicodedata

from markupsafe import Markup, escape

MAX_SHOWN = 4000
"""Characters of one value shown on a page; the rest is cut with a visible mark."""

_INVISIBLE = frozenset(
    {
        0x00AD,  # soft hyphen
        0x034F,  # combining grapheme joiner
        0x061C,  # Arabic letter mark
        0x115F,
        0x1160,
        0x17B4,
        0x17B5,
        0x180E,
        0x3164,
        0xFEFF,  # zero-width no-break space (BOM)
        0xFFA0,
    }
)
_INVISIBLE_RANGES = (
    (0x200B, 0x200F),  # zero-width space, joiners, LRM, RLM
    (0x202A, 0x202E),  # bidi embeddings and overrides
    (0x2060, 0x206F),  # word joiner, invisible operators, bidi isolates
    (0xFE00, 0xFE0F),  # variation selectors
    (0xE0000, 0xE007F),  # tag characters
)


def _hidden(char: str) -> bool:
    """Whether a character would be invisible, reorder text, or break the encoding."""
    code = ord(char)
    if char in "\n\t":
        return False
    if code in _INVISIBLE or any(low <= code <= high for low, high in _INVISIBLE_RANGES):
        return True
    return unicodedata.category(char) in {"Cc", "Cs", "Co", "Cn", "Zl", "Zp"}


_BMP_TOP = 0xFFFF


def _escape_code(char: str) -> str:
    code = ord(char)
    return f"\\u{code:04x}" if code <= _BMP_TOP else f"\\U{code:08x}"


def shown(value: object) -> Markup:
    """The value as safe markup: escaped, hidden characters shown as escapes, cut if huge."""
    if isinstance(value, Markup):
        return value
    text = "" if value is None else str(value)
    cut = len(text) > MAX_SHOWN
    if cut:
        text = text[:MAX_SHOWN]
    parts: list[str] = []
    plain: list[str] = []
    for char in text:
        if _hidden(char):
            if plain:
                parts.append(str(escape("".join(plain))))
                plain.clear()
            parts.append(f'<span class="esc" title="hidden character">{_escape_code(char)}</span>')
        else:
            plain.append(char)
    if plain:
        parts.append(str(escape("".join(plain))))
    if cut:
        parts.append(f'<span class="esc">… (cut at {MAX_SHOWN} characters)</span>')
    return Markup("".join(parts))  # noqa: S704 - every piece was escaped above


def plain(value: object) -> str:
    """The value as text safe for an attribute that is not markup (a title, a URL query)."""
    text = "" if value is None else str(value)
    return "".join(_escape_code(c) if _hidden(c) else c for c in text[:MAX_SHOWN])


def http_link(url: str) -> str | None:
    """The URL when a page may link to it (http or https only); None: show it as text."""
    lowered = url.strip().lower()
    if not lowered.startswith(("http://", "https://")):
        return None
    if any(_hidden(c) or c in "\"'<>` " for c in url):
        return None
    return url
