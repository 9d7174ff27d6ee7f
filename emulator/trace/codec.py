"""A chunk's payload as columns: narrow unsigned ints, byte-shuffled numbers, and Scratch values kept typed.

A payload is `u32 meta length, meta JSON, then each column's bytes` in the order the meta's
"cols" lists them ([name, dtype, count, shuffled]). Values (float, str, bool, None) are split by
kind so that compression does the rest: a float that is a whole number in int32 range goes to an
int column, a float seen earlier in the chunk becomes the distance back to it, and only new
floats are stored as 8 bytes; strings index a per-chunk table kept in the meta.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Sequence
from typing import Any

import numpy as np

from emulator.values import Value

# Value tags, one byte per value.
TAG_FLOAT = 0  # a new float, in the "fresh" column
TAG_INT = 1  # a float with an integer value in int32 range (not -0), in the "ints" column
TAG_REF = (
    2  # a float equal (bit for bit) to an earlier non-integer float; "refs" holds the distance
)
TAG_STR = 3
TAG_TRUE = 4
TAG_FALSE = 5
TAG_NONE = 6

_TYPE_TAG = {float: TAG_FLOAT, int: TAG_FLOAT, str: TAG_STR, bool: TAG_TRUE, type(None): TAG_NONE}
_META_LEN = struct.Struct("<I")
_INT32_MAX = 2**31 - 1


class Columns:
    """Collects a payload's columns and meta, then packs them."""

    def __init__(self) -> None:
        self.cols: list[list[Any]] = []
        self.parts: list[bytes] = []

    def add(self, name: str, array: np.ndarray, shuffle: bool = False) -> None:
        """Append a column; `shuffle` stores its bytes plane by plane (high bytes of numbers compress well)."""
        array = np.ascontiguousarray(array)
        data = (
            array.view(np.uint8).reshape(-1, array.itemsize).T.tobytes()
            if shuffle and array.itemsize > 1
            else array.tobytes()
        )
        self.cols.append(
            [name, array.dtype.str, int(array.size), bool(shuffle and array.itemsize > 1)]
        )
        self.parts.append(data)

    def add_uint(self, name: str, array: np.ndarray) -> None:
        """Append non-negative integers in the narrowest unsigned type that holds them."""
        self.add(name, narrow(array), shuffle=True)

    def pack(self, meta: dict[str, Any]) -> bytes:
        """The payload: meta (with the column list) and the columns."""
        head = json.dumps(
            {**meta, "cols": self.cols}, sort_keys=True, separators=(",", ":")
        ).encode()
        return _META_LEN.pack(len(head)) + head + b"".join(self.parts)


def unpack(raw: bytes) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """A payload's meta and its columns by name (raises ValueError when they do not add up)."""
    (n,) = _META_LEN.unpack_from(raw, 0)
    meta = json.loads(raw[4 : 4 + n])
    pos, cols = 4 + n, {}
    for name, dtype_str, count, shuffled in meta["cols"]:
        dtype = np.dtype(dtype_str)
        size = dtype.itemsize * count
        if pos + size > len(raw):
            raise ValueError(f"column {name!r} runs past the payload")
        data = np.frombuffer(raw, np.uint8, size, pos)
        if shuffled:
            data = data.reshape(dtype.itemsize, count).T.copy()
        cols[name] = data.view(dtype).reshape(count)
        pos += size
    if pos != len(raw):
        raise ValueError("payload has bytes no column claims")
    return meta, cols


def narrow(array: np.ndarray) -> np.ndarray:
    """Non-negative integers in uint8, uint16, uint32 or uint64, whichever is the smallest that fits."""
    array = np.asarray(array)
    top = int(array.max()) if array.size else 0
    if array.size and int(array.min()) < 0:
        raise ValueError("narrow() wants non-negative integers")
    for dtype in (np.uint8, np.uint16, np.uint32):
        if top <= np.iinfo(dtype).max:
            return array.astype(dtype)
    return array.astype(np.uint64)


