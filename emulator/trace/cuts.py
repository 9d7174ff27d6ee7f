"""A recording's logged writes made into an events chunk and the snapshot after it, in whichever process writes the trace."""

from __future__ import annotations

import pickle
import struct
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from emulator.trace.events import ADD, DELETE, INSERT, REPLACE, SET, Bubble
from emulator.values import Value

if TYPE_CHECKING:
    from emulator.trace.format import TraceWriter

_INDEXED = (ADD, INSERT, REPLACE, DELETE)  # the kinds of event that store an item
_VALUED = (SET, ADD, INSERT, REPLACE)  # and those that store a value


# One part of a chunk's writes, in the order logged: each write's clock as logged, its item and its
# value; or the same pickled (packed), where the recording hands its chunks to a second process.
Logged = tuple[list[int], list[int], list[Value]]
Writes = Logged | bytes


@dataclass(frozen=True)
class Cut:
    """The writes logged since the last cut, as the recording process has them: each one's site
    (-1: a cell not recorded) with its step (the clock logged and how far it lags), item and
    value; and the recorded cells now. Building columns from these is left to the process that
    writes the trace (the clocks and items too: as lists, they pickle quicker than the recording
    process could make arrays of them). The writes come in the parts the log was taken in."""

    sites: np.ndarray
    lags: np.ndarray  # what each write's clock as logged lacks of its step
    writes: list[Writes]  # the clocks, items and values, part by part
    kinds_of: np.ndarray  # each site's kind, by site, and CLEAR for site -1
    cells_of: np.ndarray  # each site's cell, by site, and -1 for site -1
    clock: int  # the runtime's clock at the cut
    variables: dict[int, Value]  # each recorded variable's cell's value at the cut, by cell
    lists: dict[int, list[Value] | None]  # each recorded list's items (None: unchanged)
    bubbles: list[Bubble]  # shown since the last cut: written after the events they follow

    @property
    def events(self) -> int:
        """How many events the chunk holds."""
        return int(np.count_nonzero(self.sites >= 0))


def packed(writes: Logged) -> bytes:
    """A part's writes pickled, for a second process (its messages are this program's own)."""
    return pickle.dumps(writes, pickle.HIGHEST_PROTOCOL)


def joined(parts: list[Writes]) -> Logged:
    """The clocks, items and values of every part, in order."""
    unpacked = [pickle.loads(part) if isinstance(part, bytes) else part for part in parts]
    if len(unpacked) == 1:
        return unpacked[0]
    clocks: list[int] = []
    items: list[int] = []
    values: list[Value] = []
    for part_clocks, part_items, part_values in unpacked:
        clocks += part_clocks
        items += part_items
        values += part_values
    return clocks, items, values


def write_cut(writer: TraceWriter, cut: Cut) -> None:
    """Write the cut's events chunk, the bubbles shown meanwhile, and the snapshot after them."""
    sites, kinds_of, cells_of = cut.sites, cut.kinds_of, cut.cells_of
    kept = sites >= 0  # compiled code logs every write; a cell not recorded has site -1
    every = bool(kept.all())  # as a rule: then nothing needs picking out
    kinds = kinds_of[sites]
    valued = np.isin(kinds, _VALUED)
    clocks, items, values = joined(cut.writes)
    steps = int64s(clocks) + cut.lags
    writer.events_chunk(
        sites if every else sites[kept],
        steps if every else steps[kept],
        int64s(items)[np.isin(kinds, _INDEXED)],
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
