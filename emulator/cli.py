"""The command line: parses subcommands and hands them to the library."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from importlib.metadata import entry_points
from types import ModuleType
from typing import Any, Protocol

from emulator.errors import EmulatorError, InputFileError, ProgramError
from emulator.loading import load_target, program_module, program_parser
from emulator.progress import RunProgress
from emulator.runtime.runtime import Runtime
from emulator.runtime.sequencer import StepLimitReached
from emulator.runtime.state import Say, Snapshot, snapshot
from emulator.values import bubble_text

EXIT_RUN_STOPPED = 1  # the run stopped early: an unsupported block, the step limit
EXIT_BAD_INPUT = 2  # a file or option the user gave cannot be used
EXIT_INTERRUPTED = 130  # Ctrl-C


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scratch-emu", description="Run and debug Scratch 3 programs."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run a program or project and print what it says")
    _add_target(run)
    run.add_argument(
        "--dump-state", metavar="FILE", help="write the final state as JSON to FILE (- for stdout)"
    )
    run.add_argument("--seed", type=int, default=0, help="seed of 'pick random' (default 0)")
    run.add_argument("--max-steps", type=int, metavar="N", help="stop after N blocks")
    run.add_argument(
        "--answer",
        action="append",
        default=[],
        metavar="TEXT",
        help="an answer for 'ask and wait' (repeat for several)",
    )
    run.add_argument(
        "--turbo",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="turbo mode: redraws do not end a frame (default: off, as in the editor)",
    )
    export = sub.add_parser("export", help="write a program or project as an .sb3 file")
    _add_target(export)
    export.add_argument("-o", "--output", required=True, metavar="OUT.sb3")
    explain = sub.add_parser("explain", help="run under the debugger and explain what went wrong")
    explain.add_argument(
        "--json", action="store_true", help="print the findings as one JSON object"
    )
    _add_session_options(explain)
    debug = sub.add_parser(
        "debug", help="open the terminal inspector (Textual) on a program or project"
    )
    _add_session_options(debug)
    record = sub.add_parser(
        "record", help="run a program and record every variable and list write to a trace file"
    )
    _add_target(record)
    record.add_argument("-o", "--output", required=True, metavar="OUT.trace")
    record.add_argument("--seed", type=int, default=0, help="seed of 'pick random' (default 0)")
    record.add_argument("--max-steps", type=int, metavar="N", help="stop after N blocks")
    record.add_argument("--answer", action="append", default=[], metavar="TEXT")
    record.add_argument("--turbo", action=argparse.BooleanOptionalAction, default=False)
    record.add_argument(
        "--lists", metavar="A,B", help="record only these lists (default: every list)"
    )
    record.add_argument(
        "--vars", metavar="X,Y", help="record only these variables (default: every variable)"
    )
    record.add_argument(
        "--snapshot-every",
        type=int,
        default=None,
        metavar="K",
        help="a full snapshot every K events (default 50,000)",
    )
    replay = sub.add_parser(
        "replay",
        help="open the inspector on a trace to move through time; or, with an "
        "option, print its summary, the state at an event, who wrote an item",
    )
    replay.add_argument("trace", metavar="TRACE")
    replay.add_argument(
        "--summary",
        action="store_true",
        help="print what the trace is instead of opening the inspector (the default when "
        "the output is not a terminal)",
    )
    replay.add_argument(
        "--at", type=int, metavar="N", help="print the state after N events (default: the end)"
    )
    replay.add_argument(
        "--at-step", type=int, metavar="S", help="print the state after every event up to step S"
    )
    replay.add_argument(
        "--who",
        metavar="NAME[INDEX]",
        help="who last wrote it before --at: a variable, LIST[I], LIST[A..B] or a slice name (W1)",
    )
    replay.add_argument("--events", metavar="A..B", help="print events A to B")
    diff = sub.add_parser(
        "diff", help="compare two traces, or a trace with a live run of a program"
    )
    diff.add_argument("trace", metavar="A.trace")
    diff.add_argument(
        "other",
        metavar="B.trace|TARGET",
        help="a second trace, or a program to run now (its options default to A's)",
    )
    diff.add_argument("--seed", type=int, default=None, help="seed of the live run (default: A's)")
    for name, command in extra_commands().items():
        command.add_arguments(sub.add_parser(name, help=command.HELP))
    return parser


class ExtraCommand(Protocol):
    """A subcommand another package adds through the `scratch_emu.commands` entry points."""

    HELP: str

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        """Declare the subcommand's options."""

    def run(self, args: argparse.Namespace) -> int:
        """Carry it out; the exit status."""


