"""Benchmark: how much slower day3 runs under the debugger (hooks attached; breakpoints checked) than plain, in the interpreter; and `continue` on compiled code."""

from __future__ import annotations

import argparse
import time

from emulator.debug.session import DebugSession
from emulator.programs.day3_mlp import build
from emulator.runtime.runtime import Runtime


def plain(params: dict) -> tuple[float, int]:
    """Seconds and blocks for a run with nothing attached."""
    runtime = Runtime(build(**params))
    runtime.green_flag()
    start = time.perf_counter()
    runtime.run()
    return time.perf_counter() - start, runtime.blocks


def debugged(
    params: dict, with_breakpoint_checks: bool, engine: str = "interpreter", step: bool = False
) -> float:
    """Seconds for the same run with the debugger's hooks (and, optionally, its pause checks),
    from the start or (`step`) from a pause after the first block."""
    session = DebugSession("day3", params, start=False, engine=engine, pausable=True)
    session.runtime.green_flag()
    session.set_mark()
    if with_breakpoint_checks:
        session.toggle_breakpoint("no-such-block")
    if step:
        session.step()  # the script's thread goes on in the interpreter from here
    start = time.perf_counter()
    if with_breakpoint_checks:
        session.continue_()
    else:
        session.runtime.run_until(None)
    return time.perf_counter() - start


def main() -> None:
    """Print the timings and the ratios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--train", type=int, default=60)
    parser.add_argument("--test", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    params = {"variant": "buggy", "epochs": 1, "train": args.train, "test": args.test}
    base, blocks = min(plain(params) for _ in range(args.repeats))
    hooks = min(debugged(params, False) for _ in range(args.repeats))
    checks = min(debugged(params, True) for _ in range(args.repeats))
    compiled = min(debugged(params, True, "compiled") for _ in range(args.repeats))
    stepped = min(debugged(params, True, "compiled", step=True) for _ in range(args.repeats))
    print(
        f"day3 buggy, {args.train} train / {args.test} test samples, {blocks:,} blocks (best of {args.repeats}):"
    )
    print(
        f"  plain run                          {base:6.2f} s  {blocks / base / 1e6:5.2f} M blocks/s"
    )
    print(f"  hooks attached (explain)           {hooks:6.2f} s  {hooks / base:4.2f}x")
    print(f"  hooks + breakpoint checks (continue) {checks:4.2f} s  {checks / base:4.2f}x")
    print(
        f"  continue, compiled (debug's default)  {compiled:4.2f} s  {compiled / base:4.2f}x"
        f"  {blocks / compiled / 1e6:5.2f} M blocks/s"
    )
    print(
        f"  continue after a step, compiled      {stepped:4.2f} s  {stepped / base:4.2f}x"
        f"  {blocks / stepped / 1e6:5.2f} M blocks/s"
    )


if __name__ == "__main__":
    main()
