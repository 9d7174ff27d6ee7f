"""A write log's runs of writes read back as one code and clock a write (trace/log_runs.py)."""

from __future__ import annotations

import math
import pickle
from typing import Any

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from emulator.runtime.hooks import PATTERN_BASE, RunPattern, WriteLog
from emulator.trace.log_runs import LogPart, LogRuns, read_parts

# What a counter's change adds, or None: a write whose value is logged.
_step = st.one_of(
    st.none(), st.sampled_from([1.0, -1.0, 0.5, 0.1, 3.0, 0.0, -0.0, 1e300]), st.floats(-1e6, 1e6)
)
# Patterns as LoggedRun.patterns makes them: a pass's sites, what it adds to the clock, its
# counters' steps, and one entry for each write a run may start at.
_patterns = st.lists(
    st.tuples(
        st.lists(st.tuples(st.integers(0, 40), _step), min_size=1, max_size=4),
        st.integers(1, 30),
    ),
    min_size=1,
    max_size=4,
).map(
    lambda loops: [
        RunPattern(
            tuple(site for site, _ in writes),
            stride,
            start,
            tuple(step for _, step in writes),
        )
        for writes, stride in loops
        for start in range(len(writes) + 1)
    ]
)
# What a counter holds as a run starts.
_base = st.one_of(
    st.sampled_from([0.0, -0.0, 2.0**53 - 2, -(2.0**53), math.inf, -math.inf]),
    st.integers(-1000, 1000).map(float),
    st.floats(allow_nan=False),
)
# The log's entries: a write logged alone (its code), or a run (its pattern and how many writes).
_entries = st.lists(
    st.one_of(
        st.tuples(st.just("alone"), st.integers(0, 60)),
        st.tuples(st.just("run"), st.integers(0, 1_000), st.integers(0, 12)),
    ),
    max_size=30,
)


