"""Benchmark: the instructions and mispredicted branches a day3 training sample costs with hooks attached (findings, recording) beside a plain compiled run, counted by callgrind, not timed."""

from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from with_findings import findings_runtime  # beside this script

from emulator.programs.day3_mlp import build
from emulator.runtime.runtime import Runtime
from emulator.trace.recorder import record_run

# callgrind's events with --branch-sim=yes: instructions, conditional branches and their
# mispredictions, indirect jumps (CPython dispatches each bytecode through one) and theirs.
EVENTS = ("Ir", "Bc", "Bcm", "Bi", "Bim")
SHOWN = {"Ir": "instructions", "Bcm": "conditional missed", "Bim": "indirect missed"}
CASES = ("plain", "findings", "recorded")


def run_case(case: str, train: int) -> None:
    """Run day3 buggy with `train` training samples and one test sample, as the case has it:
    plain, with the debugger's findings attached, or recorded to a trace in memory."""
    project = build(variant="buggy", epochs=1, train=train, test=1)
    if case == "recorded":
        record_run(project, io.BytesIO(), program="day3", engine="compiled")
        return
    runtime = (
        findings_runtime(project) if case == "findings" else Runtime(project, engine="compiled")
    )
    runtime.green_flag()
    runtime.run()


def counted(case: str, train: int, folder: Path) -> dict[str, int]:
    """callgrind's totals for one process running the case (its second process, a recording's
    writer, not followed)."""
    out = folder / f"{case}.{train}.out"
    env = {**os.environ, "PYTHONHASHSEED": "0", "OPENBLAS_NUM_THREADS": "1"}
    command = [
        "valgrind",
        "--tool=callgrind",
        "--branch-sim=yes",
        f"--callgrind-out-file={out}",
        sys.executable,
        __file__,
        "--run",
        case,
        str(train),
    ]
    subprocess.run(command, env=env, check=True, capture_output=True)
    for line in out.read_text().splitlines():
        if line.startswith("summary:"):
            print(f"  counted: {case}, {train} training samples", flush=True)
            return dict(zip(EVENTS, map(int, line.split()[1:]), strict=True))
    raise RuntimeError(f"callgrind wrote no summary for {case} ({train} samples)")


def main() -> None:
    """Count each case at two sizes, two processes at a time, and print what a training sample
    adds (the larger run less the smaller, divided by the samples between), with each event's
    ratio to the plain run's. Unlike time, the same on every machine and in every hour."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--train", type=int, nargs=2, default=(2, 8), metavar=("FEW", "MORE"))
    parser.add_argument("--run", nargs=2, help=argparse.SUPPRESS)  # one case's run, under valgrind
    args = parser.parse_args()
    if args.run is not None:
        run_case(args.run[0], int(args.run[1]))
        return
    if shutil.which("valgrind") is None:
        sys.exit("bench_hooks_instructions: valgrind is not installed (it counts the instructions)")
    few, more = args.train
    print(f"day3 buggy, a training sample counted by callgrind ({more} less {few} samples):")
    runs = [(case, n) for case in CASES for n in (few, more)]
    with tempfile.TemporaryDirectory() as folder, ThreadPoolExecutor(os.cpu_count() or 1) as pool:
        counts = pool.map(lambda run: counted(run[0], run[1], Path(folder)), runs)
        totals = dict(zip(runs, counts, strict=True))
    per_sample = {
        case: {e: (totals[case, more][e] - totals[case, few][e]) / (more - few) for e in EVENTS}
        for case in CASES
    }
    base = per_sample["plain"]
    print("  " + " " * 10 + "".join(f"{name:>23}" for name in SHOWN.values()))
    for case in CASES:
        cells = [
            f"{per_sample[case][e] / 1e6:13.3f} M  {per_sample[case][e] / base[e]:4.2f}x"
            for e in SHOWN
        ]
        print(f"  {case:<10}" + "".join(cells))


if __name__ == "__main__":
    main()
