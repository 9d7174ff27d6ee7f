"""A chunk's payload as columns: narrow unsigned ints, byte-shuffled numbers, and Scratch values kept typed.

A payload is `u32 meta length, meta JSON, then each column's bytes` in the order the meta's
"cols" lists them ([name, dtype, count, shuffled]). Values (float, str, bool, None) are split by
kind so that compression does the rest: a float that is a whole number in int32 range goes to an
int column, a float seen earlier in the chunk becomes the distance back to it, and only new
floats are stored as 8 bytes; strings index a per-chunk table kept in the meta.

A reader trusts none of it: every column's type comes from a short list, every count and index is
checked against what it counts or indexes, and a back-reference must point strictly back within
its chunk (a distance of 0 would otherwise send decode_values round for ever).
"""

from __future__ import annotations

import json
import struct
from typing import Any

import numpy as np

from emulator.trace import deflate, schema
from emulator.trace.value_columns import (
    TAG_FALSE,
    TAG_FLOAT,
    TAG_INT,
    TAG_NONE,
    TAG_REF,
    TAG_STR,
    TAG_TRUE,
    ValueColumns,
)
from emulator.values import Value

__all__ = ["TAG_FALSE", "TAG_FLOAT", "TAG_INT", "TAG_NONE", "TAG_REF", "TAG_STR", "TAG_TRUE"]

_META_LEN = struct.Struct("<I")
_INT32_MAX = 2**31 - 1
# The column types the writer makes: the only ones a reader accepts (a dtype is untrusted text).
DTYPES = frozenset({"|u1", "<u2", "<u4", "<u8", "<i4", "<f8"})
_COLUMN = (schema.text, schema.text, schema.whole, schema.flag)  # name, dtype, count, shuffled
VALUE_COLUMNS = ("tags", "ints", "refs", "fresh", "strs")
# A float64's low six bytes hold mantissa alone: only they may look random (Columns.noise).
FLOAT_NOISE_PLANES = 6


class Columns:
    """Collects a payload's columns and meta, then packs them."""

    def __init__(self) -> None:
        self.cols: list[list[Any]] = []
        self.parts: list[bytes] = []
        self.size = 0  # the columns' bytes so far
        self.noise: list[tuple[int, int]] = []  # stretches of them that look random (deflate)

    def add(self, name: str, array: np.ndarray, shuffle: bool = False) -> None:
        """Append a column; `shuffle` stores its bytes plane by plane (high bytes of numbers compress well)."""
        array = np.ascontiguousarray(array)
        shuffled = shuffle and array.itemsize > 1
        planes = array.view(np.uint8).reshape(-1, array.itemsize).T if shuffled else None
        data = planes.tobytes() if planes is not None else array.tobytes()
        if planes is not None and array.dtype == np.float64:
            self._look_for_noise(planes)
        self.cols.append([name, array.dtype.str, int(array.size), shuffled])
        self.parts.append(data)
        self.size += len(data)

    def _look_for_noise(self, planes: np.ndarray) -> None:
        """Note which of a float column's six low planes (its bytes of mantissa alone) look
        random."""
        count = planes.shape[1]
        for k in range(FLOAT_NOISE_PLANES):
            if not deflate.looks_random(planes[k]):
                continue
            start = self.size + k * count
            if self.noise and self.noise[-1][1] == start:
                start = self.noise.pop()[0]
            self.noise.append((start, self.size + (k + 1) * count))

    def add_uint(self, name: str, array: np.ndarray) -> None:
        """Append non-negative integers in the narrowest unsigned type that holds them."""
        self.add(name, narrow(array), shuffle=True)

    def packed(self, meta: dict[str, Any]) -> tuple[bytes, list[tuple[int, int]]]:
        """The payload (meta, with the column list, and the columns), and the stretches of it
        that look random (see deflate.compressed)."""
        head = json.dumps(
            {**meta, "cols": self.cols}, sort_keys=True, separators=(",", ":")
        ).encode()
        columns_at = _META_LEN.size + len(head)
        noise = [(columns_at + start, columns_at + end) for start, end in self.noise]
        return _META_LEN.pack(len(head)) + head + b"".join(self.parts), noise


