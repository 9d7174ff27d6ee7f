"""A WriteLog's codes and clocks read as runs of writes (runs.Runs), its loops' runs (WriteLog.patterns) among them."""

from __future__ import annotations

import functools
import itertools
import pickle
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from emulator.runtime.hooks import PATTERN_BASE
from emulator.trace.runs import Logged, Runs, int64_bytes, int64s, nths
from emulator.trace.value_columns import ValueColumns

if TYPE_CHECKING:
    from emulator.runtime.hooks import RunPattern, WriteLog
    from emulator.values import Value

# By pattern (WriteLog.patterns): its length, the blocks a pass adds, the write it starts at,
# where its sites begin in the sites, and how many counters a run logs as it starts; the sites;
# and its counters', pattern by pattern: their writes' places in a pass and their steps.
Patterns = tuple[
    np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray
]
# Short of this, whole floats add up exactly in any order (counted_up).
_EXACT = 2.0**53


class LogRuns:
    """Reads one log's runs: the table of its patterns is built again only when it has grown."""

    def __init__(self) -> None:
        self._known = -1  # how many patterns the table was built from (table)
        self._columns: Patterns = _no_patterns()

    def per_write(self, log: WriteLog, writes: int) -> tuple[np.ndarray, np.ndarray]:
        """The code and the clock of each of the log's first `writes` writes."""
        return self.runs(log, writes).expanded()

    def runs(self, log: WriteLog, writes: int) -> Runs:
        """The log's first `writes` writes (WriteLog.events: those whose values are in, and those
        its runs skipped; a write cut short by Ctrl-C may have its code, or code and clock, alone)
        as runs whose places hold codes, not sites, and the clocks the code logged (their aheads
        0). A write logged alone is a run of its own: its place holds its code."""
        return self._runs_of(int64s(log.codes), log, writes)

    def logged(self, log: WriteLog, writes: int) -> tuple[Runs, ValueColumns]:
        """LogRuns.runs, and the log's values as columns, each counter's that a run left out made
        again (counted_up)."""
        codes = int64s(log.codes)
        runs = self._runs_of(codes, log, writes)
        return runs, counted_up(codes, runs, self.table(log), log[:], log.bases)

    def _runs_of(self, codes: np.ndarray, log: WriteLog, writes: int) -> Runs:
        return runs_of(codes, int64s(log.clocks), log.ends, writes, self.table(log))

    def table(self, log: WriteLog) -> Patterns:
        """The log's patterns as columns (Patterns)."""
        patterns = log.patterns
        if self._known != len(patterns):
            self._columns = _columns(patterns)
            self._known = len(patterns)
        return self._columns


@dataclass(frozen=True)
class LogPart:
    """A part of a log as it was logged, every write whole, pickled with the tables that place
    its writes (by code: the site, and how far the clock logged lags): where one thread wrote it
    all at places whose sites are known, the second process reads its runs (read) instead of the
    recording. Its messages are this program's own."""

    data: bytes

    @staticmethod
    def taken(log: WriteLog, tables: bytes) -> LogPart:
        """Every write in the log, with `tables`: its patterns as columns, and the sites and the
        aheads by code, pickled (the recording pickles them once for as long as they last). Its
        codes, clocks and items go as int64s' bytes."""
        numbers = [int64_bytes(column) for column in (log.codes, log.clocks, log.items)]
        logged = (*numbers, log.ends, log[:], log.bases, log.skipped)
        return LogPart(pickle.dumps((*logged, tables), pickle.HIGHEST_PROTOCOL))

    def read(self) -> Logged:
        """Its runs (their places holding sites, their aheads looked up), items and values."""
        return read_parts([self])[0]


def read_parts(parts: Sequence[LogPart]) -> list[Logged]:
    """The parts' runs, items and values (LogPart.read): each stretch of parts placed with the
    same tables, as a rule a chunk's, read as one part (measured on day3: a tenth of the second
    process's time less than five parts of 10,000 writes each alone)."""
    loaded = [_Loaded(*pickle.loads(part.data)) for part in parts]
    read: list[Logged] = []
    for tables, stretch in itertools.groupby(loaded, key=lambda part: part.tables):
        read += _read_together(list(stretch), _unpickled(tables))
    return read


class _Loaded(NamedTuple):
    """A LogPart unpickled (LogPart.taken)."""

    codes: bytes
    clocks: bytes
    items: bytes
    ends: list[int]
    values: list[Value]
    bases: list[float]
    skipped: int
    tables: bytes


@functools.lru_cache(maxsize=8)
def _unpickled(tables: bytes) -> tuple[Patterns, np.ndarray, np.ndarray]:
    """A LogPart's tables (the same for as long as they last: unpickled once)."""
    return pickle.loads(tables)  # type: ignore[no-any-return]


