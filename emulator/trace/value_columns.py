"""Scratch values held as columns: a tag each, the numbers as float64, the rest in order, made from a list in one scan."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from emulator.values import Value

# Value tags, one byte per value, as a chunk stores them (codec.encode_values); the columns hold
# the first and the last four, codec adds the other two.
TAG_FLOAT = 0  # a new float, in the "fresh" column
TAG_INT = 1  # a float with an integer value in int32 range (not -0), in the "ints" column
# a float equal (bit for bit) to an earlier non-integer float; "refs" holds the distance
TAG_REF = 2
TAG_STR = 3
TAG_TRUE = 4
TAG_FALSE = 5
TAG_NONE = 6

_TYPE_TAG = {float: TAG_FLOAT, int: TAG_FLOAT, str: TAG_STR, bool: TAG_TRUE, type(None): TAG_NONE}


class ValueColumns(NamedTuple):
    """Values as columns: each one's tag (TAG_FLOAT for a number; TAG_STR, TAG_TRUE, TAG_FALSE,
    TAG_NONE), the numbers as float64 (0 where the value is not a number), and the values that
    are not numbers, in order."""

    tags: np.ndarray
    floats: np.ndarray
    others: list[Value]

    @staticmethod
    def of(values: Sequence[Value]) -> ValueColumns:
        """The columns of a list of values (exactly float, int, str, bool or None: a subclass
        has no tag, and raises KeyError)."""
        values = values if isinstance(values, list) else list(values)
        n = len(values)
        types = list(map(type, values))
        if types.count(float) == n:  # as a rule (a pointer compared a value): no tag looked up
            return ValueColumns(np.zeros(n, np.uint8), np.array(values, np.float64).reshape(n), [])
        # One byte per value (a bytearray from a map: the quickest way measured, and writable).
        tags = np.frombuffer(bytearray(map(_TYPE_TAG.__getitem__, types)), np.uint8)
        is_number = tags == TAG_FLOAT
        floats = np.zeros(n, np.float64)
        # The numbers read at once, picked out by the mask's bytes: no Python step per value.
        floats[is_number] = np.fromiter(itertools.compress(values, is_number.tobytes()), np.float64)
        others = list(itertools.compress(values, (~is_number).tobytes()))
        for k in np.flatnonzero(tags == TAG_TRUE).tolist():  # a boolean: True or False
            if values[k] is False:
                tags[k] = TAG_FALSE
        return ValueColumns(tags, floats, others)

    @staticmethod
    def joined(parts: Sequence[ValueColumns]) -> ValueColumns:
        """The parts' values, one after the other."""
        if len(parts) == 1:
            return parts[0]
        return ValueColumns(
            np.concatenate([part.tags for part in parts]) if parts else np.zeros(0, np.uint8),
            np.concatenate([part.floats for part in parts]) if parts else np.zeros(0),
            [value for part in parts for value in part.others],
        )

    @property
    def size(self) -> int:
        return int(self.tags.size)

    def taken(self, at: np.ndarray) -> ValueColumns:
        """The values at some positions, in increasing order."""
        tags = self.tags[at]
        kept = (self.tags != TAG_FLOAT)[at]
        chosen = np.cumsum(self.tags != TAG_FLOAT)[at][kept] - 1
        return ValueColumns(tags, self.floats[at], [self.others[k] for k in chosen.tolist()])

    def listed(self, at: np.ndarray | None = None) -> list[Value]:
        """The values (at some positions, in any order) as Python objects."""
        at = np.arange(self.size) if at is None else at
        other = np.cumsum(self.tags != TAG_FLOAT) - 1  # each value's place among the others
        floats = self.floats[at].tolist()
        return [
            floats[j] if tag == TAG_FLOAT else self.others[k]
            for j, (tag, k) in enumerate(
                zip(self.tags[at].tolist(), other[at].tolist(), strict=True)
            )
        ]