def unpack(raw: bytes) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """A payload's meta and its columns by name (raises ValueError when they do not add up)."""
    if len(raw) < _META_LEN.size:
        raise ValueError("payload too short for its meta length")
    (n,) = _META_LEN.unpack_from(raw, 0)
    if n > len(raw) - _META_LEN.size:
        raise ValueError("meta runs past the payload")
    meta = schema.mapping(schema.load_json(raw[4 : 4 + n]), "meta")
    pos, cols = 4 + n, {}
    for name, dtype_str, count, shuffled in schema.rows(meta.get("cols"), "cols", _COLUMN):
        if dtype_str not in DTYPES or name in cols:
            raise ValueError(
                f"column {name[:20]!a} repeats or has an unknown type {dtype_str[:8]!a}"
            )
        dtype = np.dtype(dtype_str)
        size = dtype.itemsize * count
        if pos + size > len(raw):
            raise ValueError(f"column {name[:20]!a} runs past the payload")
        data = np.frombuffer(raw, np.uint8, size, pos)
        if shuffled:
            data = data.reshape(dtype.itemsize, count).T.copy()
        cols[name] = data.view(dtype).reshape(count)
        pos += size
    if pos != len(raw):
        raise ValueError("payload has bytes no column claims")
    return meta, cols


def column(
    cols: dict[str, np.ndarray], name: str, kind: str, size: int | None = None
) -> np.ndarray:
    """A column that must be there, of a kind of number ("u" unsigned, "i" signed, "f" float), and of a size."""
    array = cols.get(name)
    if array is None or array.dtype.kind != kind:
        raise ValueError(f"column {name!r} is missing or of the wrong type")
    if size is not None and array.size != size:
        raise ValueError(f"column {name!r} holds {array.size:,} numbers, not {size:,}")
    return array


def below(array: np.ndarray, limit: int, what: str, low: int = 0) -> np.ndarray:
    """Unsigned numbers, checked to be in low..limit-1, as int64."""
    if array.size and (int(array.max()) >= limit or int(array.min()) < low):
        want = f"want {low:,}..{limit - 1:,}" if limit > low else "there are none"
        raise ValueError(f"{what} out of range ({want})")
    return array.astype(np.int64)


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


def rises(numbers: np.ndarray) -> tuple[int, np.ndarray]:
    """The first of some whole numbers (0 if none) and each one's rise from the one before (0 for
    the first): how a chunk keeps its steps."""
    first = int(numbers[0]) if numbers.size else 0
    return first, np.diff(numbers, prepend=first)


def risen(first: int, rises: np.ndarray) -> np.ndarray:
    """The numbers rises() made these of, as int64."""
    return first + np.cumsum(rises.astype(np.int64))


# ## Values


def encode_values(cols: Columns, prefix: str, values: ValueColumns) -> list[str]:
    """Add the columns that hold `values`; returns the string table for the meta."""
    tags = values.tags.copy()
    is_float = tags == TAG_FLOAT
    float_pos = np.flatnonzero(is_float)
    floats = values.floats if float_pos.size == tags.size else values.floats[float_pos]
    whole = (
        (floats == np.trunc(floats))
        & (np.abs(floats) <= _INT32_MAX)
        & ~((floats == 0) & np.signbit(floats))
    )
    tags[float_pos[whole]] = TAG_INT
    other = floats[~whole]
    distance = _back_references(other.view(np.uint64))
    tags[float_pos[~whole][distance > 0]] = TAG_REF
    table: dict[str, int] = {}
    string_ids = [table.setdefault(v, len(table)) for v in values.others if type(v) is str]
    cols.add(prefix + "tags", tags)
    cols.add(prefix + "ints", floats[whole].astype(np.int32), shuffle=True)
    cols.add_uint(prefix + "refs", distance[distance > 0])
    cols.add(prefix + "fresh", other[distance == 0], shuffle=True)
    cols.add_uint(prefix + "strs", np.array(string_ids, dtype=np.int64))
    return list(table)