# ## Values


def encode_values(cols: Columns, prefix: str, values: Sequence[Value]) -> list[str]:
    """Add the columns that hold `values`; returns the string table for the meta."""
    n = len(values)
    objects = np.empty(n, dtype=object)
    objects[:] = values
    tags = np.fromiter(map(_TYPE_TAG.__getitem__, map(type, values)), np.uint8, n)
    floats = objects[tags == TAG_FLOAT].astype(np.float64)
    float_pos = np.flatnonzero(tags == TAG_FLOAT)
    whole = (
        (floats == np.trunc(floats))
        & (np.abs(floats) <= _INT32_MAX)
        & ~((floats == 0) & np.signbit(floats))
    )
    tags[float_pos[whole]] = TAG_INT
    other = floats[~whole]
    distance = _back_references(other.view(np.uint64))
    tags[float_pos[~whole][distance > 0]] = TAG_REF
    bools = np.flatnonzero(tags == TAG_TRUE)
    tags[bools[~objects[bools].astype(bool)]] = TAG_FALSE
    table: dict[str, int] = {}
    string_ids = np.fromiter(
        (table.setdefault(s, len(table)) for s in objects[tags == TAG_STR]), np.int64
    )
    cols.add(prefix + "tags", tags)
    cols.add(prefix + "ints", floats[whole].astype(np.int32), shuffle=True)
    cols.add_uint(prefix + "refs", distance[distance > 0])
    cols.add(prefix + "fresh", other[distance == 0], shuffle=True)
    cols.add_uint(prefix + "strs", string_ids)
    return list(table)


def _back_references(bits: np.ndarray) -> np.ndarray:
    """For each value, how far back the same bits were last seen (0 when never)."""
    order = np.argsort(bits, kind="stable")  # stable: equal values stay in their original order
    ordered = bits[order]
    repeat = np.flatnonzero(ordered[1:] == ordered[:-1]) + 1
    distance = np.zeros(bits.size, dtype=np.int64)
    distance[order[repeat]] = order[repeat] - order[repeat - 1]
    return distance


class Decoded:
    """Values decoded from their columns: Python objects, their tags, and floats (as bits) for comparison."""

    __slots__ = ("floats", "tags", "values")

    def __init__(self, values: list[Value], tags: np.ndarray, floats: np.ndarray) -> None:
        self.values = values
        self.tags = tags
        self.floats = floats  # float64 per value; 0 where the value is not a float


def decode_values(meta: dict[str, Any], cols: dict[str, np.ndarray], prefix: str) -> Decoded:
    """The values encode_values stored under `prefix`."""
    tags = cols[prefix + "tags"]
    floats = np.zeros(tags.size, dtype=np.float64)
    floats[tags == TAG_INT] = cols[prefix + "ints"]
    other_pos = np.flatnonzero((tags == TAG_FLOAT) | (tags == TAG_REF))
    is_ref = tags[other_pos] == TAG_REF
    source = np.arange(other_pos.size)
    source[is_ref] -= cols[prefix + "refs"].astype(np.int64)
    if source.size and int(source.min()) < 0:
        raise ValueError("a value refers back past the start of its chunk")
    # A repeat points at the previous occurrence, which may be a repeat itself: jump until fresh.
    while is_ref[source].any():
        source = source[source]
    other = np.zeros(other_pos.size, dtype=np.float64)
    other[~is_ref] = cols[prefix + "fresh"]
    floats[other_pos] = other[source]
    objects = np.empty(tags.size, dtype=object)
    is_float = tags <= TAG_REF
    objects[is_float] = floats[is_float]
    strings = np.empty(len(meta.get(prefix + "strings", [])), dtype=object)
    strings[:] = meta.get(prefix + "strings", [])
    objects[tags == TAG_STR] = strings[cols[prefix + "strs"].astype(np.int64)]
    objects[tags == TAG_TRUE] = True
    objects[tags == TAG_FALSE] = False
    return Decoded(objects.tolist(), tags, floats)
