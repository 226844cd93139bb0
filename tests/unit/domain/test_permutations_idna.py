"""The permutation adapter's plain-name fast path encodes exactly as idna does."""

from __future__ import annotations

import idna
import pytest
from hypothesis import given
from hypothesis import strategies as st

from probes.domain.permutations import _PlainFirstIdna, permutations


def _idna_or_error(name: str) -> bytes | str:
    try:
        return idna.encode(name)
    except idna.IDNAError as exc:
        return type(exc).__name__


def _fast_or_error(name: str) -> bytes | str:
    try:
        return _PlainFirstIdna.encode(name)
    except idna.IDNAError as exc:
        return type(exc).__name__


NAMES = st.text(alphabet="ax0-.Aé_", min_size=1, max_size=80) | st.builds(
    lambda label, n: ".".join([label] * n), st.text(alphabet="ab-", max_size=70), st.integers(1, 5)
)


@given(NAMES)
def test_fast_path_matches_idna(name: str) -> None:
    assert _fast_or_error(name) == _idna_or_error(name)


@pytest.mark.parametrize(
    "name", ["xn--bcher-kva.com", "ab--cd.com", "-a.com", "a-.com", "a" * 64 + ".com", "A.com"]
)
def test_names_idna_must_judge_are_left_to_it(name: str) -> None:
    assert _fast_or_error(name) == _idna_or_error(name)


def test_permutations_are_idna_encoded_names() -> None:
    found = permutations("github.com")
    assert found
    assert all(_idna_or_error(name) == name.encode() for name, _ in found)
