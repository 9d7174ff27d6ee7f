"""A WriteLog's codes and clocks, with its loops' runs of writes (WriteLog.patterns) made into one code and clock a write again."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from emulator.runtime.hooks import PATTERN_BASE
from emulator.trace.cuts import int64s

if TYPE_CHECKING:
    from emulator.runtime.hooks import WriteLog


class LogRuns:
    """Reads one log's runs: the table of its patterns is built again only when it has grown."""

    def __init__(self) -> None:
        self._known = -1  # how many patterns the table was built from (_table)
        self._columns: tuple[np.ndarray, ...] = ()

    def per_write(self, log: WriteLog, writes: int) -> tuple[np.ndarray, np.ndarray]:
        """The code and the clock of each of the log's first `writes` writes (those whose values
        are in: a write cut short by Ctrl-C may have its code, or code and clock, alone)."""
        codes, clocks = int64s(log.codes), int64s(log.clocks)
        logged = min(codes.size, clocks.size)
        codes, clocks = codes[:logged], clocks[:logged]
        runs = np.flatnonzero(codes >= PATTERN_BASE)
        if runs.size == 0:
            return codes[:writes], clocks[:writes]
        counts = _counts(codes.size, runs, np.array(log.ends, dtype=np.int64), writes)
        kept = np.cumsum(counts) <= writes  # the last write of all may lack its value
        codes, clocks, counts = codes[kept], clocks[kept], counts[kept]
        return self._expanded(log, codes, clocks, counts)

    def _expanded(
        self, log: WriteLog, codes: np.ndarray, clocks: np.ndarray, counts: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Each write's code and clock, from the entries (`counts`: the writes of each). An entry
        logged alone is a pattern of its own code, one write long, whose pass adds nothing."""
        length, stride, start, first_site, sites = self._table(log)
        runs = np.flatnonzero(codes >= PATTERN_BASE)
        pattern = codes[runs] - PATTERN_BASE
        size, phase, adds = np.ones_like(codes), np.zeros_like(codes), np.zeros_like(codes)
        size[runs], phase[runs], adds[runs] = length[pattern], start[pattern], stride[pattern]
        firsts = np.arange(sites.size, sites.size + codes.size)  # in `every`, after the sites
        firsts[runs] = first_site[pattern]
        every = np.concatenate((sites, codes))
        # A write's place in its run, counted from the first write of the run's first pass.
        at = np.arange(int(counts.sum())) + np.repeat(phase - (np.cumsum(counts) - counts), counts)
        passes, write = np.divmod(at, np.repeat(size, counts))
        write_codes = every[np.repeat(firsts, counts) + write]
        return write_codes, np.repeat(clocks, counts) + passes * np.repeat(adds, counts)

    def _table(self, log: WriteLog) -> tuple[np.ndarray, ...]:
        """By pattern: its length, the blocks a pass adds, the write it starts at, where its sites
        begin in the sites; and the sites."""
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
