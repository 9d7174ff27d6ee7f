"""`scratch-emu bench`: the interpreter, the compiled engine, the official VM and NumPy, timed on the same programs."""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from emulator.cli import bench_report
from emulator.cli.argtypes import finite_positive_float, positive_int
from emulator.cli.bench_runs import (
    CONFORMANCE_DIR,
    Timing,
    engine_command,
    timed,
    vm_command,
    vm_unavailable,
    worker,
)
from emulator.cli.targets import no_extra, program_options
from emulator.errors import InputFileError
from emulator.loading import find_program
from emulator.program import ProgramSpec
from emulator.project import Project
from emulator.runtime.runtime import ENGINES, Runtime
from emulator.runtime.state import lists_by_name, snapshot
from emulator.sb3 import load_project, save_sb3

if TYPE_CHECKING:
    from emulator.cli.bench_cases import Sizes

# Case (c) is a program taken by name through the program interface, like `run NAME`; this is the
# only place bench names one, as the default of --program.
DEFAULT_PROGRAM = "day3"
QUICK_SCALE = 0.01


@dataclass(frozen=True)
class Case:
    """A project to time under every engine, exported once to the .sb3 every engine runs."""

    name: str
    sb3: Path
    reference: Callable[[], float] | None = None  # NumPy's seconds for the same work, when known


def register(sub: Any) -> None:
    """Add `bench` to the subcommands."""
    bench = sub.add_parser(
        "bench",
        help="time the interpreter, the compiled engine, the official VM and NumPy side by side",
        description="Time a dot product, the Leibniz pi loop and a program (default "
        f"{DEFAULT_PROGRAM}, at the sizes it declares for benchmarks) under each engine, each run "
        "in a fresh process; the program's own options follow the command's.",
    )
    bench.add_argument("--json", action="store_true", help="print the figures as JSON")
    bench.add_argument(
        "--quick",
        action="store_true",
        help="a reduced form: small sizes, one repetition, and the official VM counts blocks in "
        "its timed run instead of in a run of its own",
    )
    bench.add_argument(
        "--scale",
        type=finite_positive_float,
        help=f"loop counts of the dot product and pi times SCALE (default 1, {QUICK_SCALE:g} with --quick)",
    )
    bench.add_argument(
        "--repeat",
        type=positive_int,
        metavar="N",
        help="runs per engine and case, engines taking turns; medians are shown (default 3, 1 with --quick)",
    )
    bench.add_argument(
        "--program",
        default=DEFAULT_PROGRAM,
        metavar="NAME",
        help="the program timed beside them: an installed name, a .py file, an .sb3 or a project.json "
        f"(default {DEFAULT_PROGRAM})",
    )
    bench.add_argument("--seed", type=int, default=0, help="seed of 'pick random' (default 0)")
    bench.add_argument(
        "--vm-dir",
        type=Path,
        default=CONFORMANCE_DIR,
        metavar="DIR",
        help="where the official VM is installed (default: this checkout's tests/conformance)",
    )
    bench.add_argument("--no-vm", action="store_true", help="leave the official VM out")
    bench.add_argument("--worker", nargs=2, metavar=("ENGINE", "FILE"), help=argparse.SUPPRESS)
    bench.set_defaults(handler=cmd_bench)


def cmd_bench(args: argparse.Namespace, extra: list[str]) -> int:
    """scratch-emu bench [--json] [--quick] [--repeat N] [--program NAME [its options]]."""
    if args.worker:
        no_extra(args, extra)
        engine, sb3 = args.worker
        if engine not in ENGINES:
            raise InputFileError(f"--worker: engine is one of {', '.join(ENGINES)}")
        return worker(engine, sb3, args.seed)
    repeat = args.repeat or (1 if args.quick else 3)
    scale = args.scale if args.scale is not None else (QUICK_SCALE if args.quick else 1.0)
    vm_dir: Path = args.vm_dir
    absent = "left out (--no-vm)" if args.no_vm else vm_unavailable(vm_dir)
    if absent is not None:
        print(f"bench: official VM rows skipped: {absent}", file=sys.stderr)
    from emulator.cli.bench_cases import Sizes  # the DSL: not for --worker, whose start is timed

    rows: list[bench_report.Row] = []
    with tempfile.TemporaryDirectory(prefix="scratch-emu-bench-") as folder:
        for case in _cases(args, extra, Path(folder), Sizes().scaled(scale)):
            rows += _time_case(
                case, args.seed, repeat, None if absent else vm_dir, count_apart=not args.quick
            )
    ratios = bench_report.ratios(rows)
    if args.json:
        print(json.dumps(bench_report.as_json(rows, ratios, repeat, absent), indent=1))
    else:
        print(bench_report.table(rows, ratios, repeat, absent))
    return 0


# ## The cases


