"""A recording's logged writes made into an events chunk and the snapshot after it, in whichever process writes the trace."""

from __future__ import annotations

import itertools
import pickle
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

import numpy as np

from emulator.trace import codec
from emulator.trace.events import KIND_NAMES, SET, VALUED_KINDS, Bubble
from emulator.trace.log_runs import LogPart, read_parts
from emulator.trace.runs import Logged, Runs
from emulator.trace.value_columns import ValueColumns
from emulator.values import Value

if TYPE_CHECKING:
    from emulator.trace.format import TraceWriter

# By kind: whether its events store a value (a look-up: some ten times quicker than np.isin).
_VALUED = np.isin(np.arange(len(KIND_NAMES)), list(VALUED_KINDS))


# One part of a chunk's writes (runs.Logged); where the recording hands its chunks to a second
# process, packed into bytes (packed), or as the log held them (log_runs.LogPart), from which that
# process makes each write's site and step.
Writes = Logged | bytes | LogPart


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
    lists: dict[int, list[Value] | None]  # each recorded list's items (None: unchanged; or not
    # written in the chunk, which write_cut finds out)
    bubbles: list[Bubble]  # shown since the last cut: written after the events they follow
    last: bool = False  # the recording's last cut, as it ends (Ctrl-C among the ways)


def packed(runs: Runs, items: np.ndarray, values: ValueColumns) -> bytes:
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
    """A part's runs, items (int64) and values, in whichever form it came."""
    if isinstance(part, LogPart):
        return part.read()
    if not isinstance(part, bytes):
        return part
    counted, (first, numbers), sites, items, values = pickle.loads(part)
    firsts, counts, starts, sizes, strides, aheads = (c.astype(np.int64) for c in counted)
    clocks = numbers if first is None else codec.risen(first, numbers)
    runs = Runs(firsts, counts, starts, sizes, strides, clocks, sites.astype(np.int64), aheads)
    return runs, items.astype(np.int64), values


def joined(parts: list[Writes]) -> tuple[np.ndarray, np.ndarray, np.ndarray, ValueColumns]:
    """The sites, steps, items and values of every part's writes, in order."""
    logged: list[Logged] = []
    for as_logged, group in itertools.groupby(parts, key=lambda part: isinstance(part, LogPart)):
        stretch = list(group)
        # Parts handed over as logged are read together (read_parts).
        if as_logged:
            logged += read_parts(cast("list[LogPart]", stretch))
        else:
            logged += [unpacked(part) for part in stretch]
    placed = [runs.expanded() for runs, _, _ in logged]
    return (
        np.concatenate([sites for sites, _ in placed]),
        np.concatenate([steps for _, steps in placed]),
        np.concatenate([items for _, items, _ in logged]),
        ValueColumns.joined([values for _, _, values in logged]),
    )


def write_cut(writer: TraceWriter, cut: Cut) -> None:
    """Write the cut's events chunk, the bubbles shown meanwhile, and the snapshot after them."""
    kinds_of, cells_of = cut.kinds_of, cut.cells_of
    sites, steps, items, values = joined(cut.writes)
    kept = sites >= 0  # compiled code logs every write; a cell not recorded has site -1
    every = bool(kept.all())  # as a rule: then nothing needs picking out
    kinds = kinds_of[sites]
    valued = _VALUED[kinds]
    writer.events_chunk(
        sites if every else sites[kept],
        steps if every else steps[kept],
        items,
        values if valued.all() else values.taken(np.flatnonzero(valued)),
    )
    if cut.bubbles:
        writer.tables(bubbles=cut.bubbles)
    variables = cut.variables
    if cut.last:  # an interrupt may have stopped compiled code before it wrote its locals back
        variables = variables | _last_values(cells_of, sites, kinds, values)
    written = set(cells_of[_marked(sites, cells_of.size)].tolist())
    # The recording may hand over lists it only knows may have been written (LogPart).
    lists = {cell: items if cell in written else None for cell, items in cut.lists.items()}
    writer.snapshot(max(cut.clock, int(steps[-1])), variables, lists)


def _last_values(
    cells_of: np.ndarray, sites: np.ndarray, kinds: np.ndarray, values: ValueColumns
) -> dict[int, Value]:
    """Each variable's last value logged in a chunk, by cell. The cells hold the same when a
    chunk is cut as the run goes (compiled code writes its locals back before anything that may
    cut one, and the interpreter stores a value before it tells the hooks), but not always as the
    recording ends: an interrupt inside compiled code may leave its locals unwritten, and the
    log is the record of what was written."""
    at = np.flatnonzero(kinds == SET)
    last = np.full(int(cells_of.max()) + 1, -1)  # by cell: its last SET's event (cells_of holds -1)
    np.maximum.at(last, cells_of[sites[at]], at)  # a SET is always at a recorded cell (0 or more)
    written = np.flatnonzero(last >= 0)
    return dict(zip(written.tolist(), values.listed(last[written]), strict=True))


def _marked(numbers: np.ndarray, size: int) -> np.ndarray:
    """Whether each of 0..size-1 is among `numbers` (-1 marks the last): np.unique's set, as a
    mask, without sorting."""
    mask = np.zeros(size, dtype=bool)
    mask[numbers] = True
    return mask