def _read_together(
    stretch: list[_Loaded], tables: tuple[Patterns, np.ndarray, np.ndarray]
) -> list[Logged]:
    """Parts placed with the same tables read as one: their writes one after the other, each
    part's ends after the writes before it. Should a part before the last hold a run not ended,
    or their counters' bases not add up (a part cut short by Ctrl-C: never one taken whole),
    each part is read alone."""
    patterns, sites, aheads = tables
    codes, clocks, items = (
        np.frombuffer(b"".join(column), dtype=np.int64)
        for column in (
            [p.codes for p in stretch],
            [p.clocks for p in stretch],
            [p.items for p in stretch],
        )
    )
    values: list[Value] = []
    ends: list[int] = []
    bases: list[float] = []
    events = 0  # the writes of the parts before
    for part in stretch[:-1]:
        started = np.count_nonzero(np.frombuffer(part.codes, dtype=np.int64) >= PATTERN_BASE)
        if started > len(part.ends):
            return _read_alone(stretch, tables)
    for part in stretch:
        ends += [events + end for end in part.ends]
        values += part.values
        bases += part.bases
        events += len(part.values) + part.skipped
    runs = runs_of(codes, clocks, ends, events, patterns)
    if len(stretch) > 1 and _bases_wanted(codes, runs, patterns) != len(bases):
        return _read_alone(stretch, tables)
    columns = counted_up(codes, runs, patterns, values, bases)
    placed = replace(runs, sites=sites[runs.sites], aheads=aheads[runs.sites])
    return [(placed, items, columns)]


def _read_alone(
    stretch: list[_Loaded], tables: tuple[Patterns, np.ndarray, np.ndarray]
) -> list[Logged]:
    """Each part of the stretch read by itself."""
    return [logged for part in stretch for logged in _read_together([part], tables)]


def runs_of(
    codes: np.ndarray, clocks: np.ndarray, ends: list[int], writes: int, patterns: Patterns
) -> Runs:
    """LogRuns.runs, of a log's codes, clocks and ends (its writes where each run ended), its
    patterns as columns. A run not ended (Ctrl-C came) holds the writes through its last value
    and the counters' changes right after it (_spanned)."""
    logged = min(codes.size, clocks.size)
    codes, clocks = codes[:logged], clocks[:logged]
    runs = np.flatnonzero(codes >= PATTERN_BASE)
    if runs.size == 0:
        codes, clocks = codes[:writes], clocks[:writes]
        return Runs.alone(codes, clocks)
    counts = _counts(codes.size, runs, np.array(ends, dtype=np.int64), writes)
    # The last write of all may lack its value: the entries kept are those before it.
    kept = int(np.count_nonzero(np.cumsum(counts) <= writes))
    codes, clocks, counts, runs = codes[:kept], clocks[:kept], counts[:kept], runs[runs < kept]
    if runs.size > len(ends):  # its count is of the values it holds
        last = runs[-1]
        counts[last] = _spanned(patterns, int(codes[last]) - PATTERN_BASE, int(counts[last]))
    length, stride, start, first_site, _, sites, _, _ = patterns
    pattern = codes[runs] - PATTERN_BASE
    sizes, starts, strides = np.ones_like(codes), np.zeros_like(codes), np.zeros_like(codes)
    sizes[runs], starts[runs], strides[runs] = length[pattern], start[pattern], stride[pattern]
    firsts = np.arange(sites.size, sites.size + codes.size)  # the places after the patterns'
    firsts[runs] = first_site[pattern]
    alone = codes.copy()
    alone[runs] = 0  # a run's own place is never written at: any code will do
    places = np.concatenate((sites, alone))
    return Runs(firsts, counts, starts, sizes, strides, clocks, places, np.zeros_like(places))


