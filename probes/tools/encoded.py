"""Encoded payloads in tool metadata: base64, hex, percent and escape sequences.

A description has no reason to carry a long opaque blob; attackers use them to smuggle
instructions past human review and keyword filters. A blob that decodes to readable text is
returned with that text, so the poisoning rules can judge what it says.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
import urllib.parse
from dataclasses import dataclass

from probes.tools.lexicon import words

_BASE64 = re.compile(
    r"(?<![A-Za-z0-9+/=_-])(?:[A-Za-z0-9+/]{4}){10,}(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?"
    r"(?![A-Za-z0-9+/=_-])"
    r"|(?<![A-Za-z0-9_=-])[A-Za-z0-9_-]{40,}={0,2}(?![A-Za-z0-9_=-])"
)
_HEX = re.compile(
    r"(?:\\x[0-9a-fA-F]{2}){8,}|(?<![0-9a-fA-F])(?:[0-9a-fA-F]{2}){24,}(?![0-9a-fA-F])"
)
_PERCENT = re.compile(r"(?:%[0-9A-Fa-f]{2}){8,}")
_UNICODE_ESCAPES = re.compile(r"(?:\\u[0-9a-fA-F]{4}){6,}")
# Whatever any encoding below needs; text without it is skipped in one scan.
_CANDIDATE = re.compile(
    r"[A-Za-z0-9+/_-]{40}|[0-9a-fA-F]{48}|\\x[0-9a-fA-F]{2}|%[0-9A-Fa-f]{2}|\\u"
)
_MIN_TEXT = 16
_BINARY_BLOB = 200  # opaque, undecodable blobs shorter than this are left alone
_SPAN = 160


@dataclass(frozen=True, slots=True)
class EncodedPayload:
    """One blob: how it is encoded, the blob itself (truncated) and its text, if any."""

    encoding: str
    span: str
    decoded: str | None


def _as_text(data: bytes) -> str | None:
    """Decoded bytes as text when nearly all of it is printable; otherwise None."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    printable = sum(ch.isprintable() or ch in "\n\t\r" for ch in text)
    if len(text) < _MIN_TEXT or printable < 0.95 * len(text):
        return None
    letters = sum(ch.isalpha() or ch == " " for ch in text)
    return text if letters >= 0.6 * len(text) else None


def _looks_like_base64(blob: str) -> bool:
    """Mixed case and digits; rules out long identifiers, words and hex digests."""
    has_upper = any(c.isupper() for c in blob)
    has_lower = any(c.islower() for c in blob)
    has_other = any(c.isdigit() or c in "+/_-" for c in blob)
    return has_upper and has_lower and has_other


def _decode_base64(blob: str) -> bytes | None:
    padded = blob + "=" * (-len(blob) % 4)
    try:
        if "-" in blob or "_" in blob:
            return base64.urlsafe_b64decode(padded)
        return base64.b64decode(padded, validate=True)
    except (binascii.Error, ValueError):
        return None


def _base64_payloads(text: str) -> list[EncodedPayload]:
    found = []
    for match in _BASE64.finditer(text):
        blob = match.group(0)
        if not _looks_like_base64(blob):
            continue
        data = _decode_base64(blob.rstrip("="))
        decoded = _as_text(data) if data is not None else None
        if decoded is not None or len(blob) >= _BINARY_BLOB:
            found.append(EncodedPayload("base64", blob[:_SPAN], decoded))
    return found


def _hex_payloads(text: str) -> list[EncodedPayload]:
    found = []
    for match in _HEX.finditer(text):
        blob = match.group(0)
        decoded = _as_text(bytes.fromhex(blob.replace("\\x", "")))
        escaped = blob.startswith("\\x")
        if decoded is not None or escaped:
            found.append(EncodedPayload("hex", blob[:_SPAN], decoded))
    return found


# A run of letter words long enough to carry a sentence (rot13 keeps spaces and punctuation).
_WORD_RUN = re.compile(r"[A-Za-z][A-Za-z',]*(?:\s+[A-Za-z][A-Za-z',.]*){4,}")
# English function words: a sentence has several, its rot13 text none.
_FUNCTION_WORDS = words(
    "the to of and a an is be it this that you your with for in on all any not do don't are"
    " was as or if by from so its into user"
)
_MIN_FUNCTION_WORDS = 3
# The same words as rot13 writes them ("gur" is "the"): a cheap test before any decoding.
_ROT13_OF_FUNCTION_WORDS = re.compile(
    r"\b(?:"
    + "|".join(sorted(codecs.encode(w, "rot13") for w in _FUNCTION_WORDS if w.isalpha()))
    + r")\b",
    re.IGNORECASE,
)


def _function_words(text: str) -> int:
    return sum(w.strip(",.'").lower() in _FUNCTION_WORDS for w in text.split())


def _rot13_payloads(text: str) -> list[EncodedPayload]:
    """Runs of words with no English function words whose rot13 has several: rot13 text."""
    found: list[EncodedPayload] = []
    if len(_ROT13_OF_FUNCTION_WORDS.findall(text)) < _MIN_FUNCTION_WORDS:
        return found  # the text's rot13 cannot hold enough English function words
    for match in _WORD_RUN.finditer(text):
        run = match.group(0)
        if _function_words(run):
            continue
        decoded = codecs.encode(run, "rot13")
        if _function_words(decoded) >= _MIN_FUNCTION_WORDS:
            found.append(EncodedPayload("rot13", run[:_SPAN], decoded))
    return found


def encoded_payloads(text: str) -> list[EncodedPayload]:
    """Every encoded blob in `text` that decodes to text or is too long to be incidental."""
    if len(text) < 2 * _MIN_TEXT:
        return []
    rot13 = _rot13_payloads(text)
    if _CANDIDATE.search(text) is None:
        return rot13
    found = rot13 + _base64_payloads(text) + _hex_payloads(text)
    for match in _PERCENT.finditer(text):
        decoded = _as_text(urllib.parse.unquote_to_bytes(match.group(0)))
        if decoded is not None and decoded.isascii():  # not an encoded non-Latin URL path
            found.append(EncodedPayload("percent", match.group(0)[:_SPAN], decoded))
    for match in _UNICODE_ESCAPES.finditer(text):
        blob = match.group(0)
        chars = "".join(chr(int(blob[i + 2 : i + 6], 16)) for i in range(0, len(blob), 6))
        found.append(EncodedPayload("unicode_escape", blob[:_SPAN], chars))
    return found