def _log(
    patterns: list[Any],
    entries: list[Any],
    clocks: list[int],
    bases: list[float] | None = None,
    ended: bool = True,
) -> tuple[WriteLog, list[Any], list[Any]]:
    """A log holding the entries (a write's value is its number; a counter's change logs
    nothing, its value made again from the run's counter's value as it starts, from `bases` in
    turn), and the code and clock of each write, made pass by pass; and each write's value. Unless
    `ended`, the last entry, if a run, is not ended (Ctrl-C came): it holds the writes through
    its last value and the counters' changes right after it in its pass."""
    log = WriteLog(10**6, lambda: None)
    log.patterns = patterns
    bases = bases or [0.0]
    expected: list[tuple[int, int]] = []
    values: list[Any] = []
    for n, (entry, clock) in enumerate(zip(entries, clocks, strict=False)):
        if entry[0] == "alone":
            log.codes.append(entry[1])
            expected.append((entry[1], clock))
            log.clocks.append(clock)
            log.append(float(len(expected)))
            values.append(float(len(expected)))
            continue
        number = entry[1] % len(patterns)
        sites, stride, start, steps = patterns[number]
        log.codes.append(PATTERN_BASE + number)
        log.clocks.append(clock)
        counters = {}
        for k, step in enumerate(steps):
            if step is not None:
                counters[k] = bases[len(log.bases) % len(bases)]
                log.bases.append(counters[k])
        cut_short = not ended and n == len(entries) - 1
        made: list[tuple[tuple[int, int], Any, bool]] = []  # each write, its value, if logged
        for k in range(
            start, start + (_through_last_value(steps, start, entry[2]) if cut_short else entry[2])
        ):
            write = (sites[k % len(sites)], clock + (k // len(sites)) * stride)
            step = steps[k % len(sites)]
            if step is None:
                made.append((write, float(len(expected) + len(made) + 1), True))
            else:
                counters[k % len(sites)] += step
                made.append((write, counters[k % len(sites)], False))
        expected += [write for write, _, _ in made]
        values += [value for _, value, _ in made]
        log += [value for _, value, logged in made if logged]
        if not cut_short:
            skipped = sum(not logged for _, _, logged in made)
            log.ends.append(len(log) + log.skipped + skipped)
            log.skipped += skipped
    return log, expected, values


def _through_last_value(steps: tuple[Any, ...], start: int, writes: int) -> int:
    """Of a run's first `writes` writes from `start`, those through its last value, and the
    counters' changes right after it up to its pass's end (a run cut short by Ctrl-C)."""
    valued = [k for k in range(start, start + writes) if steps[k % len(steps)] is None]
    if not valued:
        return 0
    after = valued[-1] + 1
    while after % len(steps) and steps[after % len(steps)] is not None:
        after += 1
    return after - start


@given(_patterns, _entries, st.lists(st.integers(0, 10**9), min_size=30, max_size=30))
def test_each_write_gets_its_code_and_clock_back(
    patterns: list[Any], entries: list[Any], clocks: list[int]
) -> None:
    """Writes logged alone and runs starting at any write of a pass, of any length (none too),
    come back in order, each with the code and the clock it would have been logged with alone."""
    log, expected, _ = _log(patterns, entries, clocks)
    codes, steps = LogRuns().per_write(log, log.events)
    assert list(zip(codes.tolist(), steps.tolist(), strict=True)) == expected


def _same(values: list[Any]) -> list[Any]:
    """Values told apart as the trace tells them: 0.0 from -0.0, 1 from 1.0."""
    return [(type(v), math.copysign(1, v) if v == 0 else 0, v) for v in values]


@given(_patterns, _entries, st.lists(st.integers(0, 10**9), min_size=30, max_size=30))
def test_a_counters_values_are_made_again_as_the_code_added_them(
    patterns: list[Any], entries: list[Any], clocks: list[int]
) -> None:
    """A counter's change logs nothing; its values come back from the counter's value as the run
    started, its step added once a pass, in order: each the float the code made."""
    for bases in ([0.0], [-0.0, 7.0], [2.0**53 - 2, 0.25, math.inf, -1e308]):
        log, _, values = _log(patterns, entries, clocks, bases)
        runs = LogRuns()
        assert _same(runs.logged(log, log.events)[1].listed()) == _same(values)


@given(
    _patterns,
    _entries,
    st.lists(st.integers(0, 10**9), min_size=30, max_size=30),
    st.lists(_base, min_size=1, max_size=5),
)
def test_a_counter_counts_up_from_any_value(
    patterns: list[Any], entries: list[Any], clocks: list[int], bases: list[float]
) -> None:
    """Whatever a counter holds as a run starts (whole or not, near 2**53, infinite), each value
    made again is the one adding its step pass by pass gives."""
    log, _, values = _log(patterns, entries, clocks, bases)
    runs = LogRuns()
    assert _same(runs.logged(log, log.events)[1].listed()) == _same(values)


@given(_patterns, _entries, st.lists(st.integers(0, 10**9), min_size=30, max_size=30), st.data())
def test_a_log_cut_short_gives_the_writes_whose_values_are_in(
    patterns: list[Any], entries: list[Any], clocks: list[int], data: st.DataObject
) -> None:
    """Ctrl-C: a run not ended yet holds the writes made since it started through its last
    value and the counters' changes right after it, and a write logged alone whose value is not
    in (its code, or its code and clock, logged) is left out."""
    log, expected, values = _log(patterns, entries, clocks, ended=False)
    if log.codes and log.codes[-1] >= PATTERN_BASE:
        pass  # the last run not ended
    elif data.draw(st.booleans()):
        log.codes.append(7)  # a write logged alone, cut short before its value
        if data.draw(st.booleans()):
            log.clocks.append(0)
    else:
        log.codes.append(PATTERN_BASE)  # a run cut short before its counters' values
        log.clocks.append(0)
    runs = LogRuns()
    codes, steps = runs.per_write(log, log.events)
    assert list(zip(codes.tolist(), steps.tolist(), strict=True)) == expected
    assert _same(runs.logged(log, log.events)[1].listed()) == _same(values)


def test_a_log_with_no_run_is_read_as_it_is() -> None:
    log = WriteLog(10, lambda: None)
    log.codes += [3, 4]
    log.clocks += [10, 12]
    log += ["a", "b"]
    codes, steps = LogRuns().per_write(log, 2)
    assert codes.tolist() == [3, 4] and steps.tolist() == [10, 12]


@given(
    _patterns,
    st.lists(
        st.tuples(_entries, st.sampled_from(["whole", "run not ended", "bases not logged"])),
        min_size=1,
        max_size=4,
    ),
    st.lists(st.integers(0, 10**9), min_size=30, max_size=30),
)
def test_parts_read_together_give_the_writes_each_gives_alone(
    patterns: list[Any], parts: list[Any], clocks: list[int]
) -> None:
    """Parts placed with the same tables are read as one; each write comes back with the same
    site, step, item and value as when each part is read alone, whether a part's last run was
    ended, or was cut short before its counters' values (Ctrl-C: then each is read alone)."""
    sites, aheads = np.arange(61) + 100, np.arange(61) % 3
    logs = []
    for entries, how in parts:
        log = _log(patterns, entries, clocks, [2.0, 0.5], ended=how != "run not ended")[0]
        log.items += range(1, len(log) + 1)
        if how == "bases not logged":
            log.codes.append(PATTERN_BASE + len(patterns) - 1)
            log.clocks.append(0)
        tables = pickle.dumps((LogRuns().table(log), sites, aheads))
        logs.append(LogPart.taken(log, tables))
    together = _writes(read_parts(logs))
    assert together == _writes([part.read() for part in logs])


def _writes(logged: list[Any]) -> tuple[list[Any], ...]:
    """The sites, steps, items and values of parts read, one after the other."""
    expanded = [runs.expanded() for runs, _, _ in logged]
    return (
        [site for sites, _ in expanded for site in sites.tolist()],
        [step for _, steps in expanded for step in steps.tolist()],
        [item for _, items, _ in logged for item in items.tolist()],
        _same([value for _, _, values in logged for value in values.listed()]),
    )
