"""A recording's logged writes made into an events chunk and the snapshot after it, in whichever process writes the trace."""

from __future__ import annotations

import pickle
import struct
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from emulator.trace import codec
from emulator.trace.events import ADD, INSERT, REPLACE, SET, Bubble
from emulator.values import Value

if TYPE_CHECKING:
    from emulator.trace.format import TraceWriter

_VALUED = (SET, ADD, INSERT, REPLACE)  # and those that store a value


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
        ends = np.cumsum(counts)
        at = np.arange(int(ends[-1]) if ends.size else 0) + np.repeat(
            self.starts - (ends - counts), counts
        )
        passes, place = np.divmod(at, np.repeat(self.sizes, counts))
        return np.repeat(self.firsts, counts) + place, passes


# One part of a chunk's writes, in the order logged: their runs (sites and steps), their items
# (see Cut) and their values; or all three packed into bytes (packed) where the recording hands
# its chunks to a second process, which makes each write's site and step from the runs.
Logged = tuple[Runs, np.ndarray, list[Value]]
Writes = Logged | bytes


@dataclass(frozen=True)
class Cut:
    """The writes logged since the last cut, as the recording process has them: their runs
    (each write's site, -1 for a cell not recorded, and step) and values, and the items of the
    recorded cells' list writes (the only events that name one); and the recorded cells now.
    Building columns from these is left to the process that writes the trace. The writes come in
    the parts the log was taken in."""

    writes: list[Writes]  # the runs, items and values, part by part
    events: int  # how many writes are at a recorded cell (site 0 or more): the chunk's events
    kinds_of: np.ndarray  # each site's kind, by site, and CLEAR for site -1
    cells_of: np.ndarray  # each site's cell, by site, and -1 for site -1
    clock: int  # the runtime's clock at the cut
    variables: dict[int, Value]  # each recorded variable's cell's value at the cut, by cell
    lists: dict[int, list[Value] | None]  # each recorded list's items (None: unchanged)
    bubbles: list[Bubble]  # shown since the last cut: written after the events they follow


def packed(runs: Runs, items: np.ndarray, values: list[Value]) -> bytes:
    """A part's writes pickled for a second process (its messages are this program's own), each
    number in the narrowest type that holds it: the runs' clocks as their first and their rises,
    as a chunk keeps steps (kept whole if the clock went back, which it does not), the sites in
    16 bits as a rule (a -1 among them), the items as they are (kept whole if one is below 0: an
    item is a list's index, from 1 on). A chunk's message then fits the pipe whole: the second
    process gets it while it is busy with the one before."""
    first, rises = codec.rises(runs.clocks)
    clocks = (None, runs.clocks) if (rises < 0).any() else (first, codec.narrow(rises))
    site_type = np.int16 if runs.sites.size == 0 or runs.sites.max() < 2**15 else np.int64
    counted = [
        codec.narrow(column)
        for column in (runs.firsts, runs.counts, runs.starts, runs.sizes, runs.strides, runs.aheads)
    ]
    if not (items < 0).any():
        items = codec.narrow(items)
    return pickle.dumps(
        (counted, clocks, runs.sites.astype(site_type), items, values), pickle.HIGHEST_PROTOCOL
    )


def unpacked(part: Writes) -> Logged:
    """A part's runs, items (int64) and values, packed or not."""
    if not isinstance(part, bytes):
        return part
    counted, (first, numbers), sites, items, values = pickle.loads(part)
    firsts, counts, starts, sizes, strides, aheads = (c.astype(np.int64) for c in counted)
    clocks = numbers if first is None else codec.risen(first, numbers)
    runs = Runs(firsts, counts, starts, sizes, strides, clocks, sites.astype(np.int64), aheads)
    return runs, items.astype(np.int64), values


def joined(parts: list[Writes]) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[Value]]:
    """The sites, steps, items and values of every part's writes, in order."""
    logged = [unpacked(part) for part in parts]
    placed = [runs.expanded() for runs, _, _ in logged]
    values: list[Value] = []
    for _, _, part_values in logged:
        values += part_values
    return (
        np.concatenate([sites for sites, _ in placed]),
        np.concatenate([steps for _, steps in placed]),
        np.concatenate([items for _, items, _ in logged]),
        values,
    )


def write_cut(writer: TraceWriter, cut: Cut) -> None:
    """Write the cut's events chunk, the bubbles shown meanwhile, and the snapshot after them."""
    kinds_of, cells_of = cut.kinds_of, cut.cells_of
    sites, steps, items, values = joined(cut.writes)
    kept = sites >= 0  # compiled code logs every write; a cell not recorded has site -1
    every = bool(kept.all())  # as a rule: then nothing needs picking out
    kinds = kinds_of[sites]
    valued = np.isin(kinds, _VALUED)
    writer.events_chunk(
        sites if every else sites[kept],
        steps if every else steps[kept],
        items,
        values if valued.all() else [values[k] for k in np.flatnonzero(valued).tolist()],
    )
    if cut.bubbles:
        writer.tables(bubbles=cut.bubbles)
    variables = cut.variables | _last_values(cells_of, sites, kinds, values)
    writer.snapshot(max(cut.clock, int(steps[-1])), variables, cut.lists)


def int64s(numbers: list[int]) -> np.ndarray:
    """Whole numbers as an array: through struct, about twice as quick as numpy from a list."""
    return np.frombuffer(struct.pack(f"<{len(numbers)}q", *numbers), dtype=np.int64)


def _last_values(
    cells_of: np.ndarray, sites: np.ndarray, kinds: np.ndarray, values: list[Value]
) -> dict[int, Value]:
    """Each variable's last value logged in a chunk, by cell. The cells hold the same when the
    chunk is cut, except after an interrupt inside compiled code, which may not have written
    its locals back: the log is the record of what was written."""
    at = np.flatnonzero(kinds == SET)
    written, last_in_reverse = np.unique(cells_of[sites[at]][::-1], return_index=True)
    last = at[at.size - 1 - last_in_reverse]
    return {cell: values[k] for cell, k in zip(written.tolist(), last.tolist(), strict=True)}
