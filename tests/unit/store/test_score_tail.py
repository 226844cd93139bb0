"""ScoreTail's bookkeeping: what a poll asks for after each read, as plain sets."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.dialects import sqlite

from trustsvc.store.score_tail import ScoreTail


def sql(tail: ScoreTail) -> str:
    condition = tail.wanted()
    return str(condition.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))


def test_a_fresh_tail_asks_for_everything_and_a_quiet_one_only_above() -> None:
    tail = ScoreTail()
    assert sql(tail) == "scores.id > 0"
    tail.consumed([1, 2, 3])
    assert (tail.highest, tail.gaps) == (3, set())
    assert sql(tail) == "scores.id > 3"


def test_ids_skipped_below_the_highest_are_watched_until_they_appear() -> None:
    tail = ScoreTail()
    tail.consumed([1, 2, 5])
    assert tail.gaps == {3, 4}
    assert sql(tail) == "scores.id > 5 OR scores.id IN (3, 4)"
    tail.consumed([4])
    assert (tail.highest, tail.gaps) == (5, {3})


def test_begin_at_watches_the_missing_ids_within_the_overlap() -> None:
    tail = ScoreTail(overlap=5)
    tail.begin_at(10, [6, 7, 9, 10])
    assert tail.gaps == {8}


def test_gaps_older_than_the_overlap_are_given_up() -> None:
    tail = ScoreTail(overlap=3)
    tail.consumed([1, 3])
    assert tail.gaps == {2}
    tail.consumed([9])
    assert tail.gaps == {7, 8} | {2}
    tail.wanted()
    assert tail.gaps == {7, 8}, "2 is more than three ids below 9"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sets(st.integers(min_value=1, max_value=60)), max_size=8))
def test_every_id_is_consumed_once_whatever_the_commit_order(batches: list[set[int]]) -> None:
    """Ids arriving in any order are each wanted until read, and never again after."""
    tail = ScoreTail(overlap=100)
    read: set[int] = set()
    for batch in batches:
        fresh = {i for i in batch if i > tail.highest or i in tail.gaps}
        assert not fresh & read
        tail.consumed(fresh)
        read |= fresh
    assert read == set().union(*batches) if batches else not read
