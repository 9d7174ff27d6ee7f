"""Benchmark: what hooks cost compiled code (the debugger's findings, the trace recorder) beside a plain compiled run."""

from __future__ import annotations

import argparse
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from clock import Clock, Timing  # beside this script

from emulator.debug.findings import Findings
from emulator.programs.day3_mlp import build
from emulator.project import Project
from emulator.runtime.hooks import RunHooks
from emulator.runtime.runtime import Runtime
from emulator.trace.recorder import record_run


def timed_run(runtime: Runtime) -> Timing:
    """A runtime's run from the green flag to its end (starting and compiling not included)."""
    runtime.green_flag()
    clock = Clock()
    runtime.run()
    return clock.read()


def plain(project: Project, engine: str) -> tuple[Timing, int]:
    """The run with nothing attached, and its blocks."""
    runtime = Runtime(project, engine=engine)
    return timed_run(runtime), runtime.blocks


class Silent(RunHooks):
    """Hooks that hear nothing and do nothing: what the hooked code costs by itself."""

    reported_writes: frozenset[str] = frozenset()
    hears_read_misses = False


def silent(project: Project, engine: str) -> Timing:
    """The run with hooks attached whose every method does nothing."""
    return timed_run(Runtime(project, engine=engine, hooks=Silent()))


def findings(project: Project, engine: str) -> Timing:
    """The run with the debugger's findings attached, counting coverage from the start."""
    hooks = Findings(list(project.targets))
    runtime = Runtime(project, engine=engine, hooks=hooks)
    hooks.block_count = lambda: runtime.blocks
    hooks.start_coverage()
    return timed_run(runtime)


def recorded(project: Project, engine: str) -> Timing:
    """The run recorded to a trace in memory, from the green flag to the trace's end: the span
    the other rows time (starting, compiling and the trace's header not included)."""
    clocks: list[Clock] = []

    @contextmanager
    def clock(runtime: Runtime) -> Iterator[None]:
        clocks.append(Clock())
        yield

    record_run(project, io.BytesIO(), program="day3", engine=engine, progress=clock)
    return clocks[0].read()


def best(repeats: int, measure: Callable[[], Timing]) -> Timing:
    """The measurement with the least wall-clock time of `repeats`."""
    return min((measure() for _ in range(repeats)), key=lambda t: t.wall)


def main() -> None:
    """Print each timing and its ratio to the plain run of the same engine."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--train", type=int, default=60)
    parser.add_argument("--test", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--compiled-only", action="store_true", help="leave out the interpreter")
    args = parser.parse_args()
    project = build(variant="buggy", epochs=1, train=args.train, test=args.test)
    print(f"day3 buggy, {args.train} train / {args.test} test samples (best of {args.repeats}):")
    engines = ("compiled", "interpreter") if not args.compiled_only else ("compiled",)
    for engine in engines:
        base, blocks = min(
            (plain(project, engine) for _ in range(args.repeats)), key=lambda r: r[0]
        )
        rows = {
            "hooks doing nothing": best(args.repeats, lambda e=engine: silent(project, e)),  # type: ignore[misc]
            "findings (explain)": best(args.repeats, lambda e=engine: findings(project, e)),  # type: ignore[misc]
            "recorded (record)": best(args.repeats, lambda e=engine: recorded(project, e)),  # type: ignore[misc]
        }
        print(
            f"  {engine:<11} {'plain':<19} {base.wall:6.2f} s wall {base.cpu:6.2f} s CPU"
            f"  {blocks / base.wall / 1e6:5.2f} M blocks/s"
        )
        for name, t in rows.items():
            print(
                f"  {engine:<11} {name:<19} {t.wall:6.2f} s wall {t.cpu:6.2f} s CPU"
                f"  {t.wall / base.wall:4.2f}x wall, {t.cpu / base.cpu:4.2f}x CPU"
            )


if __name__ == "__main__":
    main()
