"""Benchmark: what hooks cost compiled code (the debugger's findings, the trace recorder) beside a plain compiled run."""

from __future__ import annotations

import argparse
import gc
import io
import statistics
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from clock import Clock, Timing  # beside this script
from with_findings import findings_runtime

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
    return timed_run(findings_runtime(project, engine))


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


def rounds(repeats: int, cases: dict[str, Callable[[], Timing]]) -> list[dict[str, Timing]]:
    """Each case timed once per round, the cases in turn within a round: a machine that slows
    down for a while slows a round's cases alike, which their ratios in that round cancel. The
    garbage a case leaves is collected before the next starts, not during it."""
    return [{name: collected(measure) for name, measure in cases.items()} for _ in range(repeats)]


def collected(measure: Callable[[], Timing]) -> Timing:
    """A measurement taken after a full garbage collection."""
    gc.collect()
    return measure()


def main() -> None:
    """Print each case's best time and its ratio to the plain run's best (a slower machine only
    adds time, so the best of each comes nearest what the code costs), and the median over rounds
    of its ratio to the plain run of the same engine in that round (with the lowest and highest
    round's: how far the machine moved them)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--train", type=int, default=60)
    parser.add_argument("--test", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--compiled-only", action="store_true", help="leave out the interpreter")
    args = parser.parse_args()
    project = build(variant="buggy", epochs=1, train=args.train, test=args.test)
    print(
        f"day3 buggy, {args.train} train / {args.test} test samples"
        f" (best of {args.repeats} rounds, the cases in turn; ratios: of the best times, then the"
        " median of the rounds', lowest-highest):"
    )
    engines = ("compiled", "interpreter") if not args.compiled_only else ("compiled",)
    blocks: list[int] = []  # of the plain runs

    def plain_run(engine: str) -> Timing:
        timing, count = plain(project, engine)
        blocks.append(count)
        return timing

    for engine in engines:
        results = rounds(
            args.repeats,
            {
                "plain": lambda e=engine: plain_run(e),  # type: ignore[misc]
                "hooks doing nothing": lambda e=engine: silent(project, e),  # type: ignore[misc]
                "findings (explain)": lambda e=engine: findings(project, e),  # type: ignore[misc]
                "recorded (record)": lambda e=engine: recorded(project, e),  # type: ignore[misc]
            },
        )
        base = min((r["plain"] for r in results), key=lambda t: t.wall)
        print(
            f"  {engine:<11} {'plain':<19} {base.wall:6.2f} s wall {base.cpu:6.2f} s CPU"
            f"  {blocks[-1] / base.wall / 1e6:5.2f} M blocks/s"
        )
        for name in list(results[0])[1:]:
            t = min((r[name] for r in results), key=lambda t: t.wall)
            walls = [r[name].wall / r["plain"].wall for r in results]
            cpu = statistics.median(r[name].cpu / r["plain"].cpu for r in results)
            own = min(r[name].thread for r in results) / min(r["plain"].thread for r in results)
            print(
                f"  {engine:<11} {name:<19} {t.wall:6.2f} s wall {t.cpu:6.2f} s CPU"
                f"  best {t.wall / base.wall:4.2f}x;"
                f" {statistics.median(walls):4.2f}x wall ({min(walls):4.2f}x-{max(walls):4.2f}x),"
                f" {cpu:4.2f}x CPU; its thread's best {own:4.2f}x"
            )


if __name__ == "__main__":
    main()
