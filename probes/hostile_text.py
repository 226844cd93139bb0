r"""Text an endpoint sends, made safe to digest, store and print, without hiding what it was.

JSON may carry lone surrogates (`"\ud800"`) and NUL (`"\u0000"`): Python decodes them, but
UTF-8 cannot encode a lone surrogate (the drift digest and every writer raised
UnicodeEncodeError) and PostgreSQL refuses NUL in text and jsonb, so a server that turned
poisoned with one in its tool description made the rescan fail and kept its clean verdict.
Each such character becomes its visible escape: U+D800 the six characters `\ud800`, NUL
`\u0000`. U+FFFD would not do: two different surrogates would read the same, and a
description changed only in them would digest the same. The escapes stay in the text, so the
tools family can say the definition held invalid characters (`escaped_characters`).

`decode_json` is the collectors' one JSON decoder, so this happens once at the boundary;
storage and the digest apply `visible` again as defence in depth.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

_INVALID = re.compile("[\x00\ud800-\udfff]")
# A JSON escape that decodes to NUL or a surrogate (JSON allows upper-case hex digits).
_RISKY = r"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})"
_RISKY_ESCAPE = re.compile(_RISKY)
_RISKY_ESCAPE_BYTES = re.compile(_RISKY.encode())
ESCAPE_PATTERN = re.compile(r"\\u(?:0000|d[89a-f][0-9a-f]{2})")


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def visible(text: str) -> str:
    r"""The text with every lone surrogate and NUL replaced by its `\uXXXX` escape."""
    if _INVALID.search(text) is None:
        return text
    return _INVALID.sub(_escape, text)


def has_invalid(text: str) -> bool:
    """Whether the text holds a lone surrogate or NUL (what `visible` would escape)."""
    return _INVALID.search(text) is not None


def escaped_characters(text: str) -> list[str]:
    """Labels (`U+D800`) of the escapes `visible` leaves, in order of appearance."""
    return [f"U+{m.group()[2:].upper()}" for m in ESCAPE_PATTERN.finditer(text)]


def visible_json(value: object) -> object:
    """A copy of a JSON value with `visible` applied to every string, keys included.

    Iterative, so a document nested as deep as the decoder allowed cannot exhaust the stack.
    """
    if isinstance(value, str):
        return visible(value)
    if not isinstance(value, dict | list | tuple):
        return value
    root: dict[object, object] | list[object] = {} if isinstance(value, dict) else []
    stack: list[tuple[object, dict[object, object] | list[object]]] = [(value, root)]
    while stack:
        source, target = stack.pop()
        pairs = source.items() if isinstance(source, dict) else enumerate(_items(source))
        for key, child in pairs:
            out: object = child
            if isinstance(child, str):
                out = visible(child)
            elif isinstance(child, dict):
                out = {}
                stack.append((child, out))
            elif isinstance(child, list | tuple):
                out = []
                stack.append((child, out))
            if isinstance(target, dict):
                target[visible(key) if isinstance(key, str) else key] = out
            else:
                target.append(out)
    return root


def _items(source: object) -> list[object] | tuple[object, ...]:
    return source if isinstance(source, list | tuple) else []


MAX_DECODE_DEPTH = 200  # arrays and objects opened deeper are read as the string "…"
_CUT = "\u2026"  # "…", what the tools observation's own cut leaves
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


def flattened(text: str, limit: int = MAX_DECODE_DEPTH) -> str:
    """The JSON text with every array or object opened below `limit` levels replaced by "…".

    For documents the recursive decoder refuses (CPython's raises RecursionError near 1,000
    levels): a 10,000-deep tool schema must not make the whole listing unreadable, since one
    such tool would then hide every other. A linear scan over strings and brackets; strings
    are skipped whole, so brackets inside them do not count.
    """
    out: list[str] = []
    depth, start, skip_from, skipping = 0, 0, 0, 0
    for token in _TOKENS.finditer(text):
        mark = token.group()
        if mark[0] == '"':
            continue
        if skipping:
            skipping += 1 if mark in "[{" else -1
            if not skipping:
                out.append(f'"{_CUT}"')
                start = token.end()
            continue
        if mark in "[{":
            if depth >= limit:
                out.append(text[start : token.start()])
                skipping, skip_from = 1, token.start()
                continue
            depth += 1
        else:
            depth -= 1
    if skipping:  # unbalanced: leave the tail for json.loads to refuse
        out.append(text[skip_from:])
    else:
        out.append(text[start:])
    return "".join(out)


def _loads(
    payload: bytes | str, parse_constant: Callable[[str], object] | None, *, cut_deep: bool
) -> object:
    try:
        return json.loads(payload, parse_constant=parse_constant)
    except RecursionError:
        if not cut_deep:
            raise
        text = payload if isinstance(payload, str) else payload.decode("utf-8")
        return json.loads(flattened(text), parse_constant=parse_constant)


def decode_json(
    payload: bytes | str,
    *,
    parse_constant: Callable[[str], object] | None = None,
    cut_deep: bool = False,
) -> object:
    r"""`json.loads`, then `visible_json` when the text has a NUL or surrogate escape at all.

    Valid UTF-8 cannot hold a surrogate and JSON forbids a raw NUL in strings, so only a
    `\u0000` or `\udXXX` escape can bring one in; without one (most listings, even those
    with `\u00e9`-style escapes) the document is not walked a second time.

    With `cut_deep`, a document nested too deep for the decoder is read with its depths
    below MAX_DECODE_DEPTH cut (`flattened`): MCP messages ask for it, since one absurd
    schema must not make a whole listing unreadable. Other documents (a card, AS metadata,
    a file given to check-tools) have no parts to save and stay refused (RecursionError).
    """
    document: object = _loads(payload, parse_constant, cut_deep=cut_deep)
    if isinstance(payload, str):
        repair = _RISKY_ESCAPE.search(payload) is not None or has_invalid(payload)
    else:
        repair = b"\\u" in payload and _RISKY_ESCAPE_BYTES.search(payload) is not None
    return visible_json(document) if repair else document
