"""A chunk's zlib stream with random-looking stretches stored as they are inflates to the same bytes, and only random-looking bytes are picked."""

from __future__ import annotations

import zlib

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from emulator.trace import codec, deflate


@st.composite
def bytes_and_stretches(draw: st.DrawFn) -> tuple[bytes, list[tuple[int, int]]]:
    """Bytes (some compressible, some not; up to a few stored blocks long) and stretches of them
    in order and apart, at the start, the end, or nowhere."""
    size = draw(st.sampled_from([0, 1, 100, 5_000, 70_000, 140_000]))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    raw = np.where(rng.random(size) < 0.5, rng.integers(0, 256, size), 7).astype(np.uint8)
    edges = sorted(set(draw(st.lists(st.integers(0, size), max_size=6))))
    stretches = [(a, b) for a, b in zip(edges[::2], edges[1::2], strict=False) if a < b]
    return raw.tobytes(), stretches


@given(bytes_and_stretches(), st.sampled_from([1, 2, 6, 9]))
def test_a_stream_with_stored_stretches_inflates_to_the_same_bytes(
    made: tuple[bytes, list[tuple[int, int]]], level: int
) -> None:
    raw, stretches = made
    stream = deflate.compressed(raw, level, stretches)
    assert zlib.decompress(stream) == raw
    inflater = zlib.decompressobj()  # read as a reader bounded to the stated length reads it
    assert inflater.decompress(stream, len(raw) + 1) == raw and inflater.eof


def test_only_bytes_spread_evenly_in_value_and_step_look_random() -> None:
    rng = np.random.default_rng(0)
    random = rng.integers(0, 256, 8_000).astype(np.uint8)
    assert deflate.looks_random(random)
    assert not deflate.looks_random(random[: deflate.LEAST_BYTES - 1])  # too few to matter
    assert not deflate.looks_random(np.zeros(8_000, dtype=np.uint8))
    assert not deflate.looks_random((np.arange(8_000) % 256).astype(np.uint8))  # a count
    assert not deflate.looks_random(rng.integers(0, 64, 8_000).astype(np.uint8))  # skewed


def test_a_float_columns_random_mantissa_bytes_are_stored_its_others_deflated() -> None:
    """Floats of full precision: their six low planes stored, as one stretch; the sign and
    exponent planes, and short mantissas, left to deflate."""
    rng = np.random.default_rng(1)
    short = rng.integers(0, 1000, 8_000) / 4.0  # two bits of fraction
    mantissas = rng.integers(0, 2**52, 8_000, dtype=np.uint64)
    full = (mantissas | np.uint64(0x3FF0_0000_0000_0000)).view(np.float64)  # in 1..2, 52 bits
    columns = codec.Columns()
    columns.add("short", short, shuffle=True)
    columns.add("full", full, shuffle=True)
    payload, noise = columns.packed({})
    full_at = len(payload) - 8 * full.size
    assert noise == [(full_at, full_at + 6 * full.size)]
    raw = zlib.decompress(deflate.compressed(payload, 2, noise))
    cols = codec.unpack(raw)[1]
    assert cols["short"].tolist() == short.tolist() and cols["full"].tolist() == full.tolist()
