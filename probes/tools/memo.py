"""A small identity cache for pure results that several probes compute on the same object.

Three probes need each tool's capability tier and two need its prepared texts; computing them
once per observation makes judging a listing about twice as fast (bench/check_tools.py). The
cache holds the key object itself and checks identity, so a reused `id()` can never return
another object's result, and it is cleared when full, so memory stays bounded.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Generic, TypeVar

V = TypeVar("V")


class IdentityCache(Generic[V]):
    """`get(obj, compute)` returns compute()'s value for this very object, computed once."""

    def __init__(self, size: int = 4096) -> None:
        self._size = size
        self._items: dict[int, tuple[object, V]] = {}

    def get(self, key: object, compute: Callable[[], V]) -> V:
        """The cached value for `key`, computing and storing it on a miss."""
        hit = self._items.get(id(key))
        if hit is not None and hit[0] is key:
            return hit[1]
        if len(self._items) >= self._size:
            self._items.clear()
        value = compute()
        self._items[id(key)] = (key, value)
        return value


class SearchMemo:
    """`pattern.search(text)`, remembered per text object: for regexes run per judged definition.

    A listing's sentence memo hands the same sentence string to the rules of every definition
    that repeats it, so keying by identity remembers a search within one listing (where
    sentences recur) and never across listings; the cache holds the text, as IdentityCache
    does, so an id cannot be reused while remembered.
    """

    __slots__ = ("_cache", "_pattern")

    def __init__(self, pattern: re.Pattern[str], size: int = 4096) -> None:
        self._pattern = pattern
        self._cache: IdentityCache[re.Match[str] | None] = IdentityCache(size)

    def search(self, text: str) -> re.Match[str] | None:
        """The first match of the pattern in `text`, searched once per text object."""
        return self._cache.get(text, lambda: self._pattern.search(text))
