"""Values as columns (ValueColumns): made from any list, they give back the same values, in part or joined; repeats found as a chunk stores them."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulator.trace import codec
from emulator.trace.diff import same_value
from emulator.trace.value_columns import (
    TAG_FALSE,
    TAG_FLOAT,
    TAG_NONE,
    TAG_STR,
    TAG_TRUE,
    ValueColumns,
)
from tests.strategies import floats_any, scratch_values

_NUMBERS = st.one_of(floats_any(), st.integers(-(2**60), 2**60))


@st.composite
def value_lists(draw: st.DrawFn) -> list[Any]:
    """Numbers (floats, a few ints) with values of other kinds put in anywhere, or none."""
    values: list[Any] = draw(st.lists(_NUMBERS, max_size=120))
    others = draw(st.lists(st.tuples(st.integers(0, 10**6), scratch_values()), max_size=40))
    for at, value in others:
        values.insert(at % (len(values) + 1), value)
    return values


def _as_stored(value: Any) -> Any:
    """A value as the columns give it back: an int as the float it stands for."""
    return float(value) if type(value) is int else value


def _same_list(got: list[Any], want: list[Any]) -> bool:
    return len(got) == len(want) and all(
        same_value(a, _as_stored(b)) for a, b in zip(got, want, strict=True)
    )


def _tag(value: Any) -> int:
    if isinstance(value, bool):
        return TAG_TRUE if value else TAG_FALSE
    return {str: TAG_STR, type(None): TAG_NONE}.get(type(value), TAG_FLOAT)


@given(value_lists())
def test_any_list_of_values_comes_back_from_its_columns(values: list[Any]) -> None:
    """Each value's tag says its kind; numbers come back with their bits (-0.0, NaN, big ints
    as floats), the others as they were, in order."""
    columns = ValueColumns.of(values)
    assert columns.size == len(values)
    assert columns.tags.tolist() == [_tag(v) for v in values]
    assert _same_list(columns.listed(), values)
    assert _same_list(columns.others, [v for v in values if _tag(v) != TAG_FLOAT])
    assert not columns.floats[columns.tags != TAG_FLOAT].any()


@given(value_lists(), st.data())
def test_the_values_at_some_positions_are_those_values(values: list[Any], data: Any) -> None:
    """taken (increasing positions) and listed (any order) pick the same values as the list."""
    columns = ValueColumns.of(values)
    chosen = data.draw(
        st.sets(st.integers(0, max(len(values) - 1, 0))) if values else st.just(set())
    )
    at = np.array(sorted(chosen), dtype=np.int64)
    assert _same_list(columns.taken(at).listed(), [values[k] for k in at.tolist()])
    shuffled = data.draw(st.permutations(at.tolist())) if at.size else []
    at_any = np.array(shuffled, dtype=np.int64)
    assert _same_list(columns.listed(at_any), [values[k] for k in shuffled])


@given(st.lists(value_lists(), max_size=4))
def test_parts_joined_hold_every_parts_values_in_order(parts: list[list[Any]]) -> None:
    joined = ValueColumns.joined([ValueColumns.of(part) for part in parts])
    assert _same_list(joined.listed(), [v for part in parts for v in part])


@pytest.mark.parametrize("others", [1, 50])
def test_a_value_of_a_type_with_no_tag_is_refused(others: int) -> None:
    """A str subclass has no tag, among other values or alone."""

    class Text(str):
        pass

    values: list[Any] = [1.0] * 100 + ["a"] * (others - 1) + [Text("b")]
    with pytest.raises(KeyError):
        ValueColumns.of(values)


@given(st.lists(st.integers(0, 6), max_size=300), st.integers(0, 2**64 - 1))
def test_each_repeat_points_back_to_the_last_time_its_bits_were_seen(
    picks: list[int], salt: int
) -> None:
    """_back_references against a dictionary of where each number was last seen."""
    bits = np.array([(salt + 977 * p) % 2**64 for p in picks], dtype=np.uint64)
    last: dict[int, int] = {}
    want = []
    for k, b in enumerate(bits.tolist()):
        want.append(k - last[b] if b in last else 0)
        last[b] = k
    assert codec._back_references(bits).tolist() == want
