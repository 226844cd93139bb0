"""Where `trustsvc check-tools` reads listings from: files, directories, JSON Lines, stdin.

Judging a crawl or a registry dump offline means many listings in one call. Each PATH is a
file holding one listing (a tools/list result or an array of definitions), a `.jsonl` file
holding one listing per line, a directory (its `.json` and `.jsonl` files, sorted), or `-`
for standard input (one listing, or JSON Lines when it has several lines that each parse).
Every listing keeps its source (`path`, `path:line`) so the output can say which is which.

Bad input is one line and exit code 2, never a traceback: an empty or oversized input, text
that is not UTF-8 or not JSON, JSON nested deeper than the parser can follow.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from trustsvc.config.env import shown

MAX_INPUT_BYTES = 64 * 1024 * 1024  # one file or stdin; a registry dump is far smaller
MAX_LISTINGS = 100_000


class ToolsInputError(Exception):
    """The input is not a tool list: reported in one line with exit code 2."""


@dataclass(frozen=True, slots=True)
class Source:
    """One listing's text and where it came from."""

    name: str
    text: str


def _read_bytes(path: str) -> bytes:
    if path == "-":
        data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
    else:
        try:
            size = Path(path).stat().st_size
        except OSError as exc:
            raise ToolsInputError(f"cannot read {shown(path)}: {exc.strerror or exc}") from exc
        if size > MAX_INPUT_BYTES:
            raise ToolsInputError(f"{shown(path)} is larger than {MAX_INPUT_BYTES // 2**20} MiB")
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise ToolsInputError(f"cannot read {shown(path)}: {exc.strerror or exc}") from exc
    if len(data) > MAX_INPUT_BYTES:
        raise ToolsInputError(f"{_label(path)} is larger than {MAX_INPUT_BYTES // 2**20} MiB")
    return data


def _label(path: str) -> str:
    return "stdin" if path == "-" else shown(path)


def _text(path: str) -> str:
    data = _read_bytes(path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ToolsInputError(f"{_label(path)} is not UTF-8 text ({exc.reason})") from exc
    if not text.strip():
        raise ToolsInputError(f"{_label(path)} is empty: expected a tool listing")
    return text


def _json_lines(text: str) -> bool:
    """Several non-empty lines that each start a JSON object or array: JSON Lines."""
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) < 2:  # noqa: PLR2004
        return False
    try:
        json.loads(lines[0])
    except (json.JSONDecodeError, RecursionError):
        return False
    return True


def _lines(name: str, text: str) -> Iterator[Source]:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield Source(f"{name}:{number}", line)


def _is_dir(path: str) -> bool:
    try:
        return path != "-" and Path(path).is_dir()
    except OSError as exc:  # a name too long, say: is_dir only swallows "not found"
        raise ToolsInputError(f"cannot read {shown(path)}: {exc.strerror or exc}") from exc


def _from_path(path: str) -> Iterator[Source]:
    if _is_dir(path):
        files = sorted(
            p for p in Path(path).iterdir() if p.suffix in (".json", ".jsonl") and p.is_file()
        )
        if not files:
            raise ToolsInputError(f"{shown(path)} holds no .json or .jsonl files")
        for file in files:
            yield from _from_path(str(file))
        return
    text = _text(path)
    name = _label(path)
    if path.endswith(".jsonl") or (path == "-" and _json_lines(text)):
        yield from _lines(name, text)
    else:
        yield Source(name, text)


def sources(paths: list[str]) -> list[Source]:
    """Every listing named by the PATH arguments, in order."""
    found: list[Source] = []
    for path in paths:
        for source in _from_path(path):
            found.append(source)
            if len(found) > MAX_LISTINGS:
                raise ToolsInputError(f"more than {MAX_LISTINGS} listings in one call")
    if not found:
        raise ToolsInputError("no listing to judge")
    return found
