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


# One part of a chunk's writes, in the order logged: their steps, their items (see Cut) and their
# values; or all three packed into bytes (packed) where the recording hands its chunks to a second
# process. Arrays, not lists: the recording process makes them about as quickly as it could
# pickle the lists, and they cross to a second process as plain bytes.
Logged = tuple[np.ndarray, np.ndarray, list[Value]]
Writes = Logged | bytes


@dataclass(frozen=True)
class Cut:
    """The writes logged since the last cut, as the recording process has them: each one's site
    (-1: a cell not recorded), step and value, and the items of the recorded cells' list writes
    (the only events that name one); and the recorded cells now. Building columns from these is
    left to the process that writes the trace. The writes come in the parts the log was taken
    in."""

    sites: np.ndarray
    writes: list[Writes]  # the steps, items and values, part by part
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


def packed(steps: np.ndarray, items: np.ndarray, values: list[Value]) -> bytes:
    """A part's writes pickled for a second process (its messages are this program's own), each
    number in the narrowest type that holds it: the steps as their first and their rises, as a
    chunk keeps them (a byte each, as a rule: the clock counts blocks), the items as they are. A
    chunk's message then takes some 13 bytes a write, against 23, and fits the pipe whole: the
    second process gets it while it is busy with the one before."""
    first, rises = codec.rises(steps)
    # Kept whole if the clock went back (not seen: it never does).
    numbers = (None, steps) if (rises < 0).any() else (first, codec.narrow(rises))
    if not (items < 0).any():  # an item is a list's index, from 1 on: kept whole otherwise
        items = codec.narrow(items)
    return pickle.dumps((numbers, items, values), pickle.HIGHEST_PROTOCOL)


def unpacked(part: Writes) -> Logged:
    """A part's steps (int64), items (int64) and values, packed or not."""
    if not isinstance(part, bytes):
        return part
    (first, numbers), items, values = pickle.loads(part)
    steps = numbers if first is None else codec.risen(first, numbers)
    return steps, items.astype(np.int64), values


def joined(parts: list[Writes]) -> Logged:
    """The steps, items and values of every part, in order."""
    logged = [unpacked(part) for part in parts]
    if len(logged) == 1:
        return logged[0]
    values: list[Value] = []
    for _, _, part_values in logged:
        values += part_values
    steps = np.concatenate([part[0] for part in logged])
    return steps, np.concatenate([part[1] for part in logged]), values


def write_cut(writer: TraceWriter, cut: Cut) -> None:
    """Write the cut's events chunk, the bubbles shown meanwhile, and the snapshot after them."""
    sites, kinds_of, cells_of = cut.sites, cut.kinds_of, cut.cells_of
    kept = sites >= 0  # compiled code logs every write; a cell not recorded has site -1
    every = bool(kept.all())  # as a rule: then nothing needs picking out
    kinds = kinds_of[sites]
    valued = np.isin(kinds, _VALUED)
    steps, items, values = joined(cut.writes)
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