def _cases(args: argparse.Namespace, extra: list[str], folder: Path, sizes: Sizes) -> list[Case]:
    from emulator.cli.bench_cases import dot_product_program, pi_program

    return [
        _case(
            f"dot product {sizes.dot_size} x {sizes.dot_rounds}",
            dot_product_program(sizes.dot_size, sizes.dot_rounds),
            folder / "dot.sb3",
        ),
        _case(f"pi, {sizes.pi_terms:,} terms", pi_program(sizes.pi_terms), folder / "pi.sb3"),
        _program_case(args, extra, folder / "program.sb3"),
    ]


def _program_case(args: argparse.Namespace, extra: list[str], sb3: Path) -> Case:
    """The program named by --program, with its options: built, or loaded from a project file."""
    program = find_program(args.program)
    if program is None:
        no_extra(args, extra)
        return _case(Path(args.program).name, load_project(args.program), sb3)
    defaults = program.explain_defaults if args.quick else program.bench_defaults
    params = program_options(program, args.program, "scratch-emu bench", extra, defaults)
    built = program.build(**params)
    name = _program_case_name(program, args.program, params)
    return _case(name, built, sb3, _reference_timer(program, params, built, args.seed))


def _case(
    name: str, project: Project, sb3: Path, reference: Callable[[], float] | None = None
) -> Case:
    save_sb3(project, sb3)
    return Case(name, sb3, reference)


def _program_case_name(program: ProgramSpec, target: str, params: dict[str, Any]) -> str:
    """The program's name and the options whose values differ from its own defaults."""
    own = program_options(program, target, "scratch-emu bench", [])
    changed = [f"{k}={v}" for k, v in params.items() if own.get(k) != v]
    return " ".join([program.name, *changed])


def _reference_timer(
    program: ProgramSpec, params: dict[str, Any], project: Project, seed: int
) -> Callable[[], float] | None:
    """NumPy's seconds for the program's run from its mark (None when it declares no reference).

    The reference starts from the lists at the mark (e.g. the initial weights), so the run to the
    mark happens first, in the interpreter, outside the clock.
    """
    mark, reference = program.mark, program.reference
    if mark is None or reference is None:
        return None

    def seconds() -> float:
        runtime = Runtime(project, seed=seed, turbo=True)
        runtime.green_flag()
        if runtime.run_until(mark.reached(runtime)) is None:
            raise InputFileError(f"{program.name} never reached its mark: nothing to compare")
        initial = lists_by_name(runtime.targets, snapshot(runtime.targets))
        start = time.perf_counter()
        reference(params, initial)
        return time.perf_counter() - start

    return seconds


# ## Timing


def _time_case(
    case: Case, seed: int, repeat: int, vm_dir: Path | None, count_apart: bool
) -> list[bench_report.Row]:
    """Every engine on one case, `repeat` times in turns (A B C A B C), so a busy machine slows each alike.

    The VM counts blocks only when asked, since counting slows it: in a run of its own, untimed, when
    `count_apart`; otherwise in its timed runs (the reduced form, where start-up dominates anyway).
    """
    commands = {engine: engine_command(engine, case.sb3, seed) for engine in ENGINES}
    vm_blocks = None
    if vm_dir is not None:
        commands["vm"] = vm_command(vm_dir, case.sb3, seed, count=not count_apart)
        if count_apart:
            _progress(case.name, "vm", "counting blocks (a run of its own, untimed)")
            vm_blocks = timed(vm_command(vm_dir, case.sb3, seed, count=True), vm_dir).blocks
    runs: dict[str, list[Timing]] = {engine: [] for engine in commands}
    numpy: list[float] = []
    for n in range(1, repeat + 1):
        for engine, command in commands.items():
            _progress(case.name, engine, f"run {n}/{repeat}")
            runs[engine].append(timed(command, vm_dir if engine == "vm" else None))
        if case.reference is not None:
            _progress(case.name, "numpy", f"run {n}/{repeat}")
            numpy.append(case.reference())
    rows = [
        _row(case.name, engine, timings, vm_blocks if engine == "vm" else None)
        for engine, timings in runs.items()
    ]
    if numpy:
        rows.append(bench_report.Row(case.name, "numpy", statistics.median(numpy), None, None))
    return rows


def _row(
    case: str, engine: str, timings: list[Timing], counted_apart: int | None
) -> bench_report.Row:
    blocks = {t.blocks for t in timings} if counted_apart is None else {counted_apart}
    return bench_report.Row(
        case,
        engine,
        statistics.median(t.seconds for t in timings),
        statistics.median(t.process_seconds for t in timings),
        blocks.pop() if len(blocks) == 1 else None,
    )


def _progress(case: str, engine: str, what: str) -> None:
    print(f"bench: {case}: {engine}, {what}", file=sys.stderr, flush=True)