def _back_references(bits: np.ndarray) -> np.ndarray:
    """For each value, how far back the same bits were last seen (0 when never)."""
    distance = np.zeros(bits.size, dtype=np.int64)
    if bits.size < 2:
        return distance
    order = np.argsort(bits)  # equal values next to each other, in any order among themselves
    ordered = bits[order]
    repeat = ordered[1:] == ordered[:-1]
    if bits.size < 2**32:  # each value's position after its rank among the distinct values,
        # sorted: the equal ones in the order of their positions (quicker than a stable argsort)
        rank = np.concatenate(([0], np.cumsum(~repeat))).astype(np.uint64)
        order = (
            np.sort((rank << np.uint64(32)) | order.astype(np.uint64)) & np.uint64(0xFFFFFFFF)
        ).astype(np.int64)
    else:
        order = np.argsort(bits, kind="stable")
    again = np.flatnonzero(repeat) + 1
    distance[order[again]] = order[again] - order[again - 1]
    return distance


class Decoded:
    """Values decoded from their columns: Python objects, their tags, and floats (as bits) for comparison."""

    __slots__ = ("floats", "tags", "values")

    def __init__(self, values: list[Value], tags: np.ndarray, floats: np.ndarray) -> None:
        self.values = values
        self.tags = tags
        self.floats = floats  # float64 per value; 0 where the value is not a float


def decode_values(meta: dict[str, Any], cols: dict[str, np.ndarray], prefix: str) -> Decoded:
    """The values encode_values stored under `prefix` (raises ValueError when the columns do not fit)."""
    tags = below(column(cols, prefix + "tags", "u"), TAG_NONE + 1, "a value tag").astype(np.uint8)
    floats = np.zeros(tags.size, dtype=np.float64)
    is_int = tags == TAG_INT
    floats[is_int] = column(cols, prefix + "ints", "i", int(is_int.sum()))
    other_pos = np.flatnonzero((tags == TAG_FLOAT) | (tags == TAG_REF))
    is_ref = tags[other_pos] == TAG_REF
    source = _sources(is_ref, column(cols, prefix + "refs", "u", int(is_ref.sum())))
    other = np.zeros(other_pos.size, dtype=np.float64)
    other[~is_ref] = column(cols, prefix + "fresh", "f", int((~is_ref).sum()))
    floats[other_pos] = other[source]
    objects = np.empty(tags.size, dtype=object)
    is_float = tags <= TAG_REF
    objects[is_float] = floats[is_float]
    table = schema.texts(meta.get(prefix + "strings", []), prefix + "strings")
    strings = np.empty(len(table), dtype=object)
    strings[:] = table
    is_str = tags == TAG_STR
    ids = column(cols, prefix + "strs", "u", int(is_str.sum()))
    objects[is_str] = strings[below(ids, len(table), "a string number")]
    objects[tags == TAG_TRUE] = True
    objects[tags == TAG_FALSE] = False
    return Decoded(objects.tolist(), tags, floats)


def _sources(is_ref: np.ndarray, distances: np.ndarray) -> np.ndarray:
    """For each float, the position of the fresh float it repeats (its own when it is fresh)."""
    source = np.arange(is_ref.size)
    at = source[is_ref]
    # A distance of 0 would point a repeat at itself, and the jumping below would never end.
    if distances.size and (
        int(distances.min()) < 1 or bool((distances > at.astype(np.uint64)).any())
    ):
        raise ValueError("a repeated value refers to itself or back past the start of its chunk")
    source[is_ref] = at - distances.astype(np.int64)
    # A repeat points at an earlier occurrence, which may be a repeat itself: jump until fresh.
    # Every pointer goes strictly back, so each jump doubles the distance covered: log2(n) rounds.
    for _ in range(is_ref.size.bit_length() + 1):
        if not is_ref[source].any():
            return source
        source = source[source]
    raise ValueError("repeated values do not lead back to a fresh one")
