"""`explain` and `debug`: run a target under the debugger, then report in text or open the inspector."""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from emulator.cli.exits import EXIT_RUN_STOPPED
from emulator.cli.inputs import add_input_options, device_options
from emulator.cli.targets import (
    add_engine,
    add_run_options,
    add_target,
    assets_of,
    chosen_engine,
    load,
)
from emulator.errors import InputFileError
from emulator.loading import PROJECT_SUFFIXES
from emulator.program import Mark, ProgramSpec
from emulator.progress import RunProgress
from emulator.project import Project

if TYPE_CHECKING:
    from emulator.debug.session import DebugSession


def register(sub: Any) -> None:
    """Add `explain` and `debug` to the subcommands."""
    explain = sub.add_parser("explain", help="run under the debugger and explain what went wrong")
    explain.add_argument(
        "--json", action="store_true", help="print the findings as one JSON object"
    )
    explain.add_argument(
        "--loss",
        metavar="VAR",
        help="the variable a sample's loss is stored (or summed) in: check the gradients by "
        "nudging slice items and re-running the forward pass (default: the program's own)",
    )
    _add_session_options(explain)
    add_engine(explain)
    explain.set_defaults(handler=cmd_explain)
    debug = sub.add_parser(
        "debug", help="open the terminal inspector (Textual) on a program or project"
    )
    _add_session_options(debug)
    add_engine(debug)
    debug.add_argument(
        "--explain",
        action="store_true",
        help="open on the story: run to the first bad list access and on to the end of that sample",
    )
    debug.set_defaults(handler=cmd_debug)


def _add_session_options(parser: argparse.ArgumentParser) -> None:
    """TARGET and the options of a debugger session (explain, debug)."""
    add_target(parser)
    parser.add_argument(
        "--slice",
        action="append",
        default=[],
        metavar="LIST:START-END[:SHAPE][:NAME]",
        help="name a slice of a list, e.g. weights:1-3920:196x20:W1 (repeatable)",
    )
    parser.add_argument(
        "--mark",
        metavar="VAR=VALUE",
        help="count changes and coverage from when VAR (a stage variable) equals VALUE",
    )
    add_run_options(parser)
    add_input_options(parser)


def cmd_explain(args: argparse.Namespace, extra: list[str]) -> int:
    """scratch-emu explain TARGET."""
    from emulator.debug.explain import explain, render_text

    session = _session(args, extra)
    if args.loss is not None:
        _check_names(session, variables=(args.loss,), what="--loss")
    program = session.program
    line = program.progress_for(session.params) if program is not None else None
    with RunProgress(session.runtime, line):
        report = explain(session, args.loss)
    print(json.dumps(report.to_json(), indent=1, default=str) if args.json else render_text(report))
    return EXIT_RUN_STOPPED if report.stopped else 0


def cmd_debug(args: argparse.Namespace, extra: list[str]) -> int:
    """scratch-emu debug TARGET."""
    if not sys.stdout.isatty():
        # The inspector draws full-screen; into a pipe or a file it would only write escape codes.
        raise InputFileError(
            "debug needs a terminal, and the output is not one; "
            f"`scratch-emu explain {shlex.quote(args.target)}` prints a report instead"
        )
    from emulator.tui.live.app import run_app

    run_app(_session(args, extra), guided=args.explain)
    return 0


def _session(args: argparse.Namespace, extra: list[str]) -> DebugSession:
    from emulator.debug.session import DebugSession
    from emulator.slices import parse_slice

    try:
        slices = [parse_slice(text) for text in args.slice]
    except ValueError as exc:
        raise InputFileError(str(exc)) from exc
    defaults = _explain_defaults if args.command == "explain" else None
    loaded = load(args.target, f"scratch-emu {args.command} {args.target}", extra, defaults)
    session = DebugSession(
        loaded.project,
        loaded.params,
        program=loaded.program,
        seed=args.seed,
        turbo=args.turbo,
        answers=tuple(args.answer),
        slices=slices,
        mark=_mark(args.mark),
        max_steps=args.max_steps,
        devices=device_options(loaded, args),
        engine=chosen_engine(args),
        # The inspector pauses: its compiled code hands a thread to the interpreter where it may.
        pausable=args.command == "debug",
        assets=assets_of(args.target) if args.command == "debug" else None,
    )
    if args.mark is not None and session.mark is not None:
        _check_names(session, stage_variables=(session.mark.variable,), what="--mark")
    _check_names(session, lists=tuple(s.list_name for s in slices), what="--slice")
    if loaded.program is not None or loaded.name.lower().endswith(PROJECT_SUFFIXES):
        session.reload = lambda: _reload(args, extra)
    return session


def _reload(args: argparse.Namespace, extra: list[str]) -> tuple[Project, ProgramSpec | None]:
    """The target built or loaded again from its file, with the same program options."""
    defaults = _explain_defaults if args.command == "explain" else None
    again = load(args.target, f"scratch-emu {args.command} {args.target}", extra, defaults)
    return again.project, again.program


def _check_names(
    session: DebugSession,
    *,
    variables: tuple[str, ...] = (),
    stage_variables: tuple[str, ...] = (),
    lists: tuple[str, ...] = (),
    what: str,
) -> None:
    """A name given on the command line that the project does not have is an error naming it."""
    targets = session.runtime.targets
    stage = session.runtime.stage
    for name in variables:
        if not any(t.find_variable(None, name) for t in targets):
            raise InputFileError(f"{what}: the project has no variable called {name!r}")
    for name in stage_variables:
        if stage.find_variable(None, name) is None:
            raise InputFileError(f"{what}: the project has no stage variable called {name!r}")
    for name in lists:
        if not any(t.find_list(None, name) for t in targets):
            raise InputFileError(f"{what}: the project has no list called {name!r}")


def _explain_defaults(program: ProgramSpec) -> Mapping[str, Any]:
    return program.explain_defaults


def _mark(text: str | None) -> Mark | None:
    if text is None:
        return None
    if "=" not in text:
        raise InputFileError(f"--mark wants VAR=VALUE, got {text!r}")
    name, value = text.split("=", 1)
    return Mark(name, value)
