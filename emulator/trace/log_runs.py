"""A WriteLog's codes and clocks read as runs of writes (runs.Runs), its loops' runs (WriteLog.patterns) among them."""

from __future__ import annotations

import pickle
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from emulator.runtime.hooks import PATTERN_BASE
from emulator.trace.runs import Logged, Runs, int64s

if TYPE_CHECKING:
    from emulator.runtime.hooks import WriteLog

# By pattern (WriteLog.patterns): its length, the blocks a pass adds, the write it starts at,
# where its sites begin in the sites; and the sites (LogRuns.table).
Patterns = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


class LogRuns:
    """Reads one log's runs: the table of its patterns is built again only when it has grown."""

    def __init__(self) -> None:
        self._known = -1  # how many patterns the table was built from (table)
        self._columns: Patterns = _no_patterns()

    def per_write(self, log: WriteLog, writes: int) -> tuple[np.ndarray, np.ndarray]:
        """The code and the clock of each of the log's first `writes` writes."""
        return self.runs(log, writes).expanded()

    def runs(self, log: WriteLog, writes: int) -> Runs:
        """The log's first `writes` writes (those whose values are in: a write cut short by
        Ctrl-C may have its code, or code and clock, alone) as runs whose places hold codes, not
        sites, and the clocks the code logged (their aheads 0). A write logged alone is a run of
        its own: its place holds its code."""
        codes, clocks = int64s(log.codes), int64s(log.clocks)
        return runs_of(codes, clocks, log.ends, writes, self.table(log))

    def table(self, log: WriteLog) -> Patterns:
        """The log's patterns as columns (Patterns)."""
        patterns = log.patterns
        if self._known != len(patterns):
            lengths = np.array([len(sites) for sites, _, _ in patterns], dtype=np.int64)
            self._columns = (
                lengths,
                np.array([stride for _, stride, _ in patterns], dtype=np.int64),
                np.array([start for _, _, start in patterns], dtype=np.int64),
                np.cumsum(lengths) - lengths,
                np.array([site for sites, _, _ in patterns for site in sites], dtype=np.int64),
            )
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
        items go as the log holds them (made an array on the other side: pickling the list costs
        this process less than making it one)."""
        logged = (log.codes, log.clocks, log.ends, log.items, log[:])
        return LogPart(pickle.dumps((*logged, tables), pickle.HIGHEST_PROTOCOL))

    def read(self) -> Logged:
        """Its runs (their places holding sites, their aheads looked up), items and values."""
        codes, clocks, ends, items, values, tables = pickle.loads(self.data)
        patterns, sites, aheads = pickle.loads(tables)
        runs = runs_of(int64s(codes), int64s(clocks), ends, len(values), patterns)
        placed = replace(runs, sites=sites[runs.sites], aheads=aheads[runs.sites])
        return placed, int64s(items), values


def runs_of(
    codes: np.ndarray, clocks: np.ndarray, ends: list[int], writes: int, patterns: Patterns
) -> Runs:
    """LogRuns.runs, of a log's codes, clocks and ends, its patterns as columns."""
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
    length, stride, start, first_site, sites = patterns
    pattern = codes[runs] - PATTERN_BASE
    sizes, starts, strides = np.ones_like(codes), np.zeros_like(codes), np.zeros_like(codes)
    sizes[runs], starts[runs], strides[runs] = length[pattern], start[pattern], stride[pattern]
    firsts = np.arange(sites.size, sites.size + codes.size)  # the places after the patterns'
    firsts[runs] = first_site[pattern]
    alone = codes.copy()
    alone[runs] = 0  # a run's own place is never written at: any code will do
    places = np.concatenate((sites, alone))
    return Runs(firsts, counts, starts, sizes, strides, clocks, places, np.zeros_like(places))


def _no_patterns() -> Patterns:
    empty = np.zeros(0, dtype=np.int64)
    return empty, empty, empty, empty, empty


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
