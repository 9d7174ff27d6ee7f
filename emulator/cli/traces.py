"""`record`, `replay` and `diff`: write a run's trace, move through one, and compare two runs."""

from __future__ import annotations

import argparse
import io
import os
import sys
from typing import TYPE_CHECKING, Any

from emulator.cli.argtypes import positive_int
from emulator.cli.exits import EXIT_RUN_STOPPED
from emulator.cli.inputs import add_input_options, device_options
from emulator.cli.outputs import TRACE, add_force, check_output
from emulator.cli.targets import (
    Loaded,
    add_engine,
    add_run_options,
    add_target,
    chosen_engine,
    load,
    no_extra,
)
from emulator.errors import InputFileError
from emulator.files import replacing
from emulator.inputs import posts_from_json
from emulator.progress import RunProgress
from emulator.slices import ItemRef, parse_item_ref, parse_range

if TYPE_CHECKING:
    from emulator.trace.replay import Trace


def register(sub: Any) -> None:
    """Add `record`, `replay` and `diff` to the subcommands."""
    _register_record(sub)
    _register_replay(sub)
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
    diff.set_defaults(handler=cmd_diff)


def _register_record(sub: Any) -> None:
    record = sub.add_parser(
        "record", help="run a program and record every variable and list write to a trace file"
    )
    add_target(record)
    record.add_argument("-o", "--output", required=True, metavar="OUT.trace")
    add_force(record)
    add_engine(record)
    add_run_options(record)
    add_input_options(record)
    record.add_argument(
        "--lists", metavar="A,B", help="record only these lists (default: every list)"
    )
    record.add_argument(
        "--vars", metavar="X,Y", help="record only these variables (default: every variable)"
    )
    record.add_argument(
        "--snapshot-every",
        type=positive_int,
        default=None,
        metavar="K",
        help="a full snapshot every K events (default 50,000)",
    )
    record.set_defaults(handler=cmd_record)


def _register_replay(sub: Any) -> None:
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
    replay.set_defaults(handler=cmd_replay)


def cmd_record(args: argparse.Namespace, extra: list[str]) -> int:
    """scratch-emu record TARGET -o OUT.trace."""
    from emulator.trace.recorder import DEFAULT_CHUNK_EVENTS

    check_output(args.output, TRACE, args, "-o")
    loaded = load(args.target, f"scratch-emu record {args.target}", extra)
    # A run that fails, is interrupted or cannot be written leaves the previous file as it was; one
    # that reaches --max-steps is a whole trace of that prefix (its end says so) and replaces it.
    with replacing(args.output) as sink:
        ending = _record(
            loaded,
            sink,
            seed=args.seed,
            turbo=args.turbo,
            answers=args.answer,
            max_steps=args.max_steps,
            engine=chosen_engine(args),
            chunk_events=args.snapshot_every or DEFAULT_CHUNK_EVENTS,
            lists=_names(args.lists),
            variables=_names(args.vars),
            **device_options(loaded, args),
        )
        size = sink.tell()
    print(
        f"wrote {args.output}: {ending.events:,} events over {ending.step:,} steps, {size:,} bytes "
        f"({size / max(ending.events, 1):.2f} bytes per event); run {ending.reason}"
    )
    return EXIT_RUN_STOPPED if ending.reason == "step limit" else 0


def _record(loaded: Loaded, sink: Any, **options: Any) -> Any:
    """Record a loaded target's run into a sink, with its program's slices and progress line."""
    from emulator.trace.recorder import record_run

    program, params = loaded.program, loaded.params
    line = program.progress_for(params) if program is not None else None
    return record_run(
        loaded.project,
        sink,
        program=loaded.name,
        params=params,
        slices=program.slices_for(params) if program is not None else (),
        progress=lambda rt: RunProgress(rt, line),
        **options,
    )


def _names(text: str | None) -> list[str] | None:
    return None if text is None else [name for name in text.split(",") if name]


