"""Benchmark: the interpreter and the compiled engine on a numeric loop (a 4,000-item dot product, 200 times)."""

from __future__ import annotations

import argparse
import time

from emulator.cli.bench_cases import dot_product_program
from emulator.runtime.runtime import Runtime

ENGINES = ("interpreter", "compiled")


def measure(size: int, rounds: int, warp: bool, turbo: bool, engine: str) -> tuple[int, float]:
    """(blocks executed, seconds) for one run; compiling happens before the clock starts."""
    runtime = Runtime(dot_product_program(size, rounds, warp), turbo=turbo, engine=engine)
    runtime.green_flag()
    start = time.perf_counter()
    runtime.run()
    return runtime.blocks, time.perf_counter() - start


def main() -> None:
    """Print blocks per second for the dot-product loop, in warp and without, for each engine."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=4000)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--engine", choices=ENGINES, action="append", help="default: both")
    args = parser.parse_args()
    engines = args.engine or list(ENGINES)
    for warp in (True, False):
        mode = "warp custom block" if warp else "no warp (yield per iteration)"
        runs: dict[str, list[tuple[int, float]]] = {engine: [] for engine in engines}
        for _ in range(args.repeats):
            for engine in engines:  # engines take turns, so a busy machine slows each alike
                runs[engine].append(measure(args.size, args.rounds, warp, True, engine))
        rates = {}
        for engine, results in runs.items():
            blocks, seconds = sorted(results, key=lambda r: r[1])[len(results) // 2]
            rates[engine] = blocks / seconds
            print(
                f"dot product {args.size} x {args.rounds}, {mode}, {engine}: {blocks:,} blocks "
                f"in {seconds:.3f} s = {rates[engine] / 1e6:.2f} M blocks/s (median of {args.repeats})"
            )
        if len(rates) == 2:
            print(f"  compiled / interpreter: {rates['compiled'] / rates['interpreter']:.1f}x")


if __name__ == "__main__":
    main()
