"""What every subcommand that runs something shares: TARGET, the program's own options, the run options."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from emulator.cli.argtypes import OneLineParser, positive_int
from emulator.errors import InputFileError
from emulator.loading import build_target, find_program
from emulator.program import ProgramSpec
from emulator.project import Project
from emulator.runtime.runtime import ENGINES


@dataclass(frozen=True)
class Loaded:
    """A target resolved once: its project, the program that built it (None for a file), its options."""

    name: str
    project: Project
    program: ProgramSpec | None
    params: dict[str, Any]


def add_target(parser: argparse.ArgumentParser) -> None:
    """The TARGET argument."""
    parser.add_argument(
        "target",
        metavar="TARGET",
        help="an installed program's name, a .py file, an .sb3 or a project.json",
    )


def add_run_options(parser: argparse.ArgumentParser) -> None:
    """--seed, --answer, --turbo and --max-steps: how a run is set up and bounded."""
    parser.add_argument(
        "--max-steps",
        type=positive_int,
        metavar="N",
        help="stop after N blocks, or after N frames (a frame is 1/30 s of virtual time) of waiting",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of 'pick random' (default 0)")
    parser.add_argument(
        "--answer",
        action="append",
        default=[],
        metavar="TEXT",
        help="an answer for 'ask and wait' (repeat for several)",
    )
    parser.add_argument(
        "--turbo",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="turbo mode: redraws do not end a frame (default: off, as in the editor)",
    )


def add_engine(parser: argparse.ArgumentParser) -> None:
    """--engine: compiled (the default) or interpreter."""
    parser.add_argument(
        "--engine",
        choices=ENGINES,
        help="run the blocks as generated Python (compiled) or one by one (interpreter); both "
        "compute the same, block for block (default: compiled; the interpreter for --max-steps)",
    )


def chosen_engine(args: argparse.Namespace) -> str:
    """The engine a run uses: compiled unless asked otherwise or bounded by --max-steps.

    Compiled code counts blocks in batches, so it cannot stop before a given block: a step limit
    runs the interpreter, and says so when the compiled engine was asked for by name.
    """
    if args.max_steps is None:
        return str(args.engine or "compiled")
    if args.engine == "compiled":
        print(
            "scratch-emu: --max-steps counts blocks one by one: running the interpreter",
            file=sys.stderr,
        )
    return "interpreter"


def load(
    target: str,
    prog: str,
    extra: list[str],
    defaults: Callable[[ProgramSpec], Mapping[str, Any]] | None = None,
) -> Loaded:
    """Find the target, parse its program's options from the words after it, and build or load it.

    `defaults` gives option defaults of the command's own from the program (explain's smaller run).
    """
    program = find_program(target)
    own = defaults(program) if program is not None and defaults is not None else None
    params = program_options(program, target, prog, extra, own)
    return Loaded(target, build_target(target, program, params), program, params)


def program_options(
    program: ProgramSpec | None,
    target: str,
    prog: str,
    extra: list[str],
    defaults: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A program's own options from the words after its name (a bad or unknown one is bad input)."""
    parser = OneLineParser(prog=prog, add_help=False)
    if program is not None and program.add_arguments is not None:
        program.add_arguments(parser)
    if defaults:
        known = {action.dest for action in parser._actions}
        parser.set_defaults(**{k: v for k, v in defaults.items() if k in known})
    params, unknown = parser.parse_known_args(extra)
    if unknown:
        raise InputFileError(f"unknown option(s) for {target}: {' '.join(unknown)}")
    return vars(params)


def no_extra(args: argparse.Namespace, extra: list[str]) -> None:
    """Refuse words a command without program options was given."""
    if extra:
        raise InputFileError(f"{args.command}: unknown option(s) {' '.join(extra)}")


def assets_of(target: str) -> dict[str, bytes]:
    """The costume and sound files of a target that is an .sb3 (kept byte for byte); {} otherwise."""
    from emulator.sb3 import load_assets

    path = Path(target)
    return load_assets(path) if path.suffix != ".py" and path.is_file() else {}
