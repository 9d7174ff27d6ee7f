"""Benchmark: recording overhead and bytes per event on a day3 epoch, and seek time on a 10-million-event trace.

Targets: recording at most 1.5x the plain run, at most 4 bytes per event on disk, any state of a
10-million-event trace rebuilt within 100 ms.

    python tests/bench/bench_trace.py                    # one full epoch: 600 train, 100 test samples
    python tests/bench/bench_trace.py --train 60 --test 10
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from clock import Clock  # beside this script

from emulator.programs.day3 import slices
from emulator.programs.day3_mlp import build
from emulator.runtime.runtime import Runtime
from emulator.trace.events import (
    ENGINE,
    FORMAT_VERSION,
    REPLACE,
    SET,
    BlockInfo,
    CellInfo,
    Ending,
    Header,
    Site,
    ThreadInfo,
)
from emulator.trace.format import TraceWriter
from emulator.trace.recorder import DEFAULT_CHUNK_EVENTS, record_run
from emulator.trace.replay import Trace
from emulator.trace.value_columns import ValueColumns

# Both wall-clock and CPU seconds are printed: on a shared machine CPU time is the steadier measure
# of what recording costs (a long recording's second process's included).


def plain_seconds(params: dict) -> tuple[float, float, int]:
    """Wall and CPU seconds and blocks for the run with nothing attached."""
    runtime = Runtime(build(**params))
    runtime.green_flag()
    clock = Clock()
    runtime.run()
    timing = clock.read()
    return timing.wall, timing.cpu, runtime.blocks


def recorded_seconds(params: dict, path: Path, chunk_events: int) -> tuple[float, float, int]:
    """Wall and CPU seconds for the same run recorded to a file, and the events recorded."""
    project = build(**params)
    clock = Clock()
    with open(path, "wb") as sink:
        ending = record_run(
            project,
            sink,
            program="day3",
            params=params,
            slices=slices(params),
            chunk_events=chunk_events,
            engine="interpreter",  # beside the plain run above; bench_compiled_hooks.py times compiled
        )
    timing = clock.read()
    return timing.wall, timing.cpu, ending.events


def seek_times(trace: Trace, samples: int, rng: random.Random) -> list[float]:
    """Seconds to rebuild the state at random events, each from cold (no decoded chunk cached)."""
    times = []
    for _ in range(samples):
        n = rng.randrange(trace.event_count + 1)
        trace._cache.clear()
        start = time.perf_counter()
        trace.state_at(n)
        times.append(time.perf_counter() - start)
    return times


# ## A synthetic trace shaped like day3: a 4,194-item list and 60 variables


def synthetic_trace(path: Path, events: int, chunk_events: int, seed: int = 1) -> None:
    """Write a trace of `events` events: 80 % variable sets (counters and new floats), 20 % list replaces."""
    rng = np.random.default_rng(seed)
    n_vars, n_items = 60, 4194
    cells = [CellInfo("Stage", f"v{i}", f"v{i}", False) for i in range(n_vars)] + [
        CellInfo("Stage", "w", "weights", True)
    ]
    header = Header(
        FORMAT_VERSION,
        "synthetic",
        "0" * 64,
        ENGINE,
        0,
        {},
        {"chunk_events": chunk_events},
        tuple(cells),
        (BlockInfo("Stage", "b1", "data_setvariableto", None),),
    )
    variables = np.zeros(n_vars)
    weights = rng.uniform(-1, 1, n_items)
    with open(path, "wb") as sink:
        writer = TraceWriter(sink, header)
        writer.tables(
            threads=[ThreadInfo("Stage", "hat")],
            sites=[Site(0, 0, i, SET) for i in range(n_vars)] + [Site(0, 0, n_vars, REPLACE)],
        )
        writer.snapshot(0, dict(enumerate(variables.tolist())), {n_vars: weights.tolist()})
        step = 0
        for first in range(0, events, chunk_events):
            n = min(chunk_events, events - first)
            sites = np.where(rng.random(n) < 0.8, rng.integers(0, n_vars, n), n_vars)
            counters = rng.random(n) < 0.5
            values = np.where(counters, rng.integers(0, 200, n).astype(float), rng.normal(0, 1, n))
            is_list = sites == n_vars
            items = rng.integers(1, n_items + 1, int(is_list.sum()))
            steps = step + np.cumsum(rng.integers(1, 20, n))
            step = int(steps[-1])
            writer.events_chunk(sites, steps, items.tolist(), ValueColumns.of(values.tolist()))
            variables[sites[~is_list]] = values[
                ~is_list
            ]  # later writes win, as replay applies them
            weights[items - 1] = values[is_list]
            writer.snapshot(step, dict(enumerate(variables.tolist())), {n_vars: weights.tolist()})
        writer.end(Ending(events, step, True, "finished"))


def main() -> None:
    """Print the three figures with their targets."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--variant", default="buggy")
    parser.add_argument("--train", type=int, default=600)
    parser.add_argument("--test", type=int, default=100)
    parser.add_argument(
        "--events", type=int, default=10_000_000, help="events in the synthetic trace"
    )
    parser.add_argument("--chunk-events", type=int, default=DEFAULT_CHUNK_EVENTS)
    parser.add_argument("--seeks", type=int, default=50)
    args = parser.parse_args()
    params = {"variant": args.variant, "epochs": 1, "train": args.train, "test": args.test}
    rng = random.Random(0)
    with tempfile.TemporaryDirectory() as tmp:
        day3_path, synth_path = Path(tmp) / "day3.trace", Path(tmp) / "synthetic.trace"
        base, base_cpu, blocks = plain_seconds(params)
        recorded, recorded_cpu, events = recorded_seconds(params, day3_path, args.chunk_events)
        size = os.path.getsize(day3_path)
        print(
            f"day3 {args.variant}, 1 epoch, {args.train} train / {args.test} test samples: {blocks:,} blocks, "
            f"{events:,} events, chunk of {args.chunk_events:,} events"
        )
        print(f"  plain run          {base:7.2f} s wall  {base_cpu:7.2f} s CPU")
        print(
            f"  recorded run       {recorded:7.2f} s wall  {recorded_cpu:7.2f} s CPU   "
            f"{recorded / base:4.2f}x wall, {recorded_cpu / base_cpu:4.2f}x CPU   (target <= 1.5x)"
        )
        print(
            f"  trace file         {size:,} bytes = {size / events:.2f} bytes per event   (target <= 4)"
        )
        start = time.perf_counter()
        trace = Trace.open(day3_path)
        opened = time.perf_counter() - start
        times = seek_times(trace, args.seeks, rng)
        print(
            f"  open {opened * 1000:.0f} ms; state at a random event: median {statistics.median(times) * 1000:.0f} ms, "
            f"max {max(times) * 1000:.0f} ms over {args.seeks} seeks"
        )
        start = time.perf_counter()
        synthetic_trace(synth_path, args.events, args.chunk_events)
        made = time.perf_counter() - start
        start = time.perf_counter()
        trace = Trace.open(synth_path)
        opened = time.perf_counter() - start
        times = seek_times(trace, args.seeks, rng)
        print(
            f"synthetic trace: {trace.event_count:,} events, {os.path.getsize(synth_path):,} bytes "
            f"(written in {made:.1f} s, opened in {opened * 1000:.0f} ms)"
        )
        print(
            f"  state at a random event: median {statistics.median(times) * 1000:.0f} ms, "
            f"max {max(times) * 1000:.0f} ms over {args.seeks} seeks   (target <= 100 ms)"
        )


if __name__ == "__main__":
    main()
