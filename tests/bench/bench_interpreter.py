"""Benchmark: the interpreter's speed on a numeric loop (dot product of two 4,000-item lists, 200 times)."""

from __future__ import annotations

import argparse
import time

from emulator.dsl import Program, repeat
from emulator.project import Project
from emulator.runtime.runtime import Runtime


def dot_product_program(size: int, rounds: int, warp: bool) -> Project:
    """A sprite fills two lists, then sums their products `rounds` times in a custom block."""
    prog = Program("dot_product")
    stage = prog.stage
    a, b = stage.list("a"), stage.list("b")
    i, total = stage.var("i", 0), stage.var("total", 0)
    sprite = prog.sprite("Bench")
    dot = sprite.procedure("dot", warp=warp)
    with dot.define():
        total.set(0)
        i.set(1)
        with repeat(a.length()):
            total.change(a[i] * b[i])
            i.change(1)
    with sprite.when_flag_clicked():
        i.set(1)
        with repeat(size):
            a.add(i * 0.5)
            b.add(i - 3)
            i.change(1)
        with repeat(rounds):
            dot()
    return prog.build()


def measure(size: int, rounds: int, warp: bool, turbo: bool) -> tuple[int, float]:
    """(blocks executed, seconds) for one run."""
    runtime = Runtime(dot_product_program(size, rounds, warp), turbo=turbo)
    runtime.green_flag()
    start = time.perf_counter()
    runtime.run()
    return runtime.blocks, time.perf_counter() - start


def main() -> None:
    """Print blocks per second for the dot-product loop, in warp and without."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=4000)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    for warp in (True, False):
        best = min(
            (measure(args.size, args.rounds, warp, turbo=True) for _ in range(args.repeats)),
            key=lambda r: r[1],
        )
        blocks, seconds = best
        mode = "warp custom block" if warp else "no warp (yield per iteration)"
        print(
            f"dot product {args.size} x {args.rounds}, {mode}: {blocks:,} blocks in {seconds:.2f} s "
            f"= {blocks / seconds / 1e6:.2f} M blocks/s (best of {args.repeats})"
        )


if __name__ == "__main__":
    main()