def cmd_replay(args: argparse.Namespace, extra: list[str]) -> int:
    """scratch-emu replay TRACE: the inspector; with --summary, --at N, --who NAME[INDEX], --events A..B: text."""
    from emulator.trace import render
    from emulator.trace.replay import Trace

    no_extra(args, extra)
    trace = Trace.open(args.trace)
    queries = (args.at, args.at_step, args.who, args.events)
    if all(q is None for q in queries) and not args.summary and sys.stdout.isatty():
        from emulator.tui.replay.app import run_replay

        run_replay(trace, args.trace)
        return 0
    if args.summary:
        trace.verify()  # a summary vouches for the whole file, not only the chunks it prints
    print("\n".join(render.header_lines(trace, args.trace)))
    at = trace.event_count if args.at is None else args.at
    if args.at_step is not None:
        at = trace.event_at_step(args.at_step)
    if not 0 <= at <= trace.event_count:
        raise InputFileError(f"--at {at}: the trace has events 0..{trace.event_count:,}")
    if args.events:
        start, stop = _option_range(args.events, "--events")
        print("\n".join(render.event_line(e) for e in trace.events(start, stop + 1)))
    if args.at is not None or args.at_step is not None:
        print("\n".join(render.state_lines(trace.state_at(at), trace.header.slices)))
    if args.who:
        ref = _who(trace, args.who)
        try:
            event = trace.last_write_before(at, ref.name, ref.items)
        except KeyError as exc:
            raise InputFileError(f"--who {args.who}: {exc.args[0]}") from exc
        print("\n".join(render.who_lines(event, args.who, at)))
    return 0


def _who(trace: Trace, text: str) -> ItemRef:
    try:
        return parse_item_ref(text, trace.header.slices)
    except ValueError as exc:
        raise InputFileError(f"--who {exc}") from exc


def _option_range(text: str, option: str) -> tuple[int, int]:
    try:
        return parse_range(text)
    except ValueError as exc:
        raise InputFileError(f"{option} {exc}") from exc


def cmd_diff(args: argparse.Namespace, extra: list[str]) -> int:
    """scratch-emu diff A.trace B.trace, or diff A.trace TARGET [program options]."""
    from emulator.trace import render
    from emulator.trace.diff import diff
    from emulator.trace.replay import Trace

    a = Trace.open(args.trace)
    if _is_trace(args.other):
        no_extra(args, extra)
        b, name_b = Trace.open(args.other), args.other
    else:
        b, name_b = _live_trace(args, extra, a), f"a live run of {args.other}"
    print("\n".join(render.diff_lines(diff(a, b), args.trace, name_b)))
    return 0


def _is_trace(path: str) -> bool:
    from emulator.trace.format import MAGIC

    if not os.path.isfile(path):
        # A missing file, a pipe or a device: a name ending in .trace is left for Trace.open to
        # refuse in one line; anything else is taken as a target, whose loader refuses it.
        return path.endswith(".trace")
    try:
        with open(path, "rb") as f:
            return f.read(len(MAGIC)) == MAGIC
    except OSError:
        return path.endswith(".trace")


def _live_trace(args: argparse.Namespace, extra: list[str], base: Trace) -> Trace:
    """Run TARGET now, recording in memory; its options default to those the trace was recorded with."""
    from emulator.trace.replay import Trace

    recorded = dict(base.header.params)
    loaded = load(
        args.other, f"scratch-emu diff {args.trace} {args.other}", extra, lambda _: recorded
    )
    options = base.header.options
    sink = io.BytesIO()
    _record(
        loaded,
        sink,
        seed=base.header.seed if args.seed is None else args.seed,
        turbo=bool(options.get("turbo")),
        answers=options.get("answers") or (),
        max_steps=options.get("max_steps"),
        lists=options.get("lists"),
        variables=options.get("vars"),
        inputs=posts_from_json(options.get("inputs") or ()),
        date=options.get("date"),
        username=str(options.get("username") or ""),
    )
    return Trace.from_bytes(sink.getvalue(), f"a live run of {args.other}")
