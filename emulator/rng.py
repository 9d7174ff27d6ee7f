"""A seeded xorshift128+ generator (V8's Math.random algorithm) that the Node oracle reproduces bit for bit."""

from __future__ import annotations

import struct

_MASK = (1 << 64) - 1


def _splitmix64(x: int) -> tuple[int, int]:
    """The next splitmix64 state and output: spreads a small seed over 64 bits."""
    x = (x + 0x9E3779B97F4A7C15) & _MASK
    z = x
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return x, z ^ (z >> 31)


class JsRandom:
    """random() in [0, 1) from xorshift128+, made into a double as V8 does (52 high bits)."""

    def __init__(self, seed: int = 0) -> None:
        x, self._s0 = _splitmix64(seed & _MASK)
        _, self._s1 = _splitmix64(x)
        if self._s0 == 0 and self._s1 == 0:
            self._s1 = 1

    def random(self) -> float:
        """The next number in [0, 1)."""
        s1, s0 = self._s0, self._s1
        self._s0 = s0
        s1 ^= (s1 << 23) & _MASK
        s1 ^= s1 >> 17
        s1 ^= s0
        s1 ^= s0 >> 26
        self._s1 = s1
        bits = (self._s0 >> 12) | 0x3FF0000000000000
        return float(struct.unpack("<d", struct.pack("<Q", bits))[0]) - 1.0

    def getstate(self) -> tuple[int, int]:
        """The generator's state, for setstate()."""
        return self._s0, self._s1

    def setstate(self, state: tuple[int, int]) -> None:
        """Go back to a state getstate() returned."""
        self._s0, self._s1 = state