def extra_commands() -> dict[str, ExtraCommand]:
    """Subcommands from installed packages (the lookup tables' `lut`, for one), by name."""
    return {ep.name: ep.load() for ep in entry_points(group="scratch_emu.commands")}


def _add_session_options(parser: argparse.ArgumentParser) -> None:
    """TARGET and the options of a debugger session (explain, debug)."""
    _add_target(parser)
    parser.add_argument(
        "--slice",
        action="append",
        default=[],
        metavar="LIST:START-END[:SHAPE][:NAME]",
        help="name a slice of a list, e.g. weights:1-3920:196x20:W1 (repeatable)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of 'pick random' (default 0)")
    parser.add_argument(
        "--mark",
        metavar="VAR=VALUE",
        help="count changes and coverage from when VAR (a stage variable) equals VALUE",
    )
    parser.add_argument(
        "--answer",
        action="append",
        default=[],
        metavar="TEXT",
        help="an answer for 'ask and wait' (repeat for several)",
    )


def _add_target(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "target",
        metavar="TARGET",
        help="a program name from programs/, a .py file, an .sb3 or a project.json",
    )


def _program_params(args: argparse.Namespace, extra: list[str]) -> dict[str, Any]:
    defaults = None
    if args.command == "explain":
        defaults = getattr(program_module(args.target), "EXPLAIN_DEFAULTS", None)
    return _parse_program_options(
        args.target, f"scratch-emu {args.command} {args.target}", extra, defaults
    )