def counted_up(
    codes: np.ndarray, runs: Runs, patterns: Patterns, values: list[Value], bases: list[float]
) -> ValueColumns:
    """`values` (a list of the log's own) as columns of every write's, with the value of each
    counter's change a run logged nothing for put in its place: the counter's value as the run
    started (`bases`, in the order of the runs and their patterns' counters) plus its step, added
    once a pass in order, as the code added it. A run begun as Ctrl-C came may lack its bases: it
    holds no write yet."""
    if not bases:
        return ValueColumns.of(values)
    *_, counters, _, places, steps = patterns
    pattern, logs = _bases_logged(codes, runs, counters)
    total = min(int(logs.sum()), len(bases))
    # Each counter of each run, in the order their bases were logged.
    entry = np.repeat(np.arange(logs.size), logs)[:total]
    nth = nths(logs)[:total]
    counter = (np.cumsum(counters) - counters)[pattern[entry]] + nth
    size, count = runs.sizes[entry], runs.counts[entry]
    first = (places[counter] - runs.starts[entry]) % size  # its first write in the run
    writes = np.where(first < count, (count - 1 - first) // size + 1, 0)
    first += (np.cumsum(runs.counts) - runs.counts)[entry]
    # Each counter's writes are `size` apart. Only the values the log holds are scanned for
    # their types (ValueColumns.of: each value a step): the counters' are numbers.
    at = np.repeat(first, writes) + np.repeat(size, writes) * nths(writes)
    logged = np.ones(len(values) + at.size, dtype=bool)
    logged[at] = False
    held = ValueColumns.of(values)
    tags = np.zeros(logged.size, dtype=np.uint8)
    tags[logged] = held.tags
    floats = np.empty(logged.size, dtype=np.float64)
    floats[logged] = held.floats
    floats[at] = _made(np.array(bases[:total], dtype=np.float64), steps[counter], writes)
    return ValueColumns(tags, floats, held.others)


def _spanned(patterns: Patterns, pattern: int, values: int) -> int:
    """How many writes a run of the pattern not ended (Ctrl-C came) is taken to hold, given the
    `values` it logged: those through its last value (none: none) and the counters' changes
    right after it in its pass. Ctrl-C comes where a call returns or a pass ends: inside a
    value's expression or at the pass's end, never between a write and the changes after it."""
    length, _, start, _, counters, _, places, _ = patterns
    if values == 0:
        return 0
    size, begin = int(length[pattern]), int(start[pattern])
    first = int(np.sum(counters[:pattern]))
    counting = set(places[first : first + counters[pattern]].tolist())
    # The writes that log a value, by how far each is from the run's first in a pass's turn.
    valued = sorted((k - begin) % size for k in range(size) if k not in counting)
    passes, nth = divmod(values - 1, len(valued))
    after = begin + passes * size + valued[nth] + 1  # counted from its first pass's first write
    while after % size and after % size in counting:
        after += 1
    return after - begin


def _bases_logged(
    codes: np.ndarray, runs: Runs, counters: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each entry's pattern (below 0: a write logged alone), and how many bases it logged."""
    pattern = codes[: runs.counts.size] - PATTERN_BASE
    logs = np.zeros_like(pattern)
    logs[pattern >= 0] = counters[pattern[pattern >= 0]]
    return pattern, logs


def _bases_wanted(codes: np.ndarray, runs: Runs, patterns: Patterns) -> int:
    """How many bases the runs' counters log as they start."""
    _, _, _, _, counters, *_ = patterns
    return int(_bases_logged(codes, runs, counters)[1].sum())


def _made(base: np.ndarray, step: np.ndarray, writes: np.ndarray) -> np.ndarray:
    """Each counter's values, base plus step once a write, its `writes` of them in turn."""
    made = np.repeat(base, writes) + np.repeat(step, writes) * (nths(writes) + 1)
    # Whole numbers short of 2**53 add up exactly, in any order; others, one at a time.
    exact = (base == np.trunc(base)) & (step == np.trunc(step))
    exact &= np.abs(base) + writes * np.abs(step) < _EXACT
    at = np.cumsum(writes) - writes
    for k in np.flatnonzero(~exact & (writes > 0)).tolist():
        adds = np.full(int(writes[k]) + 1, step[k])
        adds[0] = base[k]
        made[at[k] : at[k] + writes[k]] = np.cumsum(adds)[1:]
    return made


def _columns(patterns: list[RunPattern]) -> Patterns:
    """The patterns as columns (Patterns)."""
    lengths = np.array([len(p.sites) for p in patterns], dtype=np.int64)
    counters = [(k, step) for p in patterns for k, step in enumerate(p.steps) if step is not None]
    return (
        lengths,
        np.array([p.stride for p in patterns], dtype=np.int64),
        np.array([p.start for p in patterns], dtype=np.int64),
        np.cumsum(lengths) - lengths,
        np.array([p.counters for p in patterns], dtype=np.int64),
        np.array([site for p in patterns for site in p.sites], dtype=np.int64),
        np.array([k for k, _ in counters], dtype=np.int64),
        np.array([step for _, step in counters], dtype=np.float64),
    )


def _no_patterns() -> Patterns:
    empty = np.zeros(0, dtype=np.int64)
    return empty, empty, empty, empty, empty, empty, empty, np.zeros(0)


def _counts(entries: int, runs: np.ndarray, ends: np.ndarray, writes: int) -> np.ndarray:
    """How many writes each entry of the log holds: one a write logged alone; a run, from where
    it starts (the end of the run before, and one for each write logged alone since) to its end
    (the writes logged so far, for a run not ended)."""
    counts = np.ones(entries, dtype=np.int64)
    before = np.concatenate(([0], ends))[: runs.size]
    alone_since = runs - np.concatenate(([-1], runs[:-1])) - 1
    stops = np.concatenate((ends, [writes]))[: runs.size]
    counts[runs] = stops - (before + alone_since)
    return counts
