"""A write log's runs of writes read back as one code and clock a write (trace/log_runs.py)."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from emulator.runtime.hooks import PATTERN_BASE, WriteLog
from emulator.trace.log_runs import LogRuns

# Patterns as LoggedRun.patterns makes them: a pass's sites, what it adds to the clock, and one
# entry for each write a run may start at.
_patterns = st.lists(
    st.tuples(st.lists(st.integers(0, 40), min_size=1, max_size=4), st.integers(1, 30)),
    min_size=1,
    max_size=4,
).map(
    lambda loops: [
        (tuple(sites), stride, start) for sites, stride in loops for start in range(len(sites) + 1)
    ]
)
# The log's entries: a write logged alone (its code), or a run (its pattern and how many writes).
_entries = st.lists(
    st.one_of(
        st.tuples(st.just("alone"), st.integers(0, 60)),
        st.tuples(st.just("run"), st.integers(0, 1_000), st.integers(0, 12)),
    ),
    max_size=30,
)


def _log(patterns: list[Any], entries: list[Any], clocks: list[int]) -> tuple[WriteLog, list[Any]]:
    """A log holding the entries (a run's values are its writes' numbers), and the code and clock
    of each write, made pass by pass."""
    log = WriteLog(10**6, lambda: None)
    log.patterns = patterns
    expected: list[tuple[int, int]] = []
    for entry, clock in zip(entries, clocks, strict=False):
        if entry[0] == "alone":
            log.codes.append(entry[1])
            expected.append((entry[1], clock))
            log.clocks.append(clock)
            log.append(len(expected))
            continue
        number = entry[1] % len(patterns)
        sites, stride, start = patterns[number]
        log.codes.append(PATTERN_BASE + number)
        log.clocks.append(clock)
        for k in range(start, start + entry[2]):
            expected.append((sites[k % len(sites)], clock + (k // len(sites)) * stride))
            log.append(len(expected))
        log.ends.append(len(log))
    return log, expected


@given(_patterns, _entries, st.lists(st.integers(0, 10**9), min_size=30, max_size=30))
def test_each_write_gets_its_code_and_clock_back(
    patterns: list[Any], entries: list[Any], clocks: list[int]
) -> None:
    """Writes logged alone and runs starting at any write of a pass, of any length (none too),
    come back in order, each with the code and the clock it would have been logged with alone."""
    log, expected = _log(patterns, entries, clocks)
    codes, steps = LogRuns().per_write(log, len(log))
    assert list(zip(codes.tolist(), steps.tolist(), strict=True)) == expected


@given(_patterns, _entries, st.lists(st.integers(0, 10**9), min_size=30, max_size=30), st.data())
def test_a_log_cut_short_gives_the_writes_whose_values_are_in(
    patterns: list[Any], entries: list[Any], clocks: list[int], data: st.DataObject
) -> None:
    """Ctrl-C: a run not ended yet holds the writes logged since it started, and a write logged
    alone whose value is not in (its code, or its code and clock, logged) is left out."""
    log, expected = _log(patterns, entries, clocks)
    if log.codes and log.codes[-1] >= PATTERN_BASE:
        log.ends.pop()  # the last run not ended
    else:
        log.codes.append(7)  # a write logged alone, cut short before its value
        if data.draw(st.booleans()):
            log.clocks.append(0)
    codes, steps = LogRuns().per_write(log, len(log))
    assert list(zip(codes.tolist(), steps.tolist(), strict=True)) == expected


def test_a_log_with_no_run_is_read_as_it_is() -> None:
    log = WriteLog(10, lambda: None)
    log.codes += [3, 4]
    log.clocks += [10, 12]
    log += ["a", "b"]
    codes, steps = LogRuns().per_write(log, 2)
    assert codes.tolist() == [3, 4] and steps.tolist() == [10, 12]