def _parse_program_options(
    target: str, prog: str, extra: list[str], defaults: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A program's own options from the words after its name (unknown words are bad input)."""
    parser = program_parser(program_module(target), prog)
    if defaults:
        known = {action.dest for action in parser._actions}
        parser.set_defaults(**{k: v for k, v in defaults.items() if k in known})
    try:
        params, unknown = parser.parse_known_args(extra)
    except SystemExit as exc:
        raise InputFileError(f"{target}: bad program options {' '.join(extra)}") from exc
    if unknown:
        raise InputFileError(f"unknown option(s) for {target}: {' '.join(unknown)}")
    return vars(params)


def cmd_run(args: argparse.Namespace, extra: list[str]) -> int:
    """scratch-emu run TARGET."""
    params = _program_params(args, extra)
    project, module = load_target(args.target, params)
    runtime = Runtime(project, seed=args.seed, turbo=args.turbo, answers=args.answer)
    out = sys.stderr if args.dump_state == "-" else sys.stdout

    def show(say: Say) -> None:
        text = bubble_text(say.text)
        if text:
            print(text, file=out, flush=True)

    runtime.on_say = show
    runtime.green_flag()
    status, marked = 0, None
    program_progress = getattr(module, "progress", None)
    with RunProgress(
        runtime, (lambda rt: program_progress(rt, params)) if program_progress else None
    ) as shown:
        try:
            marked = _run_to_mark(runtime, module, args.max_steps)
            runtime.run(max_blocks=args.max_steps)
        except StepLimitReached as exc:
            print(f"scratch-emu: {exc}", file=sys.stderr)
            status = EXIT_RUN_STOPPED
    summary = getattr(module, "summary", None)
    if summary is not None:
        print(summary(runtime, marked, params), file=out)
        print(
            f"emulator: {runtime.blocks:,} blocks in {shown.seconds:.1f} s "
            f"({runtime.blocks / max(shown.seconds, 1e-9) / 1e6:.2f} M blocks/s)",
            file=out,
        )
    if args.dump_state:
        _write_state(runtime, args.dump_state)
    return status


def _run_to_mark(
    runtime: Runtime, module: ModuleType | None, max_steps: int | None
) -> Snapshot | None:
    """Run to the program's mark (e.g. the start of training) and snapshot the state there."""
    if module is None or not hasattr(module, "mark"):
        return None
    if runtime.run_until(module.mark(runtime), max_steps) is None:
        return None
    return snapshot(runtime.targets)


def _write_state(runtime: Runtime, dest: str) -> None:
    from emulator.state_json import dump_state

    text = json.dumps(dump_state(runtime), ensure_ascii=False, indent=1)
    if dest == "-":
        print(text)
        return
    try:
        with open(dest, "w", encoding="utf-8") as f:
            f.write(text + "\n")
    except OSError as exc:
        raise InputFileError(f"{dest}: cannot write the state: {exc.strerror}") from exc


def cmd_export(args: argparse.Namespace, extra: list[str]) -> int:
    """scratch-emu export TARGET -o OUT.sb3."""
    from emulator.sb3 import save_sb3

    project, _ = load_target(args.target, _program_params(args, extra))
    try:
        save_sb3(project, args.output)
    except OSError as exc:
        raise InputFileError(f"{args.output}: cannot write: {exc.strerror}") from exc
    print(f"wrote {args.output}")
    return 0


def cmd_explain(args: argparse.Namespace, extra: list[str]) -> int:
    """scratch-emu explain TARGET."""
    from emulator.debug.explain import explain, render_text

    session = _session(args, extra)
    with RunProgress(session.runtime):
        report = explain(session)
    print(json.dumps(report, indent=1, default=str) if args.json else render_text(report))
    return 0


def _session(args: argparse.Namespace, extra: list[str]) -> Any:
    from emulator.debug.session import DebugSession
    from emulator.debug.slices import parse_slice

    try:
        slices = [parse_slice(text) for text in args.slice]
    except ValueError as exc:
        raise InputFileError(str(exc)) from exc
    mark = None
    if args.mark:
        if "=" not in args.mark:
            raise InputFileError(f"--mark wants VAR=VALUE, got {args.mark!r}")
        name, value = args.mark.split("=", 1)
        mark = (name, value)
    return DebugSession(
        args.target,
        _program_params(args, extra),
        seed=args.seed,
        answers=tuple(args.answer),
        slices=slices,
        mark=mark,
    )


def cmd_debug(args: argparse.Namespace, extra: list[str]) -> int:
    """scratch-emu debug TARGET."""
    from emulator.tui.app import run_app

    run_app(_session(args, extra))
    return 0


def cmd_record(args: argparse.Namespace, extra: list[str]) -> int:
    """scratch-emu record TARGET -o OUT.trace."""
    from emulator.trace.recorder import DEFAULT_CHUNK_EVENTS, record_run

    params = _program_params(args, extra)
    project, module = load_target(args.target, params)
    program_progress = getattr(module, "progress", None)
    slices = getattr(module, "slices", None)
    try:
        sink = open(args.output, "wb")  # noqa: SIM115  (closed below, after the run)
    except OSError as exc:
        raise InputFileError(f"{args.output}: cannot write: {exc.strerror}") from exc
    with sink:
        ending = record_run(
            project,
            sink,
            program=args.target,
            params=params,
            seed=args.seed,
            turbo=args.turbo,
            answers=args.answer,
            max_steps=args.max_steps,
            slices=slices(params) if slices else (),
            chunk_events=args.snapshot_every or DEFAULT_CHUNK_EVENTS,
            lists=_names(args.lists),
            variables=_names(args.vars),
            progress=lambda rt: RunProgress(
                rt, (lambda r: program_progress(r, params)) if program_progress else None
            ),
        )
        size = sink.tell()
    print(
        f"wrote {args.output}: {ending.events:,} events over {ending.step:,} steps, {size:,} bytes "
        f"({size / max(ending.events, 1):.2f} bytes per event); run {ending.reason}"
    )
    return EXIT_RUN_STOPPED if ending.reason == "step limit" else 0


def _names(text: str | None) -> list[str] | None:
    return None if text is None else [name for name in text.split(",") if name]


def cmd_replay(args: argparse.Namespace, extra: list[str]) -> int:
    """scratch-emu replay TRACE: the inspector; with --summary, --at N, --who NAME[INDEX], --events A..B: text."""
    from emulator.trace import render
    from emulator.trace.replay import Trace

    _no_extra(args, extra)
    trace = Trace.open(args.trace)
    queries = (args.at, args.at_step, args.who, args.events)
    if all(q is None for q in queries) and not args.summary and sys.stdout.isatty():
        from emulator.tui.replay_app import run_replay

        run_replay(trace, args.trace)
        return 0
    print("\n".join(render.header_lines(trace, args.trace)))
    at = trace.event_count if args.at is None else args.at
    if args.at_step is not None:
        at = trace.event_at_step(args.at_step)
    if not 0 <= at <= trace.event_count:
        raise InputFileError(f"--at {at}: the trace has events 0..{trace.event_count:,}")
    if args.events:
        start, stop = _range(args.events, "--events")
        print("\n".join(render.event_line(e) for e in trace.events(start, stop + 1)))
    if args.at is not None or args.at_step is not None:
        print("\n".join(render.state_lines(trace.state_at(at), trace.header.slices)))
    if args.who:
        name, items = _who(trace, args.who)
        try:
            event = trace.last_write_before(at, name, items)
        except KeyError as exc:
            raise InputFileError(f"--who {args.who}: {exc.args[0]}") from exc
        print("\n".join(render.who_lines(event, args.who, at)))
    return 0


def _who(trace: Any, text: str) -> tuple[str, int | tuple[int, int] | None]:
    """'weights[17]', 'weights[1..3920]', a slice name such as 'W1', or a variable name."""
    if text.endswith("]") and "[" in text:
        name, inner = text[:-1].split("[", 1)
        if inner.isdigit():
            return name, int(inner)
        return name, _range(inner, f"--who {text}")
    for s in trace.header.slices:
        if s.name == text:
            return s.list_name, (s.start, s.end)
    return text, None


def _range(text: str, option: str) -> tuple[int, int]:
    parts = text.replace("..", "-").split("-")
    if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
        raise InputFileError(f"{option}: want A..B (whole numbers), got {text!r}")
    return int(parts[0]), int(parts[1])


def _no_extra(args: argparse.Namespace, extra: list[str]) -> None:
    if extra:
        raise InputFileError(f"{args.command}: unknown option(s) {' '.join(extra)}")


def cmd_diff(args: argparse.Namespace, extra: list[str]) -> int:
    """scratch-emu diff A.trace B.trace, or diff A.trace TARGET [program options]."""
    from emulator.trace import render
    from emulator.trace.diff import diff
    from emulator.trace.replay import Trace

    a = Trace.open(args.trace)
    if _is_trace(args.other):
        _no_extra(args, extra)
        b, name_b = Trace.open(args.other), args.other
    else:
        b, name_b = _live_trace(args, extra, a), f"a live run of {args.other}"
    print("\n".join(render.diff_lines(diff(a, b), args.trace, name_b)))
    return 0


def _is_trace(path: str) -> bool:
    from emulator.trace.format import MAGIC

    try:
        with open(path, "rb") as f:
            return f.read(len(MAGIC)) == MAGIC
    except OSError:
        return path.endswith(".trace")  # a missing trace: let Trace.open name the problem


def _live_trace(args: argparse.Namespace, extra: list[str], base: Any) -> Any:
    """Run TARGET now, recording in memory; its options default to those the trace was recorded with."""
    import io

    from emulator.trace.recorder import record_run
    from emulator.trace.replay import Trace

    params = _parse_program_options(
        args.other, f"scratch-emu diff {args.trace} {args.other}", extra, dict(base.header.params)
    )
    project, module = load_target(args.other, params)
    slices = getattr(module, "slices", None)
    options = base.header.options
    sink = io.BytesIO()
    record_run(
        project,
        sink,
        program=args.other,
        params=vars(params),
        seed=base.header.seed if args.seed is None else args.seed,
        turbo=bool(options.get("turbo")),
        answers=options.get("answers") or (),
        max_steps=options.get("max_steps"),
        slices=slices(vars(params)) if slices else (),
        lists=options.get("lists"),
        variables=options.get("vars"),
        progress=RunProgress,
    )
    return Trace.from_bytes(sink.getvalue(), f"a live run of {args.other}")


COMMANDS = {
    "run": cmd_run,
    "export": cmd_export,
    "explain": cmd_explain,
    "debug": cmd_debug,
    "record": cmd_record,
    "replay": cmd_replay,
    "diff": cmd_diff,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the scratch-emu command."""
    args, extra = _parser().parse_known_args(argv)
    try:
        if args.command not in COMMANDS:
            _no_extra(args, extra)
            return extra_commands()[args.command].run(args)
        return COMMANDS[args.command](args, extra)
    except KeyboardInterrupt:
        print("scratch-emu: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): stop quietly, and keep Python from complaining on exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except ProgramError as exc:
        print(f"scratch-emu: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except EmulatorError as exc:
        print(f"scratch-emu: stopped: {exc}", file=sys.stderr)
        return EXIT_RUN_STOPPED
