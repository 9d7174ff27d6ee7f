"""A part of a recording's writes as runs (Runs), each run's writes at places given once."""

from __future__ import annotations

import struct
from dataclasses import dataclass

import numpy as np

from emulator.trace.value_columns import ValueColumns


@dataclass(frozen=True)
class Runs:
    """A part's writes in the runs the log kept them in (WriteLog.patterns), each place's site
    and clock looked up: run k holds counts[k] writes; its j-th, at j' = starts[k] + j, is at
    place firsts[k] + j' % sizes[k] (its site in `sites`), its step that place's `aheads` past
    the start of pass j' // sizes[k], the passes starting at clocks[k], strides[k] blocks apart.
    A write logged alone is a run of one write at a place of its own."""

    firsts: np.ndarray
    counts: np.ndarray
    starts: np.ndarray
    sizes: np.ndarray
    strides: np.ndarray
    clocks: np.ndarray
    sites: np.ndarray  # by place
    aheads: np.ndarray  # by place

    @staticmethod
    def alone(sites: np.ndarray, steps: np.ndarray) -> Runs:
        """Writes each a run of its own."""
        ones, zeros = np.ones_like(steps), np.zeros_like(steps)
        return Runs(np.arange(steps.size), ones, zeros, ones, zeros, steps, sites, zeros)

    def expanded(self) -> tuple[np.ndarray, np.ndarray]:
        """Each write's site and step."""
        places, passes = self._places(self.counts)
        steps = np.repeat(self.clocks, self.counts) + passes * np.repeat(self.strides, self.counts)
        return self.sites[places], steps + self.aheads[places]

    def written(self) -> np.ndarray:
        """The places written at (some more than once): each run's first pass at most."""
        return self._places(np.minimum(self.counts, self.sizes))[0]

    def _places(self, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The place and the pass of each of the first `counts` writes of each run."""
        at = nths(counts) + np.repeat(self.starts, counts)
        passes, place = np.divmod(at, np.repeat(self.sizes, counts))
        return np.repeat(self.firsts, counts) + place, passes


def nths(counts: np.ndarray) -> np.ndarray:
    """0, 1, ... counts[k] - 1 for each k in turn."""
    return np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)


def int64s(numbers: list[int]) -> np.ndarray:
    """Whole numbers as an array: through struct, about twice as quick as numpy from a list."""
    return np.frombuffer(int64_bytes(numbers), dtype=np.int64)


def int64_bytes(numbers: list[int]) -> bytes:
    """Whole numbers as int64s' bytes (np.frombuffer reads them back): quicker to make, and to
    pickle, than the list pickled."""
    return struct.pack(f"<{len(numbers)}q", *numbers)


# A part of a chunk's writes, in the order logged: their runs (sites and steps), their items
# (see cuts.Cut) and their values.
Logged = tuple[Runs, np.ndarray, ValueColumns]
