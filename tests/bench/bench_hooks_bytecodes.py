"""Benchmark: the bytecodes a day3 training sample runs with hooks attached (findings, recording) beside a plain compiled run, counted, not timed."""

from __future__ import annotations

import argparse
import io
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from with_findings import findings_runtime  # beside this script

from emulator.programs.day3_mlp import build
from emulator.project import Project
from emulator.runtime.runtime import Runtime
from emulator.trace.recorder import record_run

# A run's bytecodes by where they ran: the generated code (whose files are named "<scratch ...>"),
# or a function of the emulator's own.
Counts = Counter[str]


@contextmanager
def counting(counts: Counts) -> Iterator[None]:
    """Count every bytecode this thread runs meanwhile (sys.settrace's opcode events)."""

    def trace(frame: FrameType, event: str, arg: Any) -> Callable[..., Any]:
        frame.f_trace_opcodes, frame.f_trace_lines = True, False
        code = frame.f_code
        where = "generated" if code.co_filename.startswith("<") else code.co_name

        def each(frame: FrameType, event: str, arg: Any) -> Callable[..., Any]:
            if event == "opcode":
                counts[where] += 1
            return each

        return each

    sys.settrace(trace)
    try:
        yield
    finally:
        sys.settrace(None)


def plain(project: Project) -> Counts:
    """The run with nothing attached, from the green flag to its end."""
    counts: Counts = Counter()
    runtime = Runtime(project, engine="compiled")
    runtime.green_flag()
    with counting(counts):
        runtime.run()
    return counts


def findings(project: Project) -> Counts:
    """The run with the debugger's findings attached, counting coverage from the start."""
    counts: Counts = Counter()
    runtime = findings_runtime(project)
    runtime.green_flag()
    with counting(counts):
        runtime.run()
    return counts


def recorded(project: Project) -> Counts:
    """The run recorded to a trace in memory, the recording's own thread (not its second
    process), from the green flag to the end of the run."""
    counts: Counts = Counter()

    @contextmanager
    def progress(runtime: Runtime) -> Iterator[None]:
        with counting(counts):
            yield

    record_run(project, io.BytesIO(), program="day3", engine="compiled", progress=progress)
    return counts


def per_sample(case: Callable[[Project], Counts], train: int) -> Counts:
    """A training sample's bytecodes: a run of 2 * train samples less one of train (the start,
    the test samples and the end alike in both), divided by train."""
    runs = [case(build(variant="buggy", epochs=1, train=n, test=1)) for n in (train, 2 * train)]
    return Counter({k: round((runs[1][k] - runs[0][k]) / train) for k in runs[1]})


def main() -> None:
    """Print each case's bytecodes a training sample, in the generated code and in all, and
    their ratios to the plain run's: unlike time, the same on every machine and in every hour.
    A trace sees each bytecode as written, not as CPython specialises and fuses them as it runs:
    a change that trades two loads and a compare for a flag's test and a long jump counts fewer
    here and may cost the same (bench_hooks_instructions.py counts instructions)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--train", type=int, default=2, help="samples of the shorter run")
    args = parser.parse_args()
    print(f"day3 buggy, bytecodes a training sample ({2 * args.train} less {args.train} samples):")
    base = per_sample(plain, args.train)
    for name, case in (("plain", plain), ("findings (explain)", findings), ("recorded", recorded)):
        counts = base if case is plain else per_sample(case, args.train)
        total, generated = counts.total(), counts["generated"]
        ratio = f"  {total / base.total():4.2f}x, generated {generated / base['generated']:4.2f}x"
        print(f"  {name:<19} {total:>10,} ({generated:,} generated){ratio}")


if __name__ == "__main__":
    main()
